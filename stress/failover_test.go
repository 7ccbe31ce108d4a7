package stress

import (
	"context"
	"slices"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/internal/testenv"
)

const (
	// foReplicas is how many consoles serve the database: the leader, the one the first
	// replace goes through, and a third, so that after the kill one survivor leads and the
	// other hands it the second replace.
	foReplicas = 3
	// foInterval is the replicas' --reconcile-interval: a minute, so that a change that
	// reaches HAProxy sooner was carried there by a notice, not by a periodic pass. Every
	// pass while a node converges follows the one before by the settle wait (250 ms), so a
	// replace converges as fast as with a short interval.
	foInterval = time.Minute
	// foListenRefresh is how long a console listens without a notice before it connects
	// again and, having perhaps missed some, kicks every node (db.listenRefresh): the other
	// way, besides a notice and the periodic pass, that a leader is moved to a pass.
	foListenRefresh = 30 * time.Second
	// foRate is the steady traffic through HAProxy, in requests a second.
	foRate = 200
)

// Issue 14: "With HAProxy: kill the replica leading a node during a replace under traffic, and
// still fail 0 requests." Three consoles serve one PostgreSQL database, whose load balancer is
// bound to a real haproxy with real HTTP backends; one of the consoles leads the node. Under
// steady traffic (200 requests a second, keep-alive), a replace of both members is applied
// through a replica that does not lead: it reaches HAProxy through the leader at once, told by
// PostgreSQL's NOTIFY. The moment HAProxy holds the new servers, the leader is killed
// (SIGKILL), mid-replace; another replica takes the node over once the lease expires and
// finishes the replace; a second replace through a survivor converges too. Not one request
// fails, the replaced backends take no request once gone, and HAProxy ends with exactly the
// desired servers.
//
// Keep-alive is on: clients keep their connections to HAProxy, which balances each request
// (mode http), not each connection, so the connections outlive every server change; that is
// what real clients do, and what a change that broke connections would fail. Without it the
// test would open 200 connections a second and prove less.
func TestLeaderKilledUnderTraffic(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bs := haproxytest.StartBackends(t, 6)
	initial, first, second := bs[0:2], bs[2:4], bs[4:6]
	hx := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: foBackend, Lines: []string{"balance roundrobin"}}}})
	hc, err := haproxy.New(hx.Unix, hx.Unix)
	if err != nil {
		t.Fatal(err)
	}
	api := hx.Unix
	dsn := testenv.PostgresDemoUsers(t)
	h := testenv.NewPostgresHarness(t, dsn)
	applyFleetFile(t, h, foFleet(api, initial...))
	cred := h.KeyCreate(ctx, testenv.Admin)

	replicas := make([]*testenv.Process, foReplicas)
	started := make([]time.Time, foReplicas)
	for i := range replicas {
		started[i] = time.Now()
		replicas[i] = h.Start(ctx, "--reconcile-interval", foInterval.String())
	}
	leader := soleLeader(t, replicas, api)
	testenv.Eventually(t, "HAProxy serving the first members", func() string { return serving(t, hc, initial...) })

	traffic := haproxytest.StartTraffic(hx.URL(foBackend), foRate)
	t.Cleanup(func() { traffic.Stop() })
	time.Sleep(300 * time.Millisecond)

	// The replace, through a replica that does not lead the node.
	via := (leader + 1) % foReplicas
	if err := replaceMembers(ctx, replicas[via].Addr, cred.Token, first...); err != nil {
		t.Fatalf("replace through replica %d: %v", via, err)
	}
	answered := time.Now()
	testenv.Eventually(t, "HAProxy holding the replacing servers", func() string {
		if holds(t, hc, first...) {
			return ""
		}
		return "backend " + foBackend + " holds " + describe(backendServers(t, hc))
	})
	reached := time.Now()
	if led := leaders(t, replicas, api); !slices.Equal(led, []int{leader}) {
		t.Fatalf("replicas %v lead the node just before the kill; replica %d led it before the replace", led, leader)
	}
	atKill := describe(backendServers(t, hc))
	replicas[leader].Kill()
	killed := time.Now()
	replicas[leader] = nil
	checkNotified(t, answered, reached, started[leader])

	// The lease moves once it expires.
	var next []int
	var round time.Duration // how long one look at every replica takes: the measure's precision
	for {
		began := time.Now()
		if next = leaders(t, replicas, api); len(next) > 0 {
			round = time.Since(began)
			break
		}
		if time.Since(killed) > time.Minute {
			t.Fatalf("no replica leads the node a minute after the leader was killed:\n%s", h.LogTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	moved := time.Since(killed)
	if len(next) != 1 {
		t.Fatalf("replicas %v lead the node after the leader was killed; want one", next)
	}
	testenv.Eventually(t, "HAProxy serving only the first replacements", func() string { return serving(t, hc, first...) })
	finished := time.Since(killed)

	// A second replace, through the survivor that does not lead.
	other := slices.IndexFunc(replicas, func(p *testenv.Process) bool { return p != nil && p != replicas[next[0]] })
	if err := replaceMembers(ctx, replicas[other].Addr, cred.Token, second...); err != nil {
		t.Fatalf("replace through replica %d: %v", other, err)
	}
	secondAt := time.Now()
	testenv.Eventually(t, "HAProxy serving only the second replacements", func() string { return serving(t, hc, second...) })
	secondTook := time.Since(secondAt)

	gone := append(slices.Clone(initial), first...)
	servedGone := servedBy(gone...)
	time.Sleep(500 * time.Millisecond)
	tally := traffic.Stop()
	if n := servedBy(gone...); n != servedGone {
		t.Errorf("the replaced backends took %d requests after HAProxy had deleted them", n-servedGone)
	}
	if tally.Failed != 0 {
		t.Errorf("%d of %d requests failed: %v", tally.Failed, tally.Sent(), tally.Errors)
	}
	if tally.ByBackend[second[0].Name] == 0 || tally.ByBackend[second[1].Name] == 0 {
		t.Errorf("the last members took no traffic: %v", tally.ByBackend)
	}
	if why := serving(t, hc, second...); why != "" {
		t.Errorf("at the end: %s; want exactly %s and %s, ready and up", why, second[0].Name, second[1].Name)
	}
	logf(t, "replace through replica %d reached HAProxy (led by replica %d) %s after the API answered; leader killed with HAProxy holding %s",
		via, leader, reached.Sub(answered).Round(time.Millisecond), atKill)
	logf(t, "lease moved to replica %d %s after the SIGKILL (lease ttl 6s; seen within %s of it); the first replace finished %s after the SIGKILL; the second, through replica %d, took %s",
		next[0], moved.Round(time.Millisecond), round.Round(time.Millisecond), finished.Round(time.Millisecond), other, secondTook.Round(time.Millisecond))
	logf(t, "%d requests, %d failed; by backend %v", tally.Sent(), tally.Failed, tally.ByBackend)

	for i, p := range replicas {
		if p != nil {
			if err := p.Stop(); err != nil {
				t.Errorf("replica %d did not stop cleanly on SIGTERM: %v", i, err)
			}
		}
	}
	h.CheckLog()
}

// checkNotified checks that a change answered by a replica that does not lead the node reached
// HAProxy through a notice to the leader, started at leaderStarted. With a minute between
// periodic passes, the leader could have been moved to a pass sooner only by a notice, or by
// its listener's refresh foListenRefresh after it started: a change on HAProxy before then came
// with a notice. A run so slow that the change was answered close to that moment cannot tell
// them apart, and says so; only one that left the notice ten seconds or more fails.
func checkNotified(t *testing.T, answered, reached, leaderStarted time.Time) {
	t.Helper()
	refresh := leaderStarted.Add(foListenRefresh)
	switch {
	case reached.Before(refresh):
	case refresh.Sub(answered) < 10*time.Second:
		logf(t, "the replace was answered %s after the leader started: too late to tell a notice from the listener's refresh", answered.Sub(leaderStarted).Round(time.Millisecond))
	default:
		t.Errorf("the replace reached HAProxy %s after the API answered, and not before the leader's listener refreshed: no notice reached the leader", reached.Sub(answered).Round(time.Millisecond))
	}
}
