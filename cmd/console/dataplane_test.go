package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/internal/testenv"
)

// The console killed (SIGKILL) between a commit and the reconcile that would carry it to
// HAProxy converges once it starts again: first with the change committed while no console
// ran, then with the console killed the moment an API batch is answered.
func TestKilledConsoleConvergesAfterRestart(t *testing.T) {
	t.Parallel()
	h, client := webProxy(t)
	bs := haproxytest.StartBackends(t, 4)
	a, b, c, d := bs[0], bs[1], bs[2], bs[3]
	ctx := context.Background()
	hx := testenv.NewHarness(t, filepath.Join(t.TempDir(), "console.db"))
	hx.Command(ctx, "", "fleet", "apply", writeTemp(t, "v1.yaml", hxFleet(h.Unix, a.Name+" 100", b.Name+" 100")))
	p := hx.Start(ctx, "--reconcile-interval", "200ms")
	serves(t, h.URL("web"), a.Name, b.Name)

	p.Kill()
	hx.Command(ctx, "", "fleet", "apply", writeTemp(t, "v2.yaml", hxFleet(h.Unix, b.Name+" 100", c.Name+" 100")))
	serves(t, h.URL("web"), a.Name, b.Name) // committed, not reconciled: nothing runs to do it
	p = hx.Start(ctx, "--reconcile-interval", "200ms")
	serves(t, h.URL("web"), b.Name, c.Name)

	cred := hx.KeyCreate(ctx, "admin")
	rest := testenv.PoolClient("http://"+p.Addr+"/v2.0", cred.Token, http.Client{Timeout: 30 * time.Second})
	weight := 100
	opts := []pools.BatchUpdateMemberOpts{{Address: d.IP, ProtocolPort: d.Port, Weight: &weight}}
	if err := pools.BatchUpdateMembers(ctx, rest, "rsp-web", opts).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	p.Kill()
	hx.Start(ctx, "--reconcile-interval", "200ms")
	serves(t, h.URL("web"), d.Name)
	deadline := time.Now().Add(30 * time.Second)
	for lines := serverLines(t, client); len(lines) != 1 || !strings.Contains(lines[0], d.Name); lines = serverLines(t, client) {
		if time.Now().After(deadline) {
			t.Fatalf("backend web holds %q; want only %s", lines, d.Name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Adopting a running HAProxy's servers, applying the adoption and reconciling changes nothing
// in HAProxy: the same servers, weights, states and backup flags, and no server of lbconsole's
// added; what cannot be adopted is said on standard error and left alone.
func TestAdoptThenReconcileChangesNothing(t *testing.T) {
	t.Parallel()
	bs := haproxytest.StartBackends(t, 4)
	h, client := webProxy(t,
		"server web1 "+bs[0].Name+" weight 10 check inter 200ms rise 1 fall 2",
		"server web2 "+bs[1].Name+" weight 30 check inter 200ms rise 1 fall 2",
		"server legacy "+bs[2].Name+" weight 5",
		"server spare "+bs[3].Name+" weight 10 backup check inter 200ms rise 1 fall 2")
	serves(t, h.URL("web"), bs[0].Name, bs[1].Name, bs[2].Name)
	before := serverLines(t, client)
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "console.db")
	hx := testenv.NewHarness(t, dbPath)
	hx.Command(ctx, "", "fleet", "apply", writeTemp(t, "base.yaml", hxFleet("")))

	adopt := runBinary(t, "", "fleet", "adopt", "--runtime-api", h.Unix, "--lb", "lb-hx", "--db", dbPath)
	if adopt.code != 0 || !strings.Contains(adopt.stdout, "haproxy_server: web1") || !strings.Contains(adopt.stdout, h.Unix) ||
		!strings.Contains(adopt.stdout, "backup: true") {
		t.Fatalf("fleet adopt: status %d\n%s\n%s", adopt.code, adopt.stdout, adopt.stderr)
	}
	if !strings.Contains(adopt.stderr, "not adopted: server web/legacy: no health check") {
		t.Errorf("fleet adopt said on standard error:\n%s\nwant legacy named as not adopted", adopt.stderr)
	}
	applied := hx.Command(ctx, "", "fleet", "apply", writeTemp(t, "adopted.yaml", adopt.stdout))
	if !strings.Contains(applied, "adopt haproxy server web1 as member "+bs[0].Name+" of group rsp-web") {
		t.Errorf("fleet apply printed:\n%s\nwant the adoption of web1", applied)
	}
	hx.Start(ctx, "--reconcile-interval", "200ms")
	store := openBeside(t, dbPath)
	deadline := time.Now().Add(30 * time.Second)
	for {
		versions, err := store.GroupVersions(ctx, "rsp-web")
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) == 1 && versions[0].Version > 0 && versions[0].Node.Status == dataplane.StatusInSync {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node is not in sync: %+v", versions)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // a few more passes
	if after := serverLines(t, client); !reflect.DeepEqual(after, before) {
		t.Errorf("HAProxy changed:\nbefore %q\nafter  %q", before, after)
	}
	serves(t, h.URL("web"), bs[0].Name, bs[1].Name, bs[2].Name)
}

// --demo-haproxy starts haproxy and backends on loopback and binds a demo load balancer to
// them: the frontend it prints answers from every demo backend, and stopping the console stops
// haproxy.
func TestDemoHAProxyServesTraffic(t *testing.T) {
	t.Parallel()
	haproxytest.Binary(t)
	path := filepath.Join(t.TempDir(), "demo.db")
	e, stdout, stderr := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": adminPassword}, "")
	_, stop := serving(t, e, "serve", "--demo-haproxy", "--addr", "127.0.0.1:0", "--db", path, "--reconcile-interval", "200ms")
	line := stdout.String()
	url, api := between(line, "curl ", "/  "), between(line, "Runtime API ", ")")
	if url == "" || api == "" {
		t.Fatalf("standard output:\n%s\nwant the frontend to curl and the Runtime API", line)
	}
	// Port 18080 unless it was taken: the addresses are the demo's.
	eventuallyAnswered(t, url, "127.0.0.11", "127.0.0.12", "127.0.0.13")
	if err := stop(); err != nil {
		t.Fatalf("serve ended with %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(strings.TrimPrefix(api, "unix:")); !os.IsNotExist(err) {
		t.Errorf("the demo haproxy's socket is still there after the console stopped: %v", err)
	}
}

// Without haproxy on PATH, --demo-haproxy refuses at once and says what it needs; --demo alone
// needs none.
func TestDemoHAProxyRefusedWithoutHAProxy(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(consoleBinary(t), "serve", "--demo-haproxy", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db"))
	cmd.Env = cleanEnv("PATH=" + t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "no haproxy on PATH") || !strings.Contains(string(out), "--demo alone needs none") {
		t.Errorf("serve --demo-haproxy without haproxy: %v\n%s\nwant status 2 saying haproxy is missing", err, out)
	}
}

// eventuallyAnswered waits until requests through url are answered by a backend at each of
// the addresses, and by no other, and fails the test after 30 s.
func eventuallyAnswered(t *testing.T, url string, ips ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tally := haproxytest.Count(context.Background(), url, 60, 2)
		seen := map[string]bool{}
		for name := range tally.ByBackend {
			ip, _, _ := strings.Cut(name, ":")
			seen[ip] = true
		}
		ok := tally.Failed == 0 && len(seen) == len(ips)
		for _, ip := range ips {
			ok = ok && seen[ip]
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("answered by %v (%d failed: %v); want %v", tally.ByBackend, tally.Failed, tally.Errors, ips)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// between returns what s holds between the first from and the next to, or "".
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, ok := strings.Cut(rest, to)
	if !ok {
		return ""
	}
	return v
}
