package haproxytest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
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

	served atomic.Int64
	hang   atomic.Bool
	mu     sync.Mutex
	paths  map[string]int64 // requests per path, under mu
	srv    *http.Server
}

// StartBackend starts a backend on ip (one of 127.0.0.0/8) and a free port, and stops it when
// the test ends.
func StartBackend(t testing.TB, ip string) *Backend {
	t.Helper()
	if p := net.ParseIP(ip); p == nil || !p.IsLoopback() {
		t.Fatalf("StartBackend(%q): only loopback addresses are allowed", ip)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("backend on %s: %v", ip, err)
	}
	b := &Backend{IP: ip, Port: l.Addr().(*net.TCPAddr).Port}
	b.Name = l.Addr().String()
	b.serve(l)
	t.Cleanup(b.Stop)
	return b
}

// StartBackends starts n backends on 127.0.0.2, 127.0.0.3, … (127.0.0.1 is left to HAProxy).
func StartBackends(t testing.TB, n int) []*Backend {
	t.Helper()
	if n < 1 || n > 250 {
		t.Fatalf("StartBackends(%d): want 1–250", n)
	}
	bs := make([]*Backend, n)
	for i := range bs {
		bs[i] = StartBackend(t, "127.0.0."+strconv.Itoa(i+2))
	}
	return bs
}

// SetHang makes the backend accept requests and never answer them (until set back), as a
// wedged server does: an HTTP health check times out, a TCP check still passes.
func (b *Backend) SetHang(hang bool) { b.hang.Store(hang) }

// Served is how many requests the backend has received (health checks included).
func (b *Backend) Served() int64 { return b.served.Load() }

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
func (b *Backend) Restart(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	running := b.srv != nil
	b.mu.Unlock()
	if running {
		return
	}
	l, err := net.Listen("tcp", b.Name)
	if err != nil {
		t.Fatalf("restart backend %s: %v", b.Name, err)
	}
	b.serve(l)
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
	b.served.Add(1)
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

// Get sends one GET to url and returns the body of a 200 answer, or an error naming what went
// wrong (status, transport).
func Get(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := readAll(resp)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %.80s", resp.StatusCode, body)
	}
	if body == "" {
		return "", errors.New("empty answer")
	}
	return body, nil
}
