package haproxy_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

func TestNewAddress(t *testing.T) {
	cases := []struct{ addr, wantErr string }{
		{"unix:/run/haproxy/admin.sock", ""},
		{"tcp:127.0.0.1:9999", ""},
		{"tcp:[::1]:9999", ""},
		{"/run/haproxy/admin.sock", "want unix:/path/to/socket or tcp:host:port"},
		{"unix:", "want unix:/path/to/socket or tcp:host:port"},
		{"unix:admin.sock", "must be absolute"},
		{"tcp:127.0.0.1", "missing port"},
		{"udp:127.0.0.1:9999", `unknown network "udp"`},
	}
	for _, c := range cases {
		_, err := haproxy.New("lb-1", c.addr)
		if c.wantErr == "" && err != nil {
			t.Errorf("New(%q) = %v, want no error", c.addr, err)
		}
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "lb-1")) {
			t.Errorf("New(%q) = %v, want an error naming the node and containing %q", c.addr, err, c.wantErr)
		}
	}
}

// start runs an haproxy with backend be1 (empty) and be2 (one static server from haproxy.cfg,
// and option httpchk), and returns a client on its unix socket.
func start(t *testing.T) (*haproxytest.HAProxy, *haproxy.Client) {
	t.Helper()
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{
		{Name: "be1", Lines: []string{"balance roundrobin"}},
		{Name: "be2", Lines: []string{"option httpchk GET /health", "server static1 127.0.0.9:9 weight 5"}},
	}})
	return h, client(t, h.Unix)
}

func client(t *testing.T, addr string) *haproxy.Client {
	t.Helper()
	c, err := haproxy.New("node-a", addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func server(t *testing.T, c *haproxy.Client, backend, name string) (haproxy.Server, bool) {
	t.Helper()
	servers, err := c.Servers(context.Background(), backend)
	if err != nil {
		t.Fatalf("Servers(%s): %v", backend, err)
	}
	for _, s := range servers {
		if s.Name == name {
			return s, true
		}
	}
	return haproxy.Server{}, false
}

func mustServer(t *testing.T, c *haproxy.Client, backend, name string) haproxy.Server {
	t.Helper()
	s, ok := server(t, c, backend, name)
	if !ok {
		t.Fatalf("%s/%s is not in HAProxy", backend, name)
	}
	return s
}

// eventually polls cond every 50 ms for up to 10 s (health checks run on their own schedule).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func refusal(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want HAProxy's refusal %q", want)
	}
	if !haproxy.IsRefused(err) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "node-a") {
		t.Fatalf("err = %v, want a refusal naming node-a with HAProxy's text %q", err, want)
	}
}

func TestBackendsOverUnixAndTCP(t *testing.T) {
	h, unix := start(t)
	for _, c := range []*haproxy.Client{unix, client(t, h.TCP)} {
		got, err := c.Backends(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != "be1,be2" {
			t.Errorf("Backends = %v, want be1 and be2 (frontends are not backends)", got)
		}
	}
}

// A server added at runtime goes through HAProxy 2.6's whole life cycle: created in maintenance
// with its check configured but off; enable health; ready; refused deletion while ready; drain;
// maint; deleted.
func TestServerLifeCycle(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	b := haproxytest.StartBackend(t, "127.0.0.2")
	err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: "lbc-a", Address: b.IP, Port: b.Port, Weight: 7,
		Check: &haproxy.HealthCheck{Interval: 200 * time.Millisecond, Rise: 1, Fall: 2}})
	if err != nil {
		t.Fatal(err)
	}
	s := mustServer(t, c, "be1", "lbc-a")
	if s.State() != haproxy.StateMaint || s.Status != "MAINT" || !s.HealthConfigured() || s.HealthEnabled() || s.Weight != 7 {
		t.Fatalf("just added: %+v, want MAINT, weight 7, check configured but not enabled", s)
	}
	if s.Address != b.IP || s.Port != b.Port {
		t.Fatalf("address %s:%d, want %s:%d", s.Address, s.Port, b.IP, b.Port)
	}
	if err := c.EnableHealth(ctx, "be1", "lbc-a"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetState(ctx, "be1", "lbc-a", haproxy.StateReady); err != nil {
		t.Fatal(err)
	}
	eventually(t, "lbc-a serving after a passing check", func() bool { return mustServer(t, c, "be1", "lbc-a").Serving() })
	s = mustServer(t, c, "be1", "lbc-a")
	if s.Status != "UP" || s.CheckStatus != "L4OK" || s.CheckDesc != "Layer4 check passed" || s.Rise != 1 || s.Fall != 2 {
		t.Fatalf("ready: %+v, want UP with a passing TCP check (be1 has no option httpchk)", s)
	}

	refusal(t, c.DelServer(ctx, "be1", "lbc-a"), "Only servers in maintenance mode can be deleted.")
	if err := c.SetState(ctx, "be1", "lbc-a", haproxy.StateDrain); err != nil {
		t.Fatal(err)
	}
	if s = mustServer(t, c, "be1", "lbc-a"); s.State() != haproxy.StateDrain || s.Status != "DRAIN" {
		t.Fatalf("drained: %+v, want state drain, status DRAIN", s)
	}
	refusal(t, c.DelServer(ctx, "be1", "lbc-a"), "Only servers in maintenance mode can be deleted.")
	if err := c.SetState(ctx, "be1", "lbc-a", haproxy.StateMaint); err != nil {
		t.Fatal(err)
	}
	if s = mustServer(t, c, "be1", "lbc-a"); s.State() != haproxy.StateMaint || s.Admin.Drain() {
		t.Fatalf("maint after drain: %+v, want maint with the drain flag cleared", s)
	}
	if err := c.DelServer(ctx, "be1", "lbc-a"); err != nil {
		t.Fatal(err)
	}
	if _, ok := server(t, c, "be1", "lbc-a"); ok {
		t.Fatal("lbc-a still listed after del server")
	}
	refusal(t, c.DelServer(ctx, "be1", "lbc-a"), "No such server.")
}

func TestSetWeightAndAddr(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	if err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: "s", Address: "127.0.0.2", Port: 8080, Weight: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetWeight(ctx, "be1", "s", 256); err != nil {
		t.Fatal(err)
	}
	refusal(t, c.SetWeight(ctx, "be1", "s", 257), "Absolute weight can only be between 0 and 256 inclusive.")
	if err := c.SetAddr(ctx, "be1", "s", "127.0.0.3", 8081); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAddr(ctx, "be1", "s", "127.0.0.3", 8081); err != nil {
		t.Fatalf("setting the same address again: %v, want no error", err)
	}
	s := mustServer(t, c, "be1", "s")
	if s.Weight != 256 || s.Address != "127.0.0.3" || s.Port != 8081 {
		t.Fatalf("got %+v, want weight 256 at 127.0.0.3:8081", s)
	}
	refusal(t, c.SetWeight(ctx, "be1", "nope", 3), "No such server.")
	refusal(t, c.SetState(ctx, "nope", "s", haproxy.StateReady), "No such")
}

func TestAddServerRefusals(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	ok := haproxy.NewServer{Name: "s", Address: "127.0.0.2", Port: 80, Weight: 1}
	if err := c.AddServer(ctx, "be1", ok); err != nil {
		t.Fatal(err)
	}
	refusal(t, c.AddServer(ctx, "be1", ok), "Already exists a server with the same name in backend.")
	refusal(t, c.AddServer(ctx, "nope", ok), "No such backend.")
	heavy := ok
	heavy.Name, heavy.Weight = "heavy", 300
	refusal(t, c.AddServer(ctx, "be1", heavy), "is not within 0 and 256")
	noCheck := mustServer(t, c, "be1", "s")
	refusal(t, c.EnableHealth(ctx, "be1", noCheck.Name), "Health check was not configured on this server, cannot enable.")
}

// A command whose word would smuggle a second command in is refused before anything is sent.
func TestRunRefusesSmuggledWords(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	for _, name := range []string{"x;add server be1/evil 127.0.0.2:80", "x y", "x\n", "x\\;y", ""} {
		err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: name, Address: "127.0.0.2", Port: 80, Weight: 1})
		if err == nil || haproxy.IsRefused(err) || !strings.Contains(err.Error(), "node-a") {
			t.Errorf("AddServer(name %q) = %v, want a local error naming the node", name, err)
		}
	}
	servers, err := c.Servers(ctx, "be1")
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 0 {
		t.Fatalf("be1 has %+v, want nothing added", servers)
	}
}

func TestServersOfUnknownBackend(t *testing.T) {
	_, c := start(t)
	_, err := c.Servers(context.Background(), "nope")
	refusal(t, err, "Can't find backend.")
}

// Servers from haproxy.cfg can be put in maintenance and deleted at runtime too (2.6 allows
// it): the data plane must leave them alone unless told otherwise.
func TestStaticServerCanBeDeleted(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	s := mustServer(t, c, "be2", "static1")
	if s.Weight != 5 || s.State() != haproxy.StateReady || s.Status != "no check" {
		t.Fatalf("static1 = %+v, want ready, weight 5, no check", s)
	}
	refusal(t, c.DelServer(ctx, "be2", "static1"), "Only servers in maintenance mode can be deleted.")
	if err := c.SetState(ctx, "be2", "static1", haproxy.StateMaint); err != nil {
		t.Fatal(err)
	}
	if err := c.DelServer(ctx, "be2", "static1"); err != nil {
		t.Fatal(err)
	}
}

// A stopped backend shows DOWN with the check's reason; the check's kind comes from the
// backend's configuration (be2 has option httpchk, so its checks are HTTP).
func TestDownShowsTheCheckReason(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	b := haproxytest.StartBackend(t, "127.0.0.3")
	check := &haproxy.HealthCheck{Interval: 100 * time.Millisecond, Rise: 1, Fall: 1}
	for _, be := range []string{"be1", "be2"} {
		if err := c.AddServer(ctx, be, haproxy.NewServer{Name: "s", Address: b.IP, Port: b.Port, Weight: 1, Check: check}); err != nil {
			t.Fatal(err)
		}
		if err := c.EnableHealth(ctx, be, "s"); err != nil {
			t.Fatal(err)
		}
		if err := c.SetState(ctx, be, "s", haproxy.StateReady); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "both up", func() bool {
		return mustServer(t, c, "be1", "s").Serving() && mustServer(t, c, "be2", "s").Serving()
	})
	if s := mustServer(t, c, "be2", "s"); s.CheckStatus != "L7OK" || s.CheckCode != 200 {
		t.Errorf("be2/s = %+v, want an HTTP check (L7OK, 200)", s)
	}
	b.Stop()
	eventually(t, "be1/s down", func() bool { return mustServer(t, c, "be1", "s").Status == "DOWN" })
	s := mustServer(t, c, "be1", "s")
	if s.CheckStatus != "L4CON" || s.CheckDesc != "Layer4 connection problem" || s.LastCheck != "Connection refused" || s.Serving() {
		t.Fatalf("stopped backend: %+v, want DOWN, L4CON, Layer4 connection problem, Connection refused", s)
	}
}

func TestUnreachableAndSilentNodes(t *testing.T) {
	dir, err := os.MkdirTemp("", "hx")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	missing := client(t, "unix:"+filepath.Join(dir, "none.sock"))
	_, err = missing.Backends(context.Background())
	if err == nil || !strings.Contains(err.Error(), "node-a") || !strings.Contains(err.Error(), `"show backend"`) || haproxy.IsRefused(err) {
		t.Errorf("no socket: %v, want an error naming the node and the command", err)
	}

	// A socket that accepts and never answers: the caller's deadline ends the wait.
	l, err := net.Listen("unix", filepath.Join(dir, "silent.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	silent := client(t, "unix:"+filepath.Join(dir, "silent.sock"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = silent.Servers(ctx, "be1")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `"show servers state be1"`) {
		t.Errorf("silent node: %v, want a deadline error naming the command", err)
	}
}

// Draining stops new requests (with the only server draining, HAProxy answers 503), a request
// in flight survives drain and maint, and del server waits for it: HAProxy refuses to delete a
// server that still has connections.
func TestDrainKeepsTheRequestInFlight(t *testing.T) {
	h, c := start(t)
	ctx := context.Background()
	b := haproxytest.StartBackend(t, "127.0.0.2")
	if err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: "s", Address: b.IP, Port: b.Port, Weight: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetState(ctx, "be1", "s", haproxy.StateReady); err != nil {
		t.Fatal(err)
	}
	http := haproxytest.NewClient(2)
	long := make(chan error, 1)
	go func() {
		body, err := haproxytest.Get(ctx, http, h.URL("be1")+"/slow?ms=1500")
		if err == nil && body != b.Name {
			err = errors.New("answered by " + body)
		}
		long <- err
	}()
	eventually(t, "the long request reaches s", func() bool { return mustServer(t, c, "be1", "s").Sessions == 1 })
	if err := c.SetState(ctx, "be1", "s", haproxy.StateDrain); err != nil {
		t.Fatal(err)
	}
	if _, err := haproxytest.Get(ctx, http, h.URL("be1")); err == nil || !strings.Contains(err.Error(), "status 503") {
		t.Fatalf("a new request with the only server draining: %v, want 503", err)
	}
	if err := c.SetState(ctx, "be1", "s", haproxy.StateMaint); err != nil {
		t.Fatal(err)
	}
	refusal(t, c.DelServer(ctx, "be1", "s"), "Server still has connections attached to it, cannot remove it.")
	if err := <-long; err != nil {
		t.Fatalf("the long request: %v, want it answered by %s", err, b.Name)
	}
	if err := c.DelServer(ctx, "be1", "s"); err != nil {
		t.Fatalf("del server once the request is done: %v", err)
	}
}

// The reason the data plane stages new servers in drain: a server leaving maintenance for
// ready is counted UP whatever its check said, while one leaving it for drain lets its check
// decide, and keeps that verdict when made ready.
func TestReadyFromMaintIgnoresTheCheckDrainDoesNot(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	b := haproxytest.StartBackend(t, "127.0.0.4")
	b.SetHang(true) // be2 checks over HTTP: this check times out
	check := &haproxy.HealthCheck{Interval: 100 * time.Millisecond, Rise: 1, Fall: 1}
	for _, name := range []string{"viaMaint", "viaDrain"} {
		if err := c.AddServer(ctx, "be2", haproxy.NewServer{Name: name, Address: b.IP, Port: b.Port, Weight: 1, Check: check}); err != nil {
			t.Fatal(err)
		}
		if err := c.EnableHealth(ctx, "be2", name); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SetState(ctx, "be2", "viaDrain", haproxy.StateDrain); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both checks timed out", func() bool {
		return mustServer(t, c, "be2", "viaMaint").CheckStatus == "L7TOUT" && mustServer(t, c, "be2", "viaDrain").CheckStatus == "L7TOUT"
	})
	if s := mustServer(t, c, "be2", "viaMaint"); s.Status != "MAINT" || s.Check&haproxy.CheckPaused != 0 {
		t.Fatalf("viaMaint %+v: want MAINT, its checks running all the same", s)
	}
	if s := mustServer(t, c, "be2", "viaDrain"); s.Status != "DOWN" || s.Op != haproxy.OpStopped {
		t.Fatalf("viaDrain %+v: want DOWN", s)
	}
	for _, name := range []string{"viaMaint", "viaDrain"} {
		if err := c.SetState(ctx, "be2", name, haproxy.StateReady); err != nil {
			t.Fatal(err)
		}
	}
	if s := mustServer(t, c, "be2", "viaMaint"); s.Status != "UP" || s.Op != haproxy.OpRunning {
		t.Errorf("viaMaint made ready: %+v, want UP in spite of its failed check", s)
	}
	if s := mustServer(t, c, "be2", "viaDrain"); s.Status != "DOWN" || s.Serving() {
		t.Errorf("viaDrain made ready: %+v, want still DOWN", s)
	}
}
