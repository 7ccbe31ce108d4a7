package haproxytest_test

import (
	"context"
	"testing"
	"time"

	"lbconsole/dataplane/haproxytest"
)

func TestBackendAnswersItsName(t *testing.T) {
	b := haproxytest.StartBackend(t, "127.0.0.2")
	client := haproxytest.NewClient(1)
	ctx := context.Background()
	url := "http://" + b.Name
	if got, err := haproxytest.Get(ctx, client, url); err != nil || got != b.Name {
		t.Fatalf("Get = %q, %v; want %q", got, err, b.Name)
	}
	b.Stop()
	client.CloseIdleConnections()
	if _, err := haproxytest.Get(ctx, client, url); err == nil {
		t.Fatal("a stopped backend answered")
	}
	b.Restart(t)
	if got, err := haproxytest.Get(ctx, client, url+"/slow?ms=10"); err != nil || got != b.Name {
		t.Fatalf("after Restart: %q, %v", got, err)
	}
	b.SetHang(true)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := haproxytest.Get(short, client, url+"/health"); err == nil {
		t.Fatal("a hanging backend answered")
	}
	if b.ServedPath("/health") != 1 || b.ServedPath("/slow") != 1 {
		t.Fatalf("served /health %d, /slow %d; want 1 each", b.ServedPath("/health"), b.ServedPath("/slow"))
	}
}

// Requests through haproxy are counted per backend, and a restart keeps the frontend's port.
func TestCountTrafficAndRestart(t *testing.T) {
	bs := haproxytest.StartBackends(t, 2)
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: "be", Lines: []string{
		"balance roundrobin", "server s1 " + bs[0].Name, "server s2 " + bs[1].Name}}}})
	ctx := context.Background()
	tally := haproxytest.Count(ctx, h.URL("be"), 100, 4)
	if tally.Failed != 0 || tally.ByBackend[bs[0].Name] != 50 || tally.ByBackend[bs[1].Name] != 50 {
		t.Fatalf("Count = %+v, want 50 each", tally)
	}
	url := h.URL("be")
	traffic := haproxytest.StartTraffic(url, 100)
	time.Sleep(200 * time.Millisecond)
	h.Restart(t)
	time.Sleep(200 * time.Millisecond)
	got := traffic.Stop()
	if got.Sent() == 0 || h.URL("be") != url {
		t.Fatalf("traffic %+v, url %s then %s", got, url, h.URL("be"))
	}
	// Requests in flight when haproxy stopped may fail; after the restart all succeed.
	if tally := haproxytest.Count(ctx, url, 10, 1); tally.Failed != 0 {
		t.Fatalf("after restart: %+v", tally)
	}
}
