package haproxyrun

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Backend is a small HTTP server on a loopback address that answers every request with its
// Name, so that a client behind HAProxy can tell who served it. GET /slow?ms=N answers after N
// milliseconds (a long request, to watch a drain). Any other path, health checks included,
// answers at once, unless the backend is set to hang (SetHang).
type Backend struct {
	Name string // "IP:PORT", the body of every answer
	IP   string
	Port int

	hang  atomic.Bool
	mu    sync.Mutex
	paths map[string]int64 // requests per path, under mu
	srv   *http.Server
}

// StartBackend starts a backend on ip (one of 127.0.0.0/8) and port (0: a free one).
func StartBackend(ip string, port int) (*Backend, error) {
	if p := net.ParseIP(ip); p == nil || !p.IsLoopback() {
		return nil, fmt.Errorf("backend on %q: only loopback addresses are allowed", ip)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("backend on %s: %w", ip, err)
	}
	b := &Backend{IP: ip, Port: l.Addr().(*net.TCPAddr).Port}
	b.Name = l.Addr().String()
	b.serve(l)
	return b, nil
}

// SetHang makes the backend accept requests and never answer them (until set back), as a
// wedged server does: an HTTP health check times out, a TCP check still passes.
func (b *Backend) SetHang(hang bool) { b.hang.Store(hang) }

// ServedPath is how many requests for path the backend has received, answered or not: a
// health check's path apart from the traffic's.
func (b *Backend) ServedPath(path string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.paths[path]
}

// Stop closes the backend's port and its connections: new connections are refused, so an HAProxy
// health check reports it DOWN.
func (b *Backend) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.srv != nil {
		b.srv.Close()
		b.srv = nil
	}
}

// Restart starts a stopped backend again on the same address and port.
func (b *Backend) Restart() error {
	b.mu.Lock()
	running := b.srv != nil
	b.mu.Unlock()
	if running {
		return nil
	}
	l, err := net.Listen("tcp", b.Name)
	if err != nil {
		return fmt.Errorf("restart backend %s: %w", b.Name, err)
	}
	b.serve(l)
	return nil
}

func (b *Backend) serve(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(b.answer), ReadHeaderTimeout: 10 * time.Second}
	b.mu.Lock()
	b.srv = srv
	b.mu.Unlock()
	// Serve only returns once Stop closes it; a backend that cannot serve shows as failed
	// requests, which is what the tests count.
	go srv.Serve(l)
}

func (b *Backend) answer(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	if b.paths == nil {
		b.paths = map[string]int64{}
	}
	b.paths[r.URL.Path]++
	b.mu.Unlock()
	for b.hang.Load() {
		select {
		case <-time.After(10 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	if r.URL.Path == "/slow" {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, b.Name)
}
