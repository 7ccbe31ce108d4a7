package haproxy_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// testdata/node_*.txt are `show servers state` and `show stat -1 6 -1` captured from HAProxy
// 2.6.12 with backend web (roundrobin, option httpchk): web1 drained by hand with a passing
// check, web2 weight 0, web3 backup, web4 without a port, web5 addressed as localhost, web6
// `disabled`, and lbc-m1-0123abcd added at runtime; api (static-rr): api1 checked by TCP, api2
// down; and empty (leastconn), which has no server.
func readSnapshot(t *testing.T) haproxy.Snapshot {
	t.Helper()
	state, err := os.ReadFile("testdata/node_state.txt")
	if err != nil {
		t.Fatal(err)
	}
	stat, err := os.ReadFile("testdata/node_stat.txt")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := haproxy.ParseSnapshot(string(state), string(stat))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestParseSnapshot(t *testing.T) {
	snap := readSnapshot(t)
	var names []string
	for _, b := range snap.Backends {
		names = append(names, b.Name+":"+b.Algorithm+":"+b.Mode)
	}
	if got := strings.Join(names, " "); got != "web:roundrobin:http api:static-rr:http empty:leastconn:http" {
		t.Fatalf("backends %s", got)
	}
	web, _ := snap.Backend("web")
	if len(web.Servers) != 7 {
		t.Fatalf("web has %d servers, want 7", len(web.Servers))
	}
	byName := map[string]haproxy.Server{}
	for _, s := range web.Servers {
		byName[s.Name] = s
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"web1 drained, checked over HTTP", byName["web1"].State() == haproxy.StateDrain && byName["web1"].CheckStatus == "L7OK" && byName["web1"].Weight == 5 && byName["web1"].CheckHealth == 4 && byName["web1"].Rise == 2},
		{"web2 weight 0, ready", byName["web2"].Weight == 0 && byName["web2"].State() == haproxy.StateReady && !byName["web2"].HealthConfigured()},
		{"web3 backup", byName["web3"].Backup && !byName["web1"].Backup},
		{"web4 without port", byName["web4"].Port == 0},
		{"web5 by name", byName["web5"].FQDN == "localhost" && byName["web5"].Address == "127.0.0.1" && byName["web1"].FQDN == ""},
		{"web6 disabled: maint", byName["web6"].State() == haproxy.StateMaint},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, web.Servers)
		}
	}
	if empty, ok := snap.Backend("empty"); !ok || len(empty.Servers) != 0 {
		t.Errorf("empty = %+v, %v: want a backend without servers", empty, ok)
	}
	if _, ok := snap.Backend("nope"); ok {
		t.Error("Backend(nope) found something")
	}
}

// The snapshot of a real node holds every backend, listen sections included, and no frontend.
func TestSnapshotOfARealNode(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	if err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: "b", Address: "127.0.0.2", Port: 80, Weight: 3, Backup: true}); err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Backends) != 2 || snap.Backends[0].Name != "be1" || snap.Backends[1].Name != "be2" {
		t.Fatalf("backends %+v, want be1 and be2", snap.Backends)
	}
	be1, be2 := snap.Backends[0], snap.Backends[1]
	if len(be1.Servers) != 1 || !be1.Servers[0].Backup || be1.Servers[0].Weight != 3 || be1.Algorithm != "roundrobin" {
		t.Errorf("be1 = %+v, want the backup server b", be1)
	}
	if len(be2.Servers) != 1 || be2.Servers[0].Name != "static1" || be2.Servers[0].Backup {
		t.Errorf("be2 = %+v, want static1", be2)
	}
}

// HAProxy 2.6 takes `backup` when adding a server, and has no command to change it afterwards:
// a change of the backup flag can only be a replacement.
func TestBackupIsSetForGood(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	if err := c.AddServer(ctx, "be1", haproxy.NewServer{Name: "b", Address: "127.0.0.2", Port: 80, Weight: 1, Backup: true}); err != nil {
		t.Fatal(err)
	}
	if s := mustServer(t, c, "be1", "b"); !s.Backup {
		t.Fatalf("b = %+v, want a backup server", s)
	}
	for _, word := range []string{"backup", "nobackup"} {
		answer, err := c.Run(ctx, "set", "server", "be1/b", word)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(answer, "usage: set server") || strings.Contains(answer, "backup") {
			t.Fatalf("set server be1/b %s: %q, want the usage, which names no backup option", word, answer)
		}
	}
}

// A server `disabled` in haproxy.cfg keeps its configuration-maintenance flag once made ready,
// and serves all the same: the flag alone is not maintenance.
func TestDisabledServerServesOnceReady(t *testing.T) {
	b := haproxytest.StartBackend(t, "127.0.0.2")
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{
		{Name: "be", Lines: []string{"server off " + b.Name + " disabled"}}}})
	c := client(t, h.Unix)
	if s := mustServer(t, c, "be", "off"); s.State() != haproxy.StateMaint || s.Status != "MAINT" {
		t.Fatalf("off = %+v, want in maintenance", s)
	}
	if err := c.SetState(context.Background(), "be", "off", haproxy.StateReady); err != nil {
		t.Fatal(err)
	}
	s := mustServer(t, c, "be", "off")
	if s.Admin&haproxy.AdminConfigMaint == 0 || s.State() != haproxy.StateReady || !s.Serving() {
		t.Fatalf("off made ready: %+v, want the config flag kept and the server ready and serving", s)
	}
	if tally := haproxytest.Count(context.Background(), h.URL("be"), 10, 1); tally.Failed != 0 || tally.ByBackend[b.Name] != 10 {
		t.Fatalf("requests: %+v, want all answered by %s", tally, b.Name)
	}
}

// Leaving maintenance, a server counts as up whatever its check said before (its check counter
// is set to rise), with the check status of before; Confirmed waits for the next check's verdict.
func TestLeavingMaintenanceIsNotAVerdict(t *testing.T) {
	b := haproxytest.StartBackend(t, "127.0.0.2")
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: "be", Lines: []string{
		"server dead 127.0.0.3:9 check inter 300ms rise 2 fall 3",
		"server live " + b.Name + " check inter 300ms rise 2 fall 3"}}}})
	c := client(t, h.Unix)
	ctx := context.Background()
	eventually(t, "dead down, live up", func() bool {
		return mustServer(t, c, "be", "dead").Status == "DOWN" && mustServer(t, c, "be", "live").Status == "UP"
	})
	for _, name := range []string{"dead", "live"} {
		if err := c.SetState(ctx, "be", name, haproxy.StateMaint); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(400 * time.Millisecond) // a check period in maintenance: paused checks change nothing
	for _, name := range []string{"dead", "live"} {
		if err := c.SetState(ctx, "be", name, haproxy.StateDrain); err != nil {
			t.Fatal(err)
		}
	}
	dead := mustServer(t, c, "be", "dead")
	if dead.Op != haproxy.OpRunning || dead.CheckHealth != dead.Rise || dead.CheckStatus != "L4CON" || dead.Confirmed() {
		t.Fatalf("dead out of maintenance: %+v, want up on the benefit of the doubt, its old L4CON, not confirmed", dead)
	}
	eventually(t, "dead confirmed down, live confirmed up", func() bool {
		dead, live := mustServer(t, c, "be", "dead"), mustServer(t, c, "be", "live")
		return dead.Confirmed() && dead.Op == haproxy.OpStopped && live.Confirmed() && live.Op == haproxy.OpRunning
	})
}
