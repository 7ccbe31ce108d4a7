package dataplane

import (
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
)

// Names of servers without the backup flag are what they were before the flag existed, so that
// no running server is replaced by the upgrade; the flag, set, gives another name.
func TestServerNameKeepsOldNamesAndHashesBackup(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	if got := a.Name(); got != "lbc-m1-a0cde11c" {
		t.Fatalf("Name() = %q, want the name made before backup existed, lbc-m1-a0cde11c", got)
	}
	a.Check = nil
	if got := a.Name(); got != "lbc-m1-120e9814" {
		t.Fatalf("Name() without check = %q, want lbc-m1-120e9814", got)
	}
	b := a
	b.Backup = true
	if b.Name() == a.Name() {
		t.Fatal("the backup flag did not change the name: HAProxy cannot change it in place")
	}
	r := mustPlan(t, node(0, b), has(), t0, State{})
	if add := r.Ops[0]; add.Kind != OpAdd || !add.Backup {
		t.Fatalf("add = %+v, want a backup server added", add)
	}
	c := b
	c.Maintenance, c.Weight, c.Adopted = true, 0, "web1"
	if c.Name() != b.Name() {
		t.Fatal("maintenance, weight or adoption changed the name: they are set in place")
	}
}

func drained(d Server) Server { d.Weight = 0; return d }

func inMaint(d Server) Server { d.Maintenance = true; return d }

// A desired weight of 0 is HAProxy's drain state, not weight 0: the server keeps its sessions
// and its weight, shows as draining, and is not deleted. Its weight comes back with it.
func TestPlanWeightZeroDrains(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	r := mustPlan(t, node(time.Minute, drained(a)), has(up(a)), t0, applied(a, 5))
	sameOps(t, r, "drain "+a.Name())
	if len(r.Drift) != 0 || r.Ops[0].Drift {
		t.Fatalf("drift %+v: a desired change is not drift", r.Drift)
	}
	isDraining := draining(up(a), 3)
	r = mustPlan(t, node(time.Minute, drained(a)), has(isDraining), t0, r.State)
	sameOps(t, r)
	if !r.InSync() || len(r.Leaving) != 0 || !r.Backends[0].Converged {
		t.Fatalf("drained: in sync %v, leaving %+v, backends %+v: want in sync, nothing leaving", r.InSync(), r.Leaving, r.Backends)
	}
	if o := r.Observed[0]; o.Health != HealthDrain || o.Sessions != 3 || o.CheckHealth != HealthUp || o.State != haproxy.StateDrain {
		t.Fatalf("observed %+v, want draining with its 3 sessions, its check up", o)
	}
	if got := r.State.Applied[ServerKey("be", a.Name())]; got.Admin != haproxy.StateDrain {
		t.Fatalf("applied %+v, want drain remembered", got)
	}
	// Made ready by hand while it should drain: drift.
	drift := mustPlan(t, node(time.Minute, drained(a)), has(up(a)), t0, r.State)
	sameOps(t, drift, "drain "+a.Name())
	if len(drift.Drift) != 1 || !drift.Ops[0].Drift {
		t.Fatalf("drift %+v, want the hand-made ready reported", drift.Drift)
	}
	// Wanted back: ready with its weight, not drift.
	back := mustPlan(t, node(time.Minute, a), has(isDraining), t0, r.State)
	sameOps(t, back, "ready "+a.Name())
	zeroed := with(isDraining, func(s *haproxy.Server) { s.Weight = 0 })
	back = mustPlan(t, node(time.Minute, a), has(zeroed), t0, r.State)
	sameOps(t, back, "weight "+a.Name(), "ready "+a.Name())
	if len(back.Drift) != 0 || back.Ops[0].Weight != 5 {
		t.Fatalf("ops %+v drift %+v: want weight 5 then ready, no drift", back.Ops, back.Drift)
	}
}

// Weight 0 in HAProxy takes no new requests either: a ready server of weight 0 is drained as
// desired (that is how a server of haproxy.cfg with weight 0 is adopted without a change).
func TestPlanWeightZeroInHAProxyIsDrained(t *testing.T) {
	a := drained(member("m1", "10.0.0.1", 5))
	r := mustPlan(t, node(0, a), has(with(up(a), func(s *haproxy.Server) { s.Weight = 0 })), t0, State{})
	sameOps(t, r)
	if r.Observed[0].Health != HealthDrain {
		t.Fatalf("observed %+v, want drain", r.Observed[0])
	}
}

// Maintenance (admin_state_up false) is HAProxy's maint state, kept, never deleted; cleared, the
// server is staged until its check confirms it, then ready.
func TestPlanMaintenance(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	r := mustPlan(t, node(0, inMaint(a)), has(up(a)), t0, applied(a, 5))
	sameOps(t, r, "maint "+a.Name())
	maint := with(up(a), func(s *haproxy.Server) {
		s.Admin, s.Check, s.Status = haproxy.AdminForcedMaint, s.Check|haproxy.CheckPaused, "MAINT"
	})
	for pass := range 2 {
		r = mustPlan(t, node(0, inMaint(a)), has(maint), t0.Add(time.Hour), r.State)
		sameOps(t, r)
		if !r.InSync() || len(r.Drift) != 0 || r.Observed[0].Health != HealthMaint || r.Observed[0].OperatingStatus() != OperatingOffline {
			t.Fatalf("pass %d in maintenance: %+v, want in sync, shown as maint", pass, r)
		}
	}
	back := mustPlan(t, node(0, a), has(maint), t0, r.State)
	sameOps(t, back, "stage "+a.Name())
	if len(back.Drift) != 0 || len(back.Waiting) != 1 {
		t.Fatalf("drift %+v waiting %+v: want staged, waiting for its check, no drift", back.Drift, back.Waiting)
	}
	// Out of maintenance HAProxy counts it up at once, with its check counter at rise: no verdict yet.
	benefit := with(draining(up(a), 0), func(s *haproxy.Server) { s.Rise, s.Fall, s.CheckHealth = 2, 3, 2 })
	wait := mustPlan(t, node(0, a), has(benefit), t0, back.State)
	sameOps(t, wait)
	if wait.Observed[0].Health != HealthChecking {
		t.Fatalf("observed %+v, want checking", wait.Observed[0])
	}
	confirmed := with(benefit, func(s *haproxy.Server) { s.CheckHealth = 3 })
	sameOps(t, mustPlan(t, node(0, a), has(confirmed), t0, wait.State), "ready "+a.Name())
}

func TestPlanAddsDrainedAndMaintenanceServers(t *testing.T) {
	a := member("m1", "10.0.0.1", 5)
	sameOps(t, mustPlan(t, node(0, drained(a)), has(), t0, State{}), "add "+a.Name(), "enable-health "+a.Name(), "drain "+a.Name())
	sameOps(t, mustPlan(t, node(0, inMaint(a)), has(), t0, State{}), "add "+a.Name(), "enable-health "+a.Name())
	noCheck := Server{ID: "m2", Address: "10.0.0.2", Port: 80}
	sameOps(t, mustPlan(t, node(0, noCheck), has(), t0, State{}), "add "+noCheck.Name(), "drain "+noCheck.Name())
}

// Servers meant to drain or to be in maintenance take no traffic: leaving servers do not wait
// for them.
func TestPlanLeavingDoesNotWaitForDrainedServers(t *testing.T) {
	gone, a := member("m9", "10.0.0.9", 1), member("m1", "10.0.0.1", 1)
	asWanted := map[*Server]haproxy.Server{
		ptr(drained(a)): draining(up(a), 0),
		ptr(inMaint(a)): with(up(a), func(s *haproxy.Server) { s.Admin = haproxy.AdminForcedMaint }),
	}
	for d, s := range asWanted {
		sameOps(t, mustPlan(t, node(time.Minute, *d), has(up(gone), s), t0, State{}), "drain "+gone.Name())
	}
}

func TestPlanLeavingReportsTheDrainClock(t *testing.T) {
	gone := member("m9", "10.0.0.9", 1)
	key := ServerKey("be", gone.Name())
	prev := State{Leaving: map[string]Leaving{key: {Seen: t0.Add(-time.Minute), Draining: t0.Add(-18 * time.Second)}}}
	r := mustPlan(t, node(30*time.Second), has(draining(up(gone), 3)), t0, prev)
	want := LeavingServer{Backend: "be", Server: gone.Name(), MemberID: "m9", Address: gone.Address, Port: gone.Port, State: haproxy.StateDrain, Sessions: 3,
		Seen: t0.Add(-time.Minute), Draining: t0.Add(-18 * time.Second), Deadline: t0.Add(12 * time.Second)}
	if len(r.Leaving) != 1 || r.Leaving[0] != want {
		t.Fatalf("leaving %+v, want %+v", r.Leaving, want)
	}
	if got := r.Leaving[0].Describe(t0); got != "draining: 3 sessions, 12 s left" {
		t.Fatalf("Describe = %q", got)
	}
}

func TestPlanBackendResults(t *testing.T) {
	a, b := member("m1", "10.0.0.1", 1), member("m2", "10.0.0.2", 1)
	d := Desired{Backends: []Backend{
		{Name: "be", Version: 7, Owner: "g1", Servers: []Server{a}},
		{Name: "be2", Version: 3, Owner: "g2", Servers: []Server{b}},
		{Name: "gone", Version: 9},
	}}
	actual := Actual{Backends: map[string][]haproxy.Server{"be": {up(a)}, "be2": {}}}
	r := mustPlan(t, d, actual, t0, State{})
	want := []BackendResult{{"be", 7, true, "g1"}, {"be2", 3, false, "g2"}, {"gone", 9, false, ""}}
	if len(r.Backends) != 3 || r.Backends[0] != want[0] || r.Backends[1] != want[1] || r.Backends[2] != want[2] {
		t.Fatalf("backends %+v, want %+v", r.Backends, want)
	}
	// Waiting is not converged either.
	staged := with(draining(up(b), 0), func(s *haproxy.Server) { s.CheckStatus = "INI" })
	actual.Backends["be2"] = []haproxy.Server{staged}
	if r := mustPlan(t, d, actual, t0, State{}); len(r.Ops) != 0 || r.Backends[1].Converged {
		t.Fatalf("ops %v backends %+v: want be2 waiting, not converged", ops(r), r.Backends)
	}
}

func TestPlanRefusesBadAdoptions(t *testing.T) {
	a, b := member("m1", "10.0.0.1", 1), member("m2", "10.0.0.2", 1)
	a.Adopted, b.Adopted = "web1", "web1"
	if _, err := Plan(node(0, a, b), has(), t0, State{}); err == nil || !strings.Contains(err.Error(), `adopted server "web1" is server "m1"'s already`) {
		t.Fatalf("err = %v, want the name adopted twice refused", err)
	}
	d := node(0, a)
	d.Backends[0].Adopt = []string{"web1"}
	if _, err := Plan(d, has(), t0, State{}); err == nil || !strings.Contains(err.Error(), "also in Adopt") {
		t.Fatalf("err = %v, want a name both kept and leaving refused", err)
	}
	a.Adopted = "web 1"
	if _, err := Plan(node(0, a), has(), t0, State{}); err == nil || !strings.Contains(err.Error(), `adopted server "web 1"`) {
		t.Fatalf("err = %v, want the bad name refused", err)
	}
}

func ptr[T any](v T) *T { return &v }
