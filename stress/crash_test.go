package stress

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lbconsole/db"
)

// crashBound bounds the kill-and-restart part of TestCrashRecovery, building aside.
const crashBound = 90 * time.Second

// TestCrashRecovery builds the real binary, serves a database with it under load from SLB
// SDK, gophercloud and console clients, kills it with SIGKILL at random moments and restarts
// it on the same database, LBCONSOLE_CRASH_KILLS times (default 20). Then it stops the server
// cleanly and checks the file: SQLite's integrity check, no duplicate (address, port), the audit
// chain (with the binary's own audit verify), every batch a client was told succeeded in the
// audit log, and the log's diffs replayed from the seeded start giving the final members.
func TestCrashRecovery(t *testing.T) {
	kills := envInt(t, "LBCONSOLE_CRASH_KILLS", 20)
	dir := t.TempDir()
	bin := buildConsole(t, dir)
	dbPath := filepath.Join(dir, "crash.db")
	logFile, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	h := &harness{t: t, bin: bin, dbPath: dbPath, log: logFile, env: serverEnv()}

	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), crashBound)
	defer cancel()
	srv := h.start(ctx, "--demo")
	t.Cleanup(func() { srv.kill() }) // a no-op once it has exited
	cred := h.keyCreate(ctx)

	// The seeded start: the groups and their members before any client ran.
	key, err := os.ReadFile(dbPath + ".key")
	if err != nil {
		t.Fatalf("the server left no key file beside the database: %v", err)
	}
	storeKey, err := hex.DecodeString(strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	store, err := db.Open(ctx, dbPath, db.Options{Key: storeKey})
	if err != nil {
		t.Fatalf("db.Open: %v", err)
	}
	fx := pickFixture(t, ctx, store)
	store.Close()

	w := &world{fx: fx, count: newCounter(), maxSteps: 1_000_000, timeout: 30 * time.Second, crashing: true,
		deadline: began.Add(crashBound)}
	w.setAddr(srv.addr)
	console := newConsoleClient(w, "console0", 400)
	if err := console.signIn(srv.addr, "admin", password); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	steps := []func(string){console.step}
	w.count.client(kindConsole)
	for i := 0; i < 2; i++ {
		steps = append(steps, newSLBClient(w, fmt.Sprintf("slb%d", i), uint64(500+i), cred.id, cred.secret).step)
		w.count.client(kindSLB)
		steps = append(steps, newGopherClient(w, fmt.Sprintf("gc%d", i), uint64(600+i), cred.token).step)
		w.count.client(kindGopher)
	}
	var wg sync.WaitGroup
	for _, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(step)
		}()
	}
	t.Cleanup(func() { w.stopped.Store(true); wg.Wait() }) // before the server's kill: cleanups run last first

	// Kill at random moments, restart on the same file, again and again.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))
	survived, restarts := 0, 0
	for survived < kills && ctx.Err() == nil {
		sleepUntil(time.Duration(50+rng.IntN(351))*time.Millisecond, began.Add(crashBound))
		w.setAddr("")
		srv.kill()
		srv = h.start(ctx)
		restarts++
		survived++
		w.setAddr(srv.addr)
	}
	// Let the clients work on the last start a moment, then stop them and the server cleanly.
	sleepUntil(300*time.Millisecond, began.Add(crashBound))
	w.stopped.Store(true)
	wg.Wait()
	if err := srv.stop(); err != nil {
		t.Errorf("the server did not stop cleanly on SIGTERM: %v", err)
	}
	cycle := time.Since(began)
	if survived < kills {
		t.Errorf("only %d of %d kills in %s", survived, kills, crashBound)
	}

	logf(t, "kills survived %d, restarts %d, in %s; clients:\n%s", survived, restarts, cycle.Round(time.Millisecond), w.count.report())
	for _, s := range w.count.samples {
		logf(t, "sample: %s", s)
	}
	if n := w.count.total(cat5xx); n > 0 {
		t.Errorf("%d requests were answered with a 5xx; want none", n)
	}
	if w.count.total(catApplied) == 0 {
		t.Error("no batch was applied: the test exercised nothing")
	}

	checkFile(t, dbPath)
	h.auditVerify()
	h.checkLog()

	store, err = db.Open(context.Background(), dbPath, db.Options{Key: storeKey})
	if err != nil {
		t.Fatalf("db.Open after the last stop: %v", err)
	}
	defer store.Close()
	res := checkFinal(t, context.Background(), store, fx)
	acked := w.count.ackedCopy()
	found := checkAcked(t, acked, res.byRequestID)
	audited, unaudited := w.count.auditedRefusals(t, res.byRequestID)
	logf(t, "refused batches in the audit log %d; refused before reaching the store (not audited): %s", audited, unaudited)
	lost := 0 // applied, but the answer died with the server
	for id, e := range res.byRequestID {
		if _, ok := acked[id]; !ok && e.Outcome == db.OutcomeOK {
			lost++
		}
	}
	logf(t, "batches acknowledged %d, found in the audit log %d; applied entries %d (%d changed something), applied without an answer %d, refused entries %d; transport errors %d",
		len(acked), found, res.okEntries, res.changed, lost, res.refusedEntries, w.count.total(catErrors))
}

// moduleRoot is the directory of go.mod, found from the test's working directory up.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// buildConsole builds ./cmd/console into dir, with -race when the tests run with it, so that
// the build reuses what the test build compiled.
func buildConsole(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "console")
	args := []string{"build"}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "-o", bin, "./cmd/console")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = moduleRoot(t)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	logf(t, "go %s took %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return bin
}

// serverEnv is the test's environment without any CONSOLE_ setting, plus the first admin's
// password.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONSOLE_") {
			env = append(env, kv)
		}
	}
	return append(env, "CONSOLE_ADMIN_PASSWORD="+password)
}

// harness runs the binary on one database.
type harness struct {
	t      *testing.T
	bin    string
	dbPath string
	log    *os.File // every run's standard error, appended
	env    []string
}

// proc is one running server.
type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan error // Wait's result, once standard output is drained
	once sync.Once
	err  error
}

const readyPrefix = "lbconsole is serving on http://"

// start serves the database on a port of the system's choosing and waits until the server
// says where it listens.
func (h *harness) start(ctx context.Context, extra ...string) *proc {
	h.t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", h.dbPath}, extra...)
	cmd := exec.Command(h.bin, args...)
	cmd.Env, cmd.Stderr = h.env, h.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		h.t.Fatalf("start %s: %v", h.bin, err)
	}
	p := &proc{cmd: cmd, done: make(chan error, 1)}
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
	case p.addr = <-ready:
		return p
	case err := <-p.done:
		p.once.Do(func() { p.err = err })
		h.t.Fatalf("the server exited before serving: %v\n%s", err, h.logTail())
	case <-wait.Done():
		p.kill()
		h.t.Fatalf("the server did not say it was serving: %v\n%s", wait.Err(), h.logTail())
	}
	return nil
}

// kill ends the server with SIGKILL and waits until it is gone.
func (p *proc) kill() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		p.err = <-p.done
	})
}

// stop asks the server to stop with SIGTERM and reports how it exited.
func (p *proc) stop() error {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case p.err = <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			p.err = errors.Join(errors.New("still running 30s after SIGTERM"), <-p.done)
		}
	})
	return p.err
}

// credentials are what console key create prints.
type credentials struct{ id, secret, token string }

// keyCreate makes an API key for admin with the binary, while the server runs.
func (h *harness) keyCreate(ctx context.Context) credentials {
	h.t.Helper()
	cmd := exec.CommandContext(ctx, h.bin, "key", "create", "--user", "admin", "--db", h.dbPath)
	cmd.Env = h.env
	out, err := cmd.Output()
	if err != nil {
		h.t.Fatalf("console key create: %v\n%s", err, out)
	}
	var c credentials
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "AccessKeyId":
			c.id = v
		case "AccessKeySecret":
			c.secret = v
		case "Token":
			c.token = v
		}
	}
	if c.id == "" || c.secret == "" || c.token == "" {
		h.t.Fatalf("console key create printed %q; want AccessKeyId, AccessKeySecret and Token lines", out)
	}
	return c
}

// auditVerify runs console audit verify, which must exit 0.
func (h *harness) auditVerify() {
	h.t.Helper()
	cmd := exec.Command(h.bin, "audit", "verify", "--db", h.dbPath)
	cmd.Env = h.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Errorf("console audit verify: %v\n%s", err, out)
		return
	}
	logf(h.t, "console audit verify: %s", strings.TrimSpace(string(out)))
}

// checkLog fails if any run of the server reported a data race or a panic.
func (h *harness) checkLog() {
	h.t.Helper()
	b, err := os.ReadFile(h.log.Name())
	if err != nil {
		h.t.Fatal(err)
	}
	for _, bad := range []string{"WARNING: DATA RACE", "panic:", "level=ERROR"} {
		if i := strings.Index(string(b), bad); i >= 0 {
			h.t.Errorf("the server's log reports %q:\n%s", bad, excerpt(string(b), i))
		}
	}
}

func (h *harness) logTail() string {
	b, _ := os.ReadFile(h.log.Name())
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

func excerpt(s string, i int) string {
	from, to := max(0, i-200), min(len(s), i+2000)
	return s[from:to]
}

// checkFile opens the database read-only with database/sql and checks SQLite's integrity
// and, across every group, that no (address, port) appears twice.
func checkFile(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil {
		t.Fatalf("PRAGMA integrity_check: %v", err)
	}
	if result != "ok" {
		t.Errorf("PRAGMA integrity_check = %q; want ok", result)
	}
	logf(t, "PRAGMA integrity_check: %s", result)
	rows, err := conn.Query("SELECT group_id, address, port, count(*) FROM members GROUP BY group_id, address, port HAVING count(*) > 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var group, address string
		var port, n int
		if err := rows.Scan(&group, &address, &port, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("group %s holds %s:%d %d times", group, address, port, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
