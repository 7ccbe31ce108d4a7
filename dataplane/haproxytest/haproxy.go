// Package haproxytest runs real parts for tests of the data plane: Debian's haproxy as a child
// process with an admin Runtime API socket, small HTTP backends on loopback addresses that answer
// their own name, and clients that send requests through HAProxy and count who answered.
//
// Only loopback addresses (127.0.0.0/8) are ever used. Every piece stops itself through
// t.Cleanup. Tests that need haproxy call Start (or Binary): they skip when haproxy is not
// installed, except with CI=true in the environment, where they fail instead.
package haproxytest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary returns the path of the haproxy binary. Without one the test is skipped, unless the
// environment says CI=true: CI must install it (apt-get install -y haproxy), so there it fails.
func Binary(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy is not installed, and CI=true: CI must install it (apt-get install -y haproxy)")
		}
		t.Skip("haproxy is not installed (apt-get install -y haproxy)")
	}
	return path
}

// Section is one backend of the configuration: its name and the lines of its body, for example
// "balance roundrobin" or "option httpchk GET /health". Leave servers out: the data plane adds
// them at runtime (a "server" line makes a static server, which the data plane leaves alone
// unless told to adopt it).
type Section struct {
	Name  string
	Lines []string
}

// Config is what Start writes to haproxy.cfg. Each backend gets its own frontend on a
// 127.0.0.1 port of its own (see URL).
type Config struct {
	Backends []Section
	// Defaults are added to the defaults section, after the ones Start always writes
	// (mode http, short connect and check timeouts, 30 s client and server timeouts).
	Defaults []string
}

// HAProxy is a running haproxy. Its listening sockets belong to the test process and are handed
// to haproxy as inherited file descriptors (fd@N), so they keep their ports across Restart and
// connections made while haproxy is down wait in the backlog instead of being refused.
type HAProxy struct {
	// Unix is the admin Runtime API socket as dataplane/haproxy addresses it: "unix:/…/admin.sock".
	Unix string
	// TCP is the same API on a loopback TCP port: "tcp:127.0.0.1:PORT".
	TCP string

	bin, dir, cfg string
	urls          map[string]string
	files         []*os.File // inherited by haproxy as fd 3, 4, …: the TCP admin socket, then one per frontend
	cmd           *exec.Cmd
	exited        chan struct{}
	log           *lockedBuffer
}

// Start writes cfg to a temporary haproxy.cfg, starts haproxy in the foreground and waits until
// its Runtime API answers. It stops haproxy when the test ends, and prints haproxy's own log
// if the test failed.
func Start(t testing.TB, cfg Config) *HAProxy {
	t.Helper()
	h := &HAProxy{bin: Binary(t), urls: map[string]string{}, log: &lockedBuffer{}}
	// A unix socket path must fit in 108 bytes; t.TempDir() paths grow with the test's name.
	dir, err := os.MkdirTemp("", "hx")
	if err != nil {
		t.Fatal(err)
	}
	h.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "admin.sock")
	h.Unix = "unix:" + sock
	admin := h.listen(t)
	h.TCP = "tcp:" + admin
	text := h.config(t, cfg, sock)
	h.cfg = filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(h.cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Stop()
		for _, f := range h.files {
			f.Close()
		}
		if t.Failed() {
			t.Logf("haproxy log:\n%s", h.Log())
		}
	})
	h.start(t)
	return h
}

// URL is the address of the frontend that sends every request to backend, as "http://127.0.0.1:PORT".
func (h *HAProxy) URL(backend string) string { return h.urls[backend] }

// Log is what haproxy has written so far (its warnings: servers going up and down, and so on).
func (h *HAProxy) Log() string { return h.log.String() }

// Restart stops haproxy and starts it again from the same configuration: what was added at
// runtime is gone, the backends are as haproxy.cfg describes them.
func (h *HAProxy) Restart(t testing.TB) {
	t.Helper()
	h.Stop()
	h.start(t)
}

// Stop ends haproxy at once (SIGTERM) and waits for it. Its ports stay held by the test.
func (h *HAProxy) Stop() {
	if h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(5 * time.Second):
		h.cmd.Process.Kill()
		<-h.exited
	}
	h.cmd = nil
}

// listen opens a loopback TCP listener to hand to haproxy, and returns its address.
func (h *HAProxy) listen(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.(*net.TCPListener).File()
	l.Close() // f holds its own descriptor of the same socket
	if err != nil {
		t.Fatal(err)
	}
	h.files = append(h.files, f)
	return l.Addr().String()
}

// fd is the descriptor number haproxy sees for h.files[i].
func fd(i int) int { return 3 + i }

func (h *HAProxy) config(t testing.TB, cfg Config, sock string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "global\n    stats socket %s mode 600 level admin\n", sock)
	fmt.Fprintf(&b, "    stats socket fd@%d level admin\n", fd(0))
	b.WriteString("    stats timeout 10s\n")
	b.WriteString("defaults\n    mode http\n    timeout connect 1s\n    timeout check 1s\n")
	b.WriteString("    timeout client 30s\n    timeout server 30s\n")
	for _, l := range cfg.Defaults {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	for _, be := range cfg.Backends {
		addr := h.listen(t)
		h.urls[be.Name] = "http://" + addr
		fmt.Fprintf(&b, "frontend fe_%s\n    bind fd@%d\n    default_backend %s\n", be.Name, fd(len(h.files)-1), be.Name)
		fmt.Fprintf(&b, "backend %s\n", be.Name)
		for _, l := range be.Lines {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	return b.String()
}

func (h *HAProxy) start(t testing.TB) {
	t.Helper()
	cmd := exec.Command(h.bin, "-db", "-f", h.cfg)
	cmd.ExtraFiles = h.files
	cmd.Stdout, cmd.Stderr = h.log, h.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	h.cmd, h.exited = cmd, exited
	sock := strings.TrimPrefix(h.Unix, "unix:")
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			h.cmd = nil
			t.Fatalf("haproxy exited at start:\n%s", h.Log())
		default:
		}
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy's socket %s did not answer within 10 s:\n%s", sock, h.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lockedBuffer collects haproxy's output, written by exec's copying goroutines and read by tests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
