package haproxytest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"lbconsole/dataplane/haproxyrun"
)

// Backend is a small HTTP server on a loopback address that answers every request with its
// Name (see haproxyrun.Backend), stopped when the test ends.
type Backend struct {
	*haproxyrun.Backend
}

// StartBackend starts a backend on ip (one of 127.0.0.0/8) and a free port, and stops it when
// the test ends.
func StartBackend(t testing.TB, ip string) *Backend {
	t.Helper()
	b, err := haproxyrun.StartBackend(ip, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	return &Backend{b}
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

// Restart starts a stopped backend again on the same address and port.
func (b *Backend) Restart(t testing.TB) {
	t.Helper()
	if err := b.Backend.Restart(); err != nil {
		t.Fatal(err)
	}
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
