package haproxyrun

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrNotInstalled is LookPath's error when there is no haproxy on PATH.
var ErrNotInstalled = errors.New("haproxy is not installed (on Debian or Ubuntu: apt-get install -y haproxy)")

// LookPath returns the path of the haproxy binary, or ErrNotInstalled.
func LookPath() (string, error) {
	path, err := exec.LookPath("haproxy")
	if err != nil {
		return "", ErrNotInstalled
	}
	return path, nil
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

// HAProxy is a running haproxy. Its listening sockets belong to this process and are handed to
// haproxy as inherited file descriptors (fd@N), so they keep their ports across Restart and
// connections made while haproxy is down wait in the backlog instead of being refused.
type HAProxy struct {
	// Unix is the admin Runtime API socket as dataplane/haproxy addresses it: "unix:/…/admin.sock".
	Unix string
	// TCP is the same API on a loopback TCP port: "tcp:127.0.0.1:PORT".
	TCP string
	// Config is the path of the haproxy.cfg it runs.
	Config string

	bin, dir string
	urls     map[string]string
	files    []*os.File // inherited by haproxy as fd 3, 4, …: the TCP admin socket, then one per frontend
	cmd      *exec.Cmd
	exited   chan struct{}
	log      *lockedBuffer
}

// Start writes cfg to haproxy.cfg in a new temporary directory, starts haproxy in the
// foreground and waits until its Runtime API answers. Close stops it and removes the directory.
func Start(cfg Config) (*HAProxy, error) {
	bin, err := LookPath()
	if err != nil {
		return nil, err
	}
	// A unix socket path must fit in 108 bytes: a short directory of its own.
	dir, err := os.MkdirTemp("", "hx")
	if err != nil {
		return nil, err
	}
	h := &HAProxy{bin: bin, dir: dir, urls: map[string]string{}, log: &lockedBuffer{}}
	if err := h.prepare(cfg); err != nil {
		h.Close()
		return nil, err
	}
	if err := h.start(); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

func (h *HAProxy) prepare(cfg Config) error {
	sock := filepath.Join(h.dir, "admin.sock")
	h.Unix = "unix:" + sock
	admin, err := h.listen()
	if err != nil {
		return err
	}
	h.TCP = "tcp:" + admin
	text, err := h.config(cfg, sock)
	if err != nil {
		return err
	}
	h.Config = filepath.Join(h.dir, "haproxy.cfg")
	return os.WriteFile(h.Config, []byte(text), 0o600)
}

// URL is the address of the frontend that sends every request to backend, as "http://127.0.0.1:PORT".
func (h *HAProxy) URL(backend string) string { return h.urls[backend] }

// Log is what haproxy has written so far (its warnings: servers going up and down, and so on).
func (h *HAProxy) Log() string { return h.log.String() }

// Restart stops haproxy and starts it again from the same configuration: what was added at
// runtime is gone, the backends are as haproxy.cfg describes them.
func (h *HAProxy) Restart() error {
	h.Stop()
	return h.start()
}

// Stop ends haproxy (SIGTERM, SIGKILL after 5 s) and waits for it. Its ports stay held.
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

// Close stops haproxy, releases its ports and removes its directory.
func (h *HAProxy) Close() {
	h.Stop()
	for _, f := range h.files {
		f.Close()
	}
	h.files = nil
	os.RemoveAll(h.dir)
}

// listen opens a loopback TCP listener to hand to haproxy, and returns its address.
func (h *HAProxy) listen() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	f, err := l.(*net.TCPListener).File()
	l.Close() // f holds its own descriptor of the same socket
	if err != nil {
		return "", err
	}
	h.files = append(h.files, f)
	return l.Addr().String(), nil
}

// fd is the descriptor number haproxy sees for h.files[i].
func fd(i int) int { return 3 + i }

func (h *HAProxy) config(cfg Config, sock string) (string, error) {
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
		addr, err := h.listen()
		if err != nil {
			return "", err
		}
		h.urls[be.Name] = "http://" + addr
		fmt.Fprintf(&b, "frontend fe_%s\n    bind fd@%d\n    default_backend %s\n", be.Name, fd(len(h.files)-1), be.Name)
		fmt.Fprintf(&b, "backend %s\n", be.Name)
		for _, l := range be.Lines {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	return b.String(), nil
}

func (h *HAProxy) start() error {
	cmd := exec.Command(h.bin, "-db", "-f", h.Config)
	cmd.ExtraFiles = h.files
	cmd.Stdout, cmd.Stderr = h.log, h.log
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start haproxy: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	h.cmd, h.exited = cmd, exited
	return h.waitForSocket()
}

// waitForSocket waits until the Runtime API's socket accepts connections.
func (h *HAProxy) waitForSocket() error {
	sock := strings.TrimPrefix(h.Unix, "unix:")
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-h.exited:
			h.cmd = nil
			return fmt.Errorf("haproxy exited at start:\n%s", h.Log())
		default:
		}
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			h.Stop()
			return fmt.Errorf("haproxy's socket %s did not answer within 10 s:\n%s", sock, h.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
