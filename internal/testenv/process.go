package testenv

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lbconsole/auth"
)

// Harness runs the binary on one database, appending every run's standard error to one log.
type Harness struct {
	T      testing.TB
	Bin    string // the binary, or a script that runs it
	DBPath string
	Log    *os.File
	Env    []string
}

// NewHarness prepares to run Binary on the database at dbPath (which need not exist yet), with
// its log in a directory of the test's own.
func NewHarness(tb testing.TB, dbPath string) *Harness {
	tb.Helper()
	return &Harness{T: tb, Bin: Binary(tb), DBPath: dbPath, Log: ServerLog(tb, tb.TempDir()), Env: ServerEnv()}
}

// ServerLog is the file in dir that every run of a test's server appends its standard error to.
func ServerLog(tb testing.TB, dir string) *os.File {
	tb.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// ServerEnv is the test's environment without any CONSOLE_ setting, plus the first admin's
// password for a server that starts on an empty database.
func ServerEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONSOLE_") {
			env = append(env, kv)
		}
	}
	return append(env, "CONSOLE_ADMIN_PASSWORD="+Password)
}

// Process is one running server.
type Process struct {
	Cmd  *exec.Cmd
	Addr string     // where it serves, host:port
	done chan error // Wait's result, once standard output is drained
	once sync.Once
	err  error
}

// readyPrefix starts the line with which the server says where it serves.
const readyPrefix = "lbconsole is serving on http://"

// Start serves the database on a port of the system's choosing and waits until the server
// says where it listens. The server is killed when the test ends, if it still runs.
func (h *Harness) Start(ctx context.Context, extra ...string) *Process {
	h.T.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", h.DBPath}, extra...)
	cmd := exec.Command(h.Bin, args...)
	cmd.Env, cmd.Stderr = h.Env, h.Log
	out, err := cmd.StdoutPipe()
	if err != nil {
		h.T.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		h.T.Fatalf("start %s: %v", h.Bin, err)
	}
	p := &Process{Cmd: cmd, done: make(chan error, 1)}
	h.T.Cleanup(p.Kill)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), readyPrefix); ok {
				addr, _, _ := strings.Cut(rest, " ")
				select {
				case ready <- addr:
				default:
				}
			}
		}
		p.done <- cmd.Wait()
	}()
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case p.Addr = <-ready:
		return p
	case err := <-p.done:
		p.once.Do(func() { p.err = err })
		h.T.Fatalf("the server exited before serving: %v\n%s", err, h.LogTail())
	case <-wait.Done():
		p.Kill()
		h.T.Fatalf("the server did not say it was serving: %v\n%s", wait.Err(), h.LogTail())
	}
	return nil
}

// Pid is the server's process id.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Kill ends the server with SIGKILL and waits until it is gone; once it has exited, it does
// nothing.
func (p *Process) Kill() {
	p.once.Do(func() {
		_ = p.Cmd.Process.Signal(syscall.SIGKILL)
		p.err = <-p.done
	})
}

// Stop asks the server to stop with SIGTERM and reports how it exited.
func (p *Process) Stop() error {
	p.once.Do(func() {
		_ = p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case p.err = <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.Cmd.Process.Signal(syscall.SIGKILL)
			p.err = errors.Join(errors.New("still running 30s after SIGTERM"), <-p.done)
		}
	})
	return p.err
}

// Command runs a subcommand of the binary on the database (--db is added), with stdin, and
// returns its standard output; it fails the test if the command fails.
func (h *Harness) Command(ctx context.Context, stdin string, args ...string) string {
	h.T.Helper()
	cmd := exec.CommandContext(ctx, h.Bin, append(args, "--db", h.DBPath)...)
	cmd.Env, cmd.Stdin = h.Env, strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		h.T.Fatalf("console %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// AddUser adds a user with the binary, the password Password on standard input.
func (h *Harness) AddUser(ctx context.Context, name, role string) {
	h.T.Helper()
	h.Command(ctx, Password+"\n", "user", "add", name, "--role", role)
}

// KeyCreate makes an API key for user with the binary, which may run meanwhile.
func (h *Harness) KeyCreate(ctx context.Context, user string) auth.APICredentials {
	h.T.Helper()
	out := h.Command(ctx, "", "key", "create", "--user", user)
	var c auth.APICredentials
	for _, line := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "AccessKeyId":
			c.AccessKeyID = v
		case "AccessKeySecret":
			c.AccessKeySecret = v
		case "Token":
			c.Token = v
		}
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" || c.Token == "" {
		h.T.Fatalf("console key create printed %q; want AccessKeyId, AccessKeySecret and Token lines", out)
	}
	return c
}

// AuditVerify runs console audit verify, which must exit 0, and returns what it printed.
func (h *Harness) AuditVerify() string {
	h.T.Helper()
	cmd := exec.Command(h.Bin, "audit", "verify", "--db", h.DBPath)
	cmd.Env = h.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.T.Errorf("console audit verify: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// CheckLog fails if any run of the server reported a data race, a panic or an error.
func (h *Harness) CheckLog() {
	h.T.Helper()
	b, err := os.ReadFile(h.Log.Name())
	if err != nil {
		h.T.Fatal(err)
	}
	for _, bad := range []string{"WARNING: DATA RACE", "panic:", "level=ERROR"} {
		if i := strings.Index(string(b), bad); i >= 0 {
			from, to := max(0, i-200), min(len(b), i+2000)
			h.T.Errorf("the server's log reports %q:\n%s", bad, b[from:to])
		}
	}
}

// LogTail is the end of the server's log, for messages.
func (h *Harness) LogTail() string {
	b, _ := os.ReadFile(h.Log.Name())
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
