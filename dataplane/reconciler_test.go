package dataplane_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// Weights 1:3 split real requests 1:3 (within ±10%).
func TestWeightsSplitTraffic(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	rg.desired.set(web(time.Minute, bs, 1, 3))
	rep := rg.converge(t)
	for _, o := range rep.Observed {
		if o.Health != dataplane.HealthUp || o.Status != "UP" {
			t.Fatalf("observed %+v, want up", o)
		}
	}
	tally := haproxytest.Count(context.Background(), rg.h.URL("web"), 2000, 8)
	if tally.Failed != 0 {
		t.Fatalf("%d requests failed: %v", tally.Failed, tally.Errors)
	}
	for i, want := range []int{500, 1500} {
		got := tally.ByBackend[bs[i].Name]
		if got < want*9/10 || got > want*11/10 {
			t.Errorf("%s answered %d of 2000, want %d ±10%% (%v)", bs[i].Name, got, want, tally.ByBackend)
		}
	}
}

// Every server is replaced by another (new members, new addresses) under steady traffic, with
// the reconciler running on its own: not one request fails.
func TestReplaceEveryServerUnderTrafficFailsNothing(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 4)
	old, repl := bs[:2], bs[2:]
	rg.desired.set(web(10*time.Second, old))
	rg.converge(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := make(chan dataplane.Report, 100)
	r, err := dataplane.NewReconciler(dataplane.Config{Node: "node-1", Client: rg.client, Desired: rg.desired.get,
		Store: rg.store, Period: time.Second, Settle: 100 * time.Millisecond,
		Report: func(rep dataplane.Report) {
			select {
			case reports <- rep:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	go r.Run(ctx)

	traffic := haproxytest.StartTraffic(rg.h.URL("web"), 250)
	began := time.Now()
	// Three rounds: old → new → old → new, each replacing every server.
	for round, next := range [][]*haproxytest.Backend{repl, old, repl} {
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		rg.desired.set(web(10*time.Second, next))
		r.Kick()
		eventually(t, "only the new servers left", func() bool {
			s := rg.servers(t, "web")
			return len(s) == 2 && s[serverFor(next[0], 1).Name()].Serving() && s[serverFor(next[1], 1).Name()].Serving()
		})
		t.Logf("round %d: every server replaced in %v", round+1, time.Since(start).Round(time.Millisecond))
	}
	time.Sleep(300 * time.Millisecond)
	tally := traffic.Stop()
	took := time.Since(began)
	t.Logf("%d requests in %v (%.0f/s): %v", tally.Sent(), took.Round(time.Millisecond), float64(tally.Sent())/took.Seconds(), tally.ByBackend)
	if tally.Failed != 0 {
		t.Fatalf("%d of %d requests failed: %v", tally.Failed, tally.Sent(), tally.Errors)
	}
	for _, b := range bs {
		if tally.ByBackend[b.Name] == 0 {
			t.Errorf("server %s answered nothing", b.Name)
		}
	}
}

// A replacement that accepts connections but never answers (its HTTP check times out) never
// gets a request, and the server it replaces keeps serving until the replacement answers; then
// it drains. Not one request fails.
func TestWedgedReplacementNeverTakesTraffic(t *testing.T) {
	rg := newRig(t, haproxytest.Section{Name: "web", Lines: []string{"option httpchk GET /health"}})
	bs := haproxytest.StartBackends(t, 2)
	old, repl := bs[0], bs[1]
	http := func(s dataplane.Server) dataplane.Server {
		s.Check = &dataplane.Check{Type: dataplane.CheckHTTP, Path: "/health", Interval: 100 * time.Millisecond, Rise: 1, Fall: 3}
		return s
	}
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web", DrainTimeout: time.Minute,
		Servers: []dataplane.Server{http(serverFor(old, 1))}}}})
	rg.converge(t)
	repl.SetHang(true)
	traffic := haproxytest.StartTraffic(rg.h.URL("web"), 100)
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web", DrainTimeout: time.Minute,
		Servers: []dataplane.Server{http(serverFor(repl, 1))}}}})
	var rep dataplane.Report
	eventually(t, "the replacement down after its check timed out", func() bool {
		rep = rg.pass(t)
		return rep.Observed[0].Health == dataplane.HealthDown
	})
	if o := rep.Observed[0]; o.CheckStatus != "L7TOUT" {
		t.Errorf("replacement observed %+v, want its HTTP check timed out (L7TOUT)", o)
	}
	if len(rep.Waiting) != 1 || rep.Waiting[0].Server != serverFor(old, 1).Name() {
		t.Fatalf("waiting %+v, want the old server waiting for a serving replacement", rep.Waiting)
	}
	if s := rg.servers(t, "web")[serverFor(old, 1).Name()]; !s.Serving() {
		t.Fatalf("old server %+v, want it still serving", s)
	}
	if n := repl.ServedPath("/"); n != 0 {
		t.Fatalf("the wedged replacement received %d requests, want none", n)
	}
	repl.SetHang(false)
	eventually(t, "old server gone", func() bool {
		rg.pass(t)
		return len(rg.servers(t, "web")) == 1
	})
	tally := traffic.Stop()
	t.Logf("%d requests: %v", tally.Sent(), tally.ByBackend)
	if tally.Failed != 0 {
		t.Fatalf("%d of %d requests failed: %v", tally.Failed, tally.Sent(), tally.Errors)
	}
}

// A drained server gets no new request, a long request on it completes, and it is deleted once
// that request is done, well before its drain timeout.
func TestDrainedServerFinishesItsLongRequest(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	a, b := bs[0], bs[1]
	nameA := serverFor(a, 1).Name()
	rg.desired.set(web(time.Minute, bs[:1]))
	rg.converge(t)

	long := make(chan string, 1)
	go func() {
		body, err := haproxytest.Get(context.Background(), haproxytest.NewClient(1), rg.h.URL("web")+"/slow?ms=2000")
		if err != nil {
			body = err.Error()
		}
		long <- body
	}()
	eventually(t, "the long request on a", func() bool { return rg.servers(t, "web")[nameA].Sessions == 1 })

	rg.desired.set(web(time.Minute, bs[1:]))
	eventually(t, "a draining", func() bool {
		rg.pass(t)
		return rg.servers(t, "web")[nameA].State() == haproxy.StateDrain
	})
	rep := rg.pass(t)
	if len(rep.Waiting) != 1 || rep.Waiting[0].Server != nameA || rep.Waiting[0].Sessions != 1 || rep.Status != dataplane.StatusConverging {
		t.Fatalf("report %+v, want a waiting for its one session", rep)
	}
	tally := haproxytest.Count(context.Background(), rg.h.URL("web"), 100, 4)
	if tally.Failed != 0 || tally.ByBackend[b.Name] != 100 {
		t.Fatalf("while a drains: %+v, want all 100 answered by b", tally)
	}
	if got := <-long; got != a.Name {
		t.Fatalf("the long request got %q, want it answered by a (%s)", got, a.Name)
	}
	eventually(t, "a deleted", func() bool {
		rg.pass(t)
		_, ok := rg.servers(t, "web")[nameA]
		return !ok
	})
}

// A drain that outlasts its timeout is cut: the server goes, its last request fails.
func TestDrainTimeoutCutsTheLastSessions(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	nameA := serverFor(bs[0], 1).Name()
	rg.desired.set(web(300*time.Millisecond, bs[:1]))
	rg.converge(t)
	long := make(chan error, 1)
	go func() {
		_, err := haproxytest.Get(context.Background(), haproxytest.NewClient(1), rg.h.URL("web")+"/slow?ms=5000")
		long <- err
	}()
	eventually(t, "the long request on a", func() bool { return rg.servers(t, "web")[nameA].Sessions == 1 })
	rg.desired.set(web(300*time.Millisecond, bs[1:]))
	eventually(t, "a deleted", func() bool {
		rg.pass(t)
		_, ok := rg.servers(t, "web")[nameA]
		return !ok
	})
	if err := <-long; err == nil {
		t.Fatal("the long request succeeded, want it cut by the drain timeout")
	}
}

// HAProxy restarted with empty backends: the next pass adds everything back and calls it drift.
func TestRestartedHAProxyIsRefilled(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	rg.desired.set(web(time.Minute, bs, 2, 1))
	rg.converge(t)
	rg.h.Restart(t)
	if n := len(rg.servers(t, "web")); n != 0 {
		t.Fatalf("restarted haproxy has %d servers, want none", n)
	}
	rep := rg.pass(t)
	if rep.Status != dataplane.StatusDriftCorrected || len(rep.Drift) != 2 || rep.Drift[0].What != "server missing" {
		t.Fatalf("status %s, drift %+v: want both servers reported missing and corrected", rep.Status, rep.Drift)
	}
	eventually(t, "in sync again", func() bool {
		rep := rg.pass(t)
		if len(rep.Drift) != 0 {
			t.Fatalf("drift %+v reported again while the servers come back", rep.Drift)
		}
		return rep.Status == dataplane.StatusInSync && allUp(rep.Observed)
	})
	tally := haproxytest.Count(context.Background(), rg.h.URL("web"), 300, 4)
	if tally.Failed != 0 || tally.ByBackend[bs[0].Name] != 200 || tally.ByBackend[bs[1].Name] != 100 {
		t.Fatalf("after the refill: %+v, want 200 and 100", tally)
	}
}

// A weight set by hand on the socket is put back and reported as drift.
func TestHandMadeWeightIsCorrectedAsDrift(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 1)
	rg.desired.set(web(time.Minute, bs, 3))
	rg.converge(t)
	name := serverFor(bs[0], 3).Name()
	if _, err := rg.client.Run(context.Background(), "set", "server", "web/"+name, "weight", "50"); err != nil {
		t.Fatal(err)
	}
	rep := rg.pass(t)
	if rep.Status != dataplane.StatusDriftCorrected || len(rep.Drift) != 1 || rep.Drift[0].What != "weight 50, want 3" {
		t.Fatalf("status %s, drift %+v: want the weight reported as drift and corrected", rep.Status, rep.Drift)
	}
	if w := rg.servers(t, "web")[name].Weight; w != 3 {
		t.Fatalf("weight %d after the pass, want 3", w)
	}
	if rep := rg.pass(t); rep.Status != dataplane.StatusInSync {
		t.Fatalf("next pass: %s, want in sync", rep.Status)
	}
}

// A stopped backend shows DOWN, with the reason its health check gives.
func TestStoppedBackendShowsDownWithReason(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 1)
	rg.desired.set(web(time.Minute, bs))
	rg.converge(t)
	bs[0].Stop()
	var o dataplane.Observed
	eventually(t, "down", func() bool {
		o = rg.pass(t).Observed[0]
		return o.Health == dataplane.HealthDown
	})
	if o.Status != "DOWN" || o.CheckStatus != "L4CON" || o.CheckDesc != "Layer4 connection problem" || o.LastCheck != "Connection refused" {
		t.Fatalf("observed %+v, want DOWN, L4CON, Layer4 connection problem, Connection refused", o)
	}
	bs[0].Restart(t)
	eventually(t, "up again", func() bool { return rg.pass(t).Observed[0].Health == dataplane.HealthUp })
}

// A desired state that cannot be read, or is invalid, changes nothing, even though an empty
// desired state would have every server removed.
func TestUnreadableDesiredStateChangesNothing(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 1)
	rg.desired.set(web(0, bs))
	rg.converge(t)

	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web"}}})
	rg.desired.failWith(errors.New("database is locked"))
	rep := rg.pass(t)
	if rep.Status != dataplane.StatusHeld || !strings.Contains(rep.Err.Error(), "database is locked") || len(rep.Outcomes) != 0 {
		t.Fatalf("report %+v, want held with the reason and no operation", rep)
	}
	rg.desired.failWith(nil)
	bad := web(0, bs)
	bad.Backends[0].Servers[0].Port = 0
	rg.desired.set(bad)
	if rep := rg.pass(t); rep.Status != dataplane.StatusHeld || !strings.Contains(rep.Err.Error(), "port 0") {
		t.Fatalf("report %+v, want held naming the bad port", rep)
	}
	if s := rg.servers(t, "web")[serverFor(bs[0], 1).Name()]; !s.Serving() {
		t.Fatalf("server %+v, want it untouched and serving", s)
	}
}

func TestUnreachableNodeSince(t *testing.T) {
	rg := newRig(t)
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web"}}})
	rg.h.Stop()
	first := rg.pass(t)
	time.Sleep(10 * time.Millisecond)
	second := rg.pass(t)
	if first.Status != dataplane.StatusUnreachable || first.Err == nil || !strings.Contains(first.Err.Error(), "node-1") {
		t.Fatalf("report %+v, want unreachable with an error naming the node", first)
	}
	if !second.Since.Equal(first.Since) || second.Since.IsZero() {
		t.Fatalf("since %v then %v, want the first failure's time kept", first.Since, second.Since)
	}
	rg.h.Restart(t)
	if rep := rg.pass(t); rep.Status != dataplane.StatusInSync || !rep.Since.IsZero() {
		t.Fatalf("back: %+v, want in sync", rep)
	}
}

// Servers of haproxy.cfg, and backends the desired state does not name, are left alone.
func TestForeignServersAndBackendsAreLeftAlone(t *testing.T) {
	bs := haproxytest.StartBackends(t, 2)
	rg := newRig(t,
		haproxytest.Section{Name: "web", Lines: []string{"server web1 " + bs[1].Name}},
		haproxytest.Section{Name: "other"})
	ctx := context.Background()
	stray := haproxy.NewServer{Name: dataplane.Prefix + "stray-0123abcd", Address: bs[1].IP, Port: bs[1].Port, Weight: 1}
	if err := rg.client.AddServer(ctx, "other", stray); err != nil {
		t.Fatal(err)
	}
	rg.desired.set(web(0, bs[:1]))
	rep := rg.converge(t)
	if len(rep.Foreign) != 1 || rep.Foreign[0].Server != "web1" {
		t.Fatalf("foreign %+v, want web1", rep.Foreign)
	}
	if s, ok := rg.servers(t, "web")["web1"]; !ok || s.State() != haproxy.StateReady {
		t.Fatalf("web1 = %+v, want it untouched", s)
	}
	if _, ok := rg.servers(t, "other")[stray.Name]; !ok {
		t.Fatal("a server of a backend the desired state does not name was removed")
	}
}

// An operation HAProxy refuses is reported with HAProxy's words, does not stop the operations
// on other servers, and is tried again on the next pass.
func TestRefusedOperationIsReportedAndRetried(t *testing.T) {
	bs := haproxytest.StartBackends(t, 2)
	rg := newRig(t,
		haproxytest.Section{Name: "web"},
		haproxytest.Section{Name: "static", Lines: []string{"balance static-rr"}}) // refuses dynamic servers
	d := web(0, bs[:1])
	d.Backends = append(d.Backends, dataplane.Backend{Name: "static", Servers: []dataplane.Server{serverFor(bs[1], 1)}})
	rg.desired.set(d)
	for pass := range 2 {
		rep := rg.pass(t)
		var static []dataplane.Outcome
		for _, o := range rep.Outcomes {
			if o.Op.Backend == "static" {
				static = append(static, o)
			}
		}
		if len(static) != 3 || static[0].Op.Kind != dataplane.OpAdd || static[0].Attempts != 1 ||
			!strings.Contains(static[0].Err.Error(), "Backend must use a dynamic load balancing to support dynamic servers.") {
			t.Fatalf("pass %d: %+v, want the add tried once and refused in HAProxy's words", pass, static)
		}
		for _, o := range static[1:] {
			if o.Attempts != 0 || o.Err == nil {
				t.Fatalf("pass %d: %+v, want the add's follow-ups not tried", pass, o)
			}
		}
		if rep.Status != dataplane.StatusConverging || rep.Pending < 3 || !strings.Contains(rep.Err.Error(), "dynamic load balancing") {
			t.Fatalf("pass %d: status %s pending %d err %v, want converging with the refusal pending", pass, rep.Status, rep.Pending, rep.Err)
		}
	}
	if len(rg.servers(t, "web")) != 1 {
		t.Fatal("the refusal in backend static stopped the add in backend web")
	}
}

// A console killed midway (after `add server`, before the server was made ready) converges
// after its restart, and a drain's clock survives the restart through the saved State.
func TestKilledMidwayConvergesAfterRestart(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	rg.desired.set(web(time.Minute, bs[:1]))
	d, _ := rg.desired.get(context.Background())
	actual, err := dataplane.ReadActual(context.Background(), rg.client, d)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := dataplane.Plan(d, actual, time.Now(), dataplane.State{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the first operation, `add server`, gets through before the "crash".
	exec := dataplane.Executor{Client: rg.client}
	if out := exec.Apply(context.Background(), plan.Ops[:1]); out[0].Err != nil {
		t.Fatal(out[0].Err)
	}
	rg.r = rg.reconciler(t)
	rg.converge(t)

	// Now a drain under way when the console dies: the restarted one keeps its clock.
	nameA := serverFor(bs[0], 1).Name()
	go haproxytest.Get(context.Background(), haproxytest.NewClient(1), rg.h.URL("web")+"/slow?ms=3000")
	eventually(t, "a long request on a", func() bool { return rg.servers(t, "web")[nameA].Sessions == 1 })
	rg.desired.set(web(time.Minute, bs[1:]))
	eventually(t, "a draining, and seen so", func() bool {
		rg.pass(t)
		st, _ := rg.store.LoadState(context.Background())
		return !st.Leaving["web/"+nameA].Draining.IsZero()
	})
	before, _ := rg.store.LoadState(context.Background())
	rg.r = rg.reconciler(t)
	rep := rg.pass(t)
	after, _ := rg.store.LoadState(context.Background())
	if !after.Leaving["web/"+nameA].Draining.Equal(before.Leaving["web/"+nameA].Draining) {
		t.Fatalf("drain clock %v after the restart, want %v", after.Leaving["web/"+nameA], before.Leaving["web/"+nameA])
	}
	if len(rep.Waiting) != 1 || rep.Waiting[0].Until.Sub(before.Leaving["web/"+nameA].Draining) != time.Minute {
		t.Fatalf("waiting %+v, want a until its first drain + 1 min", rep.Waiting)
	}
}

// Run passes at start, then on Kick long before its period.
func TestRunPassesAtStartAndOnKick(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 1)
	reports := make(chan dataplane.Report, 10)
	r, err := dataplane.NewReconciler(dataplane.Config{Node: "node-1", Client: rg.client, Desired: rg.desired.get,
		Period: time.Hour, Settle: time.Hour, Report: func(rep dataplane.Report) { reports <- rep }})
	if err != nil {
		t.Fatal(err)
	}
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web"}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	if rep := <-reports; rep.Status != dataplane.StatusInSync {
		t.Fatalf("first pass: %+v, want in sync", rep)
	}
	rg.desired.set(web(time.Minute, bs))
	r.Kick()
	select {
	case rep := <-reports:
		if len(rep.Outcomes) != 3 || rep.Outcomes[0].Op.Kind != dataplane.OpAdd || rep.Outcomes[0].Err != nil {
			t.Fatalf("pass after Kick: %+v, want the server added", rep)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pass after Kick")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
}

// A node that goes away mid-pass: the operation is retried, then nothing more is tried, and the
// pass says unreachable.
func TestExecutorStopsWhenTheNodeIsGone(t *testing.T) {
	rg := newRig(t)
	rg.h.Stop()
	ops := []dataplane.Operation{
		{Kind: dataplane.OpWeight, Backend: "web", Server: "lbc-a-0123abcd", Weight: 2},
		{Kind: dataplane.OpWeight, Backend: "web", Server: "lbc-b-0123abcd", Weight: 2},
	}
	out := dataplane.Executor{Client: rg.client, Attempts: 3, Backoff: time.Millisecond}.Apply(context.Background(), ops)
	if out[0].Attempts != 3 || out[0].Err == nil || out[1].Attempts != 0 || !strings.Contains(out[1].Err.Error(), "not tried") {
		t.Fatalf("outcomes %+v, want the first tried 3 times, the second not tried", out)
	}
	if err := dataplane.Unreachable(out); err == nil || !strings.Contains(err.Error(), "node-1") {
		t.Fatalf("Unreachable = %v, want the error naming the node", err)
	}
}
