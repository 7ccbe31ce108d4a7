package dataplane

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var check = &Check{Type: CheckTCP, Interval: 2 * time.Second, Rise: 2, Fall: 3}

func member(id, addr string, weight int) Server {
	return Server{ID: id, Address: addr, Port: 8080, Weight: weight, Check: check}
}

// up is d as HAProxy shows it once added, ready and checked.
func up(d Server) haproxy.Server {
	s := haproxy.Server{Name: d.Name(), Address: d.Address, Port: d.Port, Weight: d.Weight,
		Op: haproxy.OpRunning, Status: "no check"}
	if d.Check != nil {
		s.Check, s.Result, s.Status, s.CheckStatus = haproxy.CheckConfigured|haproxy.CheckEnabled, haproxy.CheckPassed, "UP", "L4OK"
	}
	return s
}

func with(s haproxy.Server, f func(*haproxy.Server)) haproxy.Server {
	f(&s)
	return s
}

func draining(s haproxy.Server, sessions int) haproxy.Server {
	return with(s, func(s *haproxy.Server) { s.Admin, s.Sessions, s.Status = haproxy.AdminForcedDrain, sessions, "DRAIN" })
}

func node(timeout time.Duration, servers ...Server) Desired {
	return Desired{Backends: []Backend{{Name: "be", DrainTimeout: timeout, Servers: servers}}}
}

func has(servers ...haproxy.Server) Actual {
	return Actual{Backends: map[string][]haproxy.Server{"be": servers}}
}

// ops renders a plan's operations as "kind server" lines, easy to compare.
func ops(r Result) []string {
	var out []string
	for _, o := range r.Ops {
		out = append(out, string(o.Kind)+" "+o.Server)
	}
	return out
}

func mustPlan(t *testing.T, d Desired, a Actual, now time.Time, prev State) Result {
	t.Helper()
	r, err := Plan(d, a, now, prev)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return r
}

func sameOps(t *testing.T, r Result, want ...string) {
	t.Helper()
	if got := ops(r); !slices.Equal(got, want) {
		t.Fatalf("ops:\n got %q\nwant %q", got, want)
	}
}

func applied(d Server, weight int) State {
	return State{Applied: map[string]Applied{ServerKey("be", d.Name()): {Weight: weight}}}
}

func TestPlanAddsMissingServer(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	r := mustPlan(t, node(time.Minute, a), has(), t0, State{})
	sameOps(t, r, "add "+a.Name(), "enable-health "+a.Name(), "stage "+a.Name())
	add := r.Ops[0]
	if add.Address != "10.0.0.1" || add.Port != 8080 || add.Weight != 5 || add.Check != check || add.MemberID != "m1" || add.Drift {
		t.Errorf("add = %+v, want the desired address, port, weight and check, not drift", add)
	}
	if len(r.Drift) != 0 || r.Observed[0].Health != HealthAbsent {
		t.Errorf("drift %v, observed %+v: want no drift, member absent", r.Drift, r.Observed)
	}
}

func TestPlanAddsServerWithoutCheck(t *testing.T) {
	a := Server{ID: "m1", Address: "10.0.0.1", Port: 80, Weight: 1}
	sameOps(t, mustPlan(t, node(0, a), has(), t0, State{}), "add "+a.Name(), "ready "+a.Name())
}

func TestPlanNothingWhenInSync(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	r := mustPlan(t, node(0, a), has(up(a)), t0, State{})
	sameOps(t, r)
	if !r.InSync() {
		t.Error("InSync() = false")
	}
	if got := r.State.Applied[ServerKey("be", a.Name())]; got.Weight != 5 {
		t.Errorf("Applied = %+v, want weight 5 remembered", r.State.Applied)
	}
	if o := r.Observed[0]; o.Health != HealthUp || o.Status != "UP" || o.MemberID != "m1" || o.Weight != 5 {
		t.Errorf("observed %+v", o)
	}
}

// A server with a health check is staged (drain) and made ready only once its first check has
// concluded: made ready before, HAProxy would count it up and send it requests, whether it
// answers or not.
func TestPlanReadiesANewServerAfterItsFirstCheck(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	added := with(up(a), func(s *haproxy.Server) {
		s.Admin, s.Op, s.Status, s.CheckStatus = haproxy.AdminForcedMaint, haproxy.OpStopped, "MAINT", "INI"
	})
	r := mustPlan(t, node(0, a), has(added), t0, State{})
	sameOps(t, r, "stage "+a.Name())
	staged := with(added, func(s *haproxy.Server) {
		s.Admin, s.Op, s.Status = haproxy.AdminForcedDrain, haproxy.OpRunning, "DRAIN 1/2"
	})
	r = mustPlan(t, node(0, a), has(staged), t0, State{})
	sameOps(t, r)
	if len(r.Waiting) != 1 || !strings.Contains(r.Waiting[0].Reason, "until its health check confirms it") || r.InSync() || len(r.Drift) != 0 {
		t.Fatalf("waiting = %+v, drift %+v: want the server waiting for its first check", r.Waiting, r.Drift)
	}
	if len(r.State.Applied) != 0 {
		t.Fatalf("applied %+v while staged, want nothing: it is not in its desired state yet", r.State.Applied)
	}
	for _, status := range []string{"L4OK", "L4CON"} {
		checked := with(staged, func(s *haproxy.Server) { s.CheckStatus = status })
		ready := mustPlan(t, node(0, a), has(checked), t0, r.State)
		sameOps(t, ready, "ready "+a.Name())
		if len(ready.Drift) != 0 {
			t.Fatalf("drift %+v: making a staged server ready is not drift", ready.Drift)
		}
	}
	// Put in maintenance by hand: its checks are paused. Leaving maintenance, HAProxy would
	// count it up whatever it said before: it is staged too.
	paused := with(added, func(s *haproxy.Server) { s.Check |= haproxy.CheckPaused })
	sameOps(t, mustPlan(t, node(0, a), has(paused), t0, State{}), "stage "+a.Name())
}

// An add interrupted after `add server` leaves a server in maintenance with its check off: the
// next pass finishes the job, and that is convergence, not drift.
func TestPlanFinishesAnInterruptedAdd(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	half := with(up(a), func(s *haproxy.Server) {
		s.Admin, s.Check, s.Op, s.Result = haproxy.AdminForcedMaint, haproxy.CheckConfigured, haproxy.OpStopped, 0
	})
	r := mustPlan(t, node(0, a), has(half), t0, State{})
	sameOps(t, r, "enable-health "+a.Name(), "stage "+a.Name())
	if len(r.Drift) != 0 {
		t.Errorf("drift %v, want none: the server never was in its desired state", r.Drift)
	}
}

func TestPlanDrift(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	cases := []struct {
		name   string
		actual Actual
		want   []string
		what   string
	}{
		{"WeightSetByHand", has(with(up(a), func(s *haproxy.Server) { s.Weight = 9 })), []string{"weight " + a.Name()}, "weight 9, want 5"},
		{"DrainedByHand", has(draining(up(a), 0)), []string{"ready " + a.Name()}, "in drain"},
		{"MaintByHand", has(with(up(a), func(s *haproxy.Server) { s.Admin, s.Check = haproxy.AdminForcedMaint, s.Check|haproxy.CheckPaused })), []string{"stage " + a.Name()}, "in maint"},
		{"HealthDisabledByHand", has(with(up(a), func(s *haproxy.Server) { s.Check = haproxy.CheckConfigured })), []string{"enable-health " + a.Name()}, "health check off"},
		{"AddressSetByHand", has(with(up(a), func(s *haproxy.Server) { s.Address = "10.9.9.9" })), []string{"addr " + a.Name()}, "address changed by hand to 10.9.9.9:8080"},
		{"DeletedOrRestarted", has(), []string{"add " + a.Name(), "enable-health " + a.Name(), "stage " + a.Name()}, "server missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustPlan(t, node(0, a), c.actual, t0, applied(a, 5))
			sameOps(t, r, c.want...)
			if len(r.Drift) != 1 || r.Drift[0].What != c.what || r.Drift[0].MemberID != "m1" {
				t.Fatalf("drift = %+v, want one for m1: %q", r.Drift, c.what)
			}
			for _, o := range r.Ops {
				if !o.Drift && o.Kind != OpStage {
					t.Errorf("%v not marked as drift", o)
				}
			}
			_, kept := r.State.Applied[ServerKey("be", a.Name())]
			if missing := c.name == "DeletedOrRestarted"; kept == missing {
				t.Errorf("Applied = %+v: want it kept while correcting, dropped once drift is reported on a missing server", r.State.Applied)
			}
		})
	}
}

// A weight that differs because the desired weight changed is a change to apply, not drift.
func TestPlanDesiredChangeIsNotDrift(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	r := mustPlan(t, node(0, a), has(with(up(a), func(s *haproxy.Server) { s.Weight = 3 })), t0, applied(a, 3))
	sameOps(t, r, "weight "+a.Name())
	if len(r.Drift) != 0 || r.Ops[0].Drift || r.Ops[0].Weight != 5 {
		t.Fatalf("ops %+v drift %+v: want weight 5, no drift", r.Ops, r.Drift)
	}
}

func TestPlanHealthCheck(t *testing.T) {
	noCheck := Server{ID: "m1", Address: "10.0.0.1", Port: 80, Weight: 1}
	t.Run("OnButNoneDesired", func(t *testing.T) {
		s := with(up(noCheck), func(s *haproxy.Server) { s.Check = haproxy.CheckConfigured | haproxy.CheckEnabled })
		sameOps(t, mustPlan(t, node(0, noCheck), has(s), t0, State{}), "disable-health "+noCheck.Name())
	})
	t.Run("DesiredButNotConfiguredIsAProblem", func(t *testing.T) {
		a := member("m1", "10.0.0.1", 1)
		s := with(up(a), func(s *haproxy.Server) { s.Check = 0 })
		r := mustPlan(t, node(0, a), has(s), t0, State{})
		sameOps(t, r)
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "created without a health check") || r.InSync() {
			t.Fatalf("problems = %+v, want one saying the server has no check", r.Problems)
		}
	})
	t.Run("HTTPWantedButBackendChecksTCP", func(t *testing.T) {
		a := member("m1", "10.0.0.1", 1)
		a.Check = &Check{Type: CheckHTTP, Path: "/health", Interval: time.Second, Rise: 1, Fall: 1}
		r := mustPlan(t, node(0, a), has(up(a)), t0, State{})
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "option httpchk GET /health") {
			t.Fatalf("problems = %+v, want one naming option httpchk", r.Problems)
		}
	})
	t.Run("TCPWantedButBackendChecksHTTP", func(t *testing.T) {
		a := member("m1", "10.0.0.1", 1)
		s := with(up(a), func(s *haproxy.Server) { s.CheckStatus = "L7OK" })
		if r := mustPlan(t, node(0, a), has(s), t0, State{}); len(r.Problems) != 1 {
			t.Fatalf("problems = %+v, want one", r.Problems)
		}
	})
}

// Replacing a member's address: the new server is added first; the old one drains only when the
// new one serves.
func TestPlanReplace(t *testing.T) {
	old := member("m1", "10.0.0.1", 5)
	repl := member("m1", "10.0.0.2", 5)
	if old.Name() == repl.Name() {
		t.Fatal("a new address must give a new name")
	}
	d := node(time.Minute, repl)

	r := mustPlan(t, d, has(up(old)), t0, State{})
	sameOps(t, r, "add "+repl.Name(), "enable-health "+repl.Name(), "stage "+repl.Name())
	if len(r.Waiting) != 1 || r.Waiting[0].Server != old.Name() || !strings.Contains(r.Waiting[0].Reason, "waiting for a desired server to serve") {
		t.Fatalf("waiting = %+v, want the old server waiting for its replacement", r.Waiting)
	}

	checking := with(up(repl), func(s *haproxy.Server) { s.CheckStatus, s.Status = "INI", "UP" })
	r = mustPlan(t, d, has(up(old), checking), t0.Add(time.Second), r.State)
	sameOps(t, r)
	if len(r.Waiting) != 1 || r.Observed[0].Health != HealthChecking {
		t.Fatalf("before the new server's first check: waiting %+v, observed %+v", r.Waiting, r.Observed)
	}

	r = mustPlan(t, d, has(up(old), up(repl)), t0.Add(2*time.Second), r.State)
	sameOps(t, r, "drain "+old.Name())
	if r.Ops[0].MemberID != "m1" {
		t.Errorf("drain's member = %q, want m1 (read back from the name)", r.Ops[0].MemberID)
	}
}

// Replacing one server of several: the others serve, yet the old one waits for the new one, so
// the backend never runs a server short.
func TestPlanPartialReplaceWaitsForTheNewServer(t *testing.T) {
	a, old, repl := member("m1", "10.0.0.1", 1), member("m2", "10.0.0.2", 1), member("m3", "10.0.0.3", 1)
	d := node(time.Minute, a, repl)
	r := mustPlan(t, d, has(up(a), up(old)), t0, State{})
	sameOps(t, r, "add "+repl.Name(), "enable-health "+repl.Name(), "stage "+repl.Name())
	if len(r.Waiting) != 1 || r.Waiting[0].Server != old.Name() {
		t.Fatalf("waiting = %+v, want the old server waiting", r.Waiting)
	}
	failing := with(up(repl), func(s *haproxy.Server) { s.Op, s.CheckStatus, s.Status = haproxy.OpStopped, "L4CON", "DOWN" })
	sameOps(t, mustPlan(t, d, has(up(a), up(old), failing), t0.Add(time.Second), r.State), "drain "+old.Name())
}

func TestPlanLeaving(t *testing.T) {
	gone := member("m9", "10.0.0.9", 1)
	stay := member("m1", "10.0.0.1", 1)
	key := ServerKey("be", gone.Name())
	const timeout = 10 * time.Second
	seen := func(ago time.Duration) State {
		return State{Leaving: map[string]Leaving{key: {Seen: t0.Add(-ago)}}}
	}
	drainingFor := func(ago time.Duration) State {
		return State{Leaving: map[string]Leaving{key: {Seen: t0.Add(-time.Hour), Draining: t0.Add(-ago)}}}
	}
	downStay := with(up(stay), func(s *haproxy.Server) { s.Op, s.CheckStatus, s.Status = haproxy.OpStopped, "L4CON", "DOWN" })
	cases := []struct {
		name    string
		desired Desired
		actual  Actual
		prev    State
		want    []string
		waiting string
	}{
		{"DrainsWhenTheBackendEmpties", node(timeout), has(up(gone)), State{}, []string{"drain " + gone.Name()}, ""},
		{"DrainsWhenAnotherServes", node(timeout, stay), has(up(gone), up(stay)), State{}, []string{"drain " + gone.Name()}, ""},
		{"WaitsWhileNoDesiredServerServes", node(timeout, stay), has(up(gone), downStay), seen(time.Second), nil, "waiting for a desired server to serve"},
		{"DrainsAfterWaitingTheTimeout", node(timeout, stay), has(up(gone), downStay), seen(timeout), []string{"drain " + gone.Name()}, ""},
		{"DrainsAServerThatServesNothing", node(timeout, stay), has(with(up(gone), func(s *haproxy.Server) { s.Op = haproxy.OpStopped }), downStay), State{}, []string{"drain " + gone.Name()}, ""},
		{"WaitsForSessions", node(timeout), has(draining(up(gone), 3)), drainingFor(time.Second), nil, "drain: 3 sessions left"},
		{"RemovesOnceDrained", node(timeout), has(draining(up(gone), 0)), drainingFor(time.Second), []string{"maint " + gone.Name(), "delete " + gone.Name()}, ""},
		{"CutsSessionsAfterTheTimeout", node(timeout), has(draining(up(gone), 3)), drainingFor(timeout), []string{"maint " + gone.Name(), "shutdown " + gone.Name(), "delete " + gone.Name()}, ""},
		{"DeletesAServerInMaint", node(timeout), has(with(up(gone), func(s *haproxy.Server) { s.Admin = haproxy.AdminForcedMaint })), State{}, []string{"delete " + gone.Name()}, ""},
		{"ZeroTimeoutCutsAtOnce", node(0), has(draining(up(gone), 3)), State{}, []string{"maint " + gone.Name(), "shutdown " + gone.Name(), "delete " + gone.Name()}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustPlan(t, c.desired, c.actual, t0, c.prev)
			sameOps(t, r, c.want...)
			if c.waiting == "" && len(r.Waiting) != 0 || c.waiting != "" && (len(r.Waiting) != 1 || !strings.Contains(r.Waiting[0].Reason, c.waiting)) {
				t.Fatalf("waiting = %+v, want %q", r.Waiting, c.waiting)
			}
		})
	}
}

// The drain clock starts at the first pass that sees the drain, is kept while the server drains,
// and is dropped once the server is gone.
func TestPlanDrainClock(t *testing.T) {
	gone := member("m9", "10.0.0.9", 1)
	key := ServerKey("be", gone.Name())
	d := node(time.Minute)
	r := mustPlan(t, d, has(up(gone)), t0, State{})
	if lv := r.State.Leaving[key]; !lv.Seen.Equal(t0) || !lv.Draining.IsZero() {
		t.Fatalf("after planning the drain: %+v, want seen now and no drain clock yet (the drain may not happen)", lv)
	}
	r = mustPlan(t, d, has(draining(up(gone), 2)), t0.Add(time.Second), r.State)
	if lv := r.State.Leaving[key]; !lv.Seen.Equal(t0) || !lv.Draining.Equal(t0.Add(time.Second)) {
		t.Fatalf("first seen draining: %+v", lv)
	}
	r = mustPlan(t, d, has(draining(up(gone), 2)), t0.Add(30*time.Second), r.State)
	if lv := r.State.Leaving[key]; !lv.Draining.Equal(t0.Add(time.Second)) {
		t.Fatalf("still draining: %+v, want the clock kept", lv)
	}
	if w := r.Waiting; len(w) != 1 || !w[0].Until.Equal(t0.Add(61*time.Second)) || w[0].Sessions != 2 {
		t.Fatalf("waiting = %+v, want until the drain timeout", w)
	}
	r = mustPlan(t, d, has(), t0.Add(40*time.Second), r.State)
	if len(r.State.Leaving) != 0 {
		t.Fatalf("after deletion: %+v, want no clock left", r.State.Leaving)
	}
}

func TestPlanOwnership(t *testing.T) {
	a := member("m1", "10.0.0.1", 1)
	static := haproxy.Server{Name: "web1", Address: "10.0.0.7", Port: 80, Weight: 1, Op: haproxy.OpRunning, Status: "no check"}
	t.Run("ForeignServersAreLeftAlone", func(t *testing.T) {
		r := mustPlan(t, node(0, a), has(up(a), static), t0, State{})
		sameOps(t, r)
		if len(r.Foreign) != 1 || r.Foreign[0].Server != "web1" || r.Foreign[0].Address != "10.0.0.7" {
			t.Fatalf("foreign = %+v, want web1", r.Foreign)
		}
	})
	t.Run("AdoptedServersMigrate", func(t *testing.T) {
		d := node(0, a)
		d.Backends[0].Adopt = []string{"web1"}
		r := mustPlan(t, d, has(up(a), static), t0, State{})
		sameOps(t, r, "drain web1")
		if len(r.Foreign) != 0 || r.Ops[0].MemberID != "" {
			t.Fatalf("foreign %+v, op %+v: want web1 owned, of no known member", r.Foreign, r.Ops[0])
		}
	})
	t.Run("UndesiredBackendsAreNeverTouched", func(t *testing.T) {
		actual := has(up(a))
		actual.Backends["other"] = []haproxy.Server{up(member("m2", "10.0.0.2", 1))}
		r := mustPlan(t, node(0, a), actual, t0, State{})
		sameOps(t, r)
		if len(r.Foreign) != 0 || len(r.Observed) != 1 {
			t.Fatalf("foreign %+v observed %+v: want nothing about backend other", r.Foreign, r.Observed)
		}
	})
	t.Run("MissingBackendIsAProblem", func(t *testing.T) {
		r := mustPlan(t, node(0, a), Actual{Backends: map[string][]haproxy.Server{}}, t0, applied(a, 1))
		sameOps(t, r)
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "haproxy.cfg") || r.Observed[0].Health != HealthAbsent {
			t.Fatalf("problems %+v observed %+v", r.Problems, r.Observed)
		}
		if len(r.State.Applied) != 1 {
			t.Fatalf("state %+v: want what was known of the backend kept while it cannot be seen", r.State)
		}
	})
}

func TestPlanOrdersAddsBeforeFixesBeforeDrainsBeforeRemovals(t *testing.T) {
	gone := member("m9", "10.0.0.9", 1)
	drained := member("m8", "10.0.0.8", 1)
	fix := member("m2", "10.0.0.2", 7)
	add := member("m1", "10.0.0.1", 1)
	// A zero drain timeout: gone does not wait for add to serve.
	r := mustPlan(t, node(0, fix, add), has(draining(up(drained), 0), up(gone), with(up(fix), func(s *haproxy.Server) { s.Weight = 1 })), t0, State{})
	sameOps(t, r, "add "+add.Name(), "enable-health "+add.Name(), "stage "+add.Name(), "weight "+fix.Name(),
		"drain "+gone.Name(), "maint "+drained.Name(), "delete "+drained.Name())
}

func TestPlanRefusesInvalidDesired(t *testing.T) {
	ok := member("m1", "10.0.0.1", 1)
	cases := []struct {
		name    string
		mutate  func(*Desired)
		wantErr string
	}{
		{"BackendName", func(d *Desired) { d.Backends[0].Name = "be 1" }, `backend "be 1"`},
		{"BackendTwice", func(d *Desired) { d.Backends = append(d.Backends, d.Backends[0]) }, "listed twice"},
		{"NegativeTimeout", func(d *Desired) { d.Backends[0].DrainTimeout = -1 }, "negative"},
		{"AdoptPrefixed", func(d *Desired) { d.Backends[0].Adopt = []string{"lbc-x"} }, "lbconsole's already"},
		{"AdoptBadName", func(d *Desired) { d.Backends[0].Adopt = []string{"a;b"} }, `adopted server "a;b"`},
		{"ServerTwice", func(d *Desired) { d.Backends[0].Servers = append(d.Backends[0].Servers, ok) }, `server "m1" is listed twice`},
		{"ID", func(d *Desired) { d.Backends[0].Servers[0].ID = "m/1" }, `id "m/1"`},
		{"IDTooLong", func(d *Desired) { d.Backends[0].Servers[0].ID = strings.Repeat("a", 65) }, "1–64 characters"},
		{"Host", func(d *Desired) { d.Backends[0].Servers[0].Address = "db.local" }, "not an IPv4 address"},
		{"IPv6", func(d *Desired) { d.Backends[0].Servers[0].Address = "::1" }, "not an IPv4 address"},
		{"Port", func(d *Desired) { d.Backends[0].Servers[0].Port = 0 }, "port 0"},
		{"Weight", func(d *Desired) { d.Backends[0].Servers[0].Weight = 257 }, "weight 257"},
		{"CheckType", func(d *Desired) {
			d.Backends[0].Servers[0].Check = &Check{Type: "udp", Interval: time.Second, Rise: 1, Fall: 1}
		}, `type "udp"`},
		{"CheckPath", func(d *Desired) {
			d.Backends[0].Servers[0].Check = &Check{Type: CheckHTTP, Interval: time.Second, Rise: 1, Fall: 1}
		}, "path"},
		{"CheckInterval", func(d *Desired) { d.Backends[0].Servers[0].Check = &Check{Type: CheckTCP, Rise: 1, Fall: 1} }, "interval"},
		{"CheckRise", func(d *Desired) {
			d.Backends[0].Servers[0].Check = &Check{Type: CheckTCP, Interval: time.Second, Fall: 1}
		}, "rise 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := node(0, ok)
			c.mutate(&d)
			_, err := Plan(d, has(), t0, State{})
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestServerNameAndMemberOf(t *testing.T) {
	a := member("3f1c2a9e-0c4b-4f7a-9a51-1b2c3d4e5f60", "10.0.0.1", 1)
	name := a.Name()
	if !strings.HasPrefix(name, "lbc-3f1c2a9e-0c4b-4f7a-9a51-1b2c3d4e5f60-") || len(name) != len("lbc-")+36+9 {
		t.Fatalf("Name() = %q", name)
	}
	if id, ok := MemberOf(name); !ok || id != a.ID {
		t.Fatalf("MemberOf(%q) = %q, %v", name, id, ok)
	}
	b := a
	b.Weight = 9
	if b.Name() != name {
		t.Error("the weight changed the name: weights are set in place")
	}
	for _, other := range []func(*Server){
		func(s *Server) { s.Port = 8081 },
		func(s *Server) { s.Check = nil },
		func(s *Server) { c := *s.Check; c.Rise = 5; s.Check = &c },
	} {
		c := a
		other(&c)
		if c.Name() == name {
			t.Errorf("%+v has the same name as %+v", c, a)
		}
	}
	for _, n := range []string{"web1", "lbc-", "lbc-x", "lbc--0123abcd", "lbc-a/b-0123abcd"} {
		if id, ok := MemberOf(n); ok {
			t.Errorf("MemberOf(%q) = %q, want no member", n, id)
		}
	}
}

// model applies operations the way HAProxy 2.6 does (as its tests in dataplane/haproxy pin),
// with checks that pass at once and sessions that end when drained.
func model(t *testing.T, a Actual, ops []Operation) Actual {
	t.Helper()
	next := Actual{Backends: map[string][]haproxy.Server{}}
	for be, servers := range a.Backends {
		next.Backends[be] = slices.Clone(servers)
	}
	for _, o := range ops {
		servers := next.Backends[o.Backend]
		i := slices.IndexFunc(servers, func(s haproxy.Server) bool { return s.Name == o.Server })
		if o.Kind == OpAdd {
			if i >= 0 {
				t.Fatalf("%v: already exists", o)
			}
			s := haproxy.Server{Name: o.Server, Address: o.Address, Port: o.Port, Weight: o.Weight, Admin: haproxy.AdminForcedMaint, Backup: o.Backup}
			if o.Check != nil {
				s.Check = haproxy.CheckConfigured
			}
			next.Backends[o.Backend] = append(servers, s)
			continue
		}
		if i < 0 {
			t.Fatalf("%v: no such server", o)
		}
		s := &servers[i]
		switch o.Kind {
		case OpEnableHealth:
			// Checks of a server added at runtime run in maintenance too; in this model they
			// pass at once.
			s.Check |= haproxy.CheckEnabled
			s.CheckStatus = "L4OK"
		case OpStage:
			s.Admin, s.Op = haproxy.AdminForcedDrain, haproxy.OpRunning
		case OpDisableHealth:
			s.Check &^= haproxy.CheckEnabled
		case OpReady:
			s.Admin, s.Op = 0, haproxy.OpRunning
			if s.HealthEnabled() {
				s.CheckStatus = "L4OK"
			}
		case OpWeight:
			s.Weight = o.Weight
		case OpAddr:
			s.Address, s.Port = o.Address, o.Port
		case OpDrain:
			s.Admin, s.Sessions = haproxy.AdminForcedDrain, 0
		case OpMaint:
			s.Admin = haproxy.AdminForcedMaint
		case OpShutdown:
			s.Sessions = 0
		case OpDelete:
			if !s.Admin.Maint() || s.Sessions > 0 {
				t.Fatalf("%v: HAProxy refuses to delete %+v", o, *s)
			}
			next.Backends[o.Backend] = slices.Delete(servers, i, i+1)
		}
	}
	return next
}

// Planning on the result of applying a plan repeats none of its operations, and a few passes
// reach a plan with nothing to do, which stays so.
func TestPlanIsIdempotent(t *testing.T) {
	a, b, c := member("m1", "10.0.0.1", 1), member("m2", "10.0.0.2", 3), member("m3", "10.0.0.3", 1)
	moved := member("m2", "10.0.0.22", 3)
	static := haproxy.Server{Name: "web1", Address: "10.0.0.7", Port: 80, Weight: 1, Op: haproxy.OpRunning}
	cases := []struct {
		name    string
		desired Desired
		actual  Actual
	}{
		{"FromEmpty", node(time.Minute, a, b, c), has()},
		{"RemoveAll", node(time.Minute), has(up(a), up(b), static)},
		{"ReplaceOne", node(time.Minute, a, moved), has(up(a), up(b))},
		{"Mixed", node(time.Minute, a, moved, c), has(with(up(a), func(s *haproxy.Server) { s.Weight = 9 }), up(b), draining(up(member("m4", "10.0.0.4", 1)), 0), static)},
		{"DrainAndMaintenance", node(time.Minute, drained(a), inMaint(b), c), has(up(a), up(b))},
		{"BackFromDrainAndMaintenance", node(time.Minute, a, b), has(draining(up(a), 0), with(up(b), func(s *haproxy.Server) { s.Admin = haproxy.AdminForcedMaint }))},
		{"AdoptedMoves", node(time.Minute, Server{ID: "m7", Address: "10.0.0.8", Port: 80, Weight: 1, Adopted: "web1"}), has(static)},
		{"AdoptedLeaves", func() Desired { d := node(time.Minute, a); d.Backends[0].Adopt = []string{"web1"}; return d }(), has(static)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			actual, state, now := tc.actual, State{}, t0
			var last Result
			for pass := 0; pass < 10; pass++ {
				r := mustPlan(t, tc.desired, actual, now, state)
				for _, o := range r.Ops {
					for _, p := range last.Ops {
						if o.Kind == p.Kind && o.Server == p.Server {
							t.Fatalf("pass %d repeats %v", pass, o)
						}
					}
				}
				if r.InSync() {
					t.Logf("in sync after %d passes", pass)
					again := mustPlan(t, tc.desired, actual, now.Add(time.Second), r.State)
					sameOps(t, again)
					return
				}
				actual, state, last, now = model(t, actual, r.Ops), r.State, r, now.Add(time.Second)
			}
			t.Fatalf("not in sync after 10 passes: %s", fmt.Sprint(ops(last)))
		})
	}
}
