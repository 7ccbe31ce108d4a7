package dataplane

import (
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
)

// static is web1 as haproxy.cfg made it: checked, weight 3, up.
var static = haproxy.Server{Name: "web1", Address: "10.0.0.7", Port: 80, Weight: 3, Op: haproxy.OpRunning,
	Check: haproxy.CheckConfigured | haproxy.CheckEnabled, Status: "UP", CheckStatus: "L4OK", Rise: 2, Fall: 3, CheckHealth: 4}

// adopter is the desired server that adopts static as member m7.
func adopter() Server {
	return Server{ID: "m7", Address: "10.0.0.7", Port: 80, Weight: 3, Adopted: "web1", Check: check}
}

// An adopted server that fits its desired server is that server: kept under its name, its
// check as it is (its interval and rise are not the desired ones), nothing to do.
func TestPlanKeepsAnAdoptedServer(t *testing.T) {
	d := adopter()
	r := mustPlan(t, node(time.Minute, d), has(static), t0, State{})
	sameOps(t, r)
	if !r.InSync() || len(r.Foreign) != 0 || len(r.Leaving) != 0 || len(r.Released) != 0 || !r.Backends[0].Converged {
		t.Fatalf("result %+v, want web1 kept as it is", r)
	}
	if o := r.Observed[0]; o.Server != "web1" || o.MemberID != "m7" || o.Health != HealthUp {
		t.Fatalf("observed %+v, want web1 up for m7", o)
	}
	if _, ok := r.State.Applied[ServerKey("be", "web1")]; !ok {
		t.Fatalf("applied %+v, want web1 remembered under its name", r.State.Applied)
	}
}

// Weight, state and health check on/off are corrected in place, under the adopted name.
func TestPlanCorrectsAnAdoptedServerInPlace(t *testing.T) {
	d := adopter()
	sameOps(t, mustPlan(t, node(0, drained(d)), has(static), t0, State{}), "drain web1")
	sameOps(t, mustPlan(t, node(0, inMaint(d)), has(static), t0, State{}), "maint web1")
	d.Weight = 8
	sameOps(t, mustPlan(t, node(0, d), has(static), t0, State{}), "weight web1")
	d.Check = nil
	sameOps(t, mustPlan(t, node(0, d), has(static), t0, State{}), "disable-health web1", "weight web1")
}

// What the Runtime API cannot change in place (address, port, backup flag, a check on a server
// without one) replaces the adopted server: a server of lbconsole's naming is added, and the
// adopted one leaves once it serves, reported released (with its member) once deleted.
func TestPlanReplacesAnAdoptedServer(t *testing.T) {
	moved := adopter()
	moved.Port = 8080
	backup := adopter()
	backup.Backup = true
	unchecked := with(static, func(s *haproxy.Server) { s.Check, s.CheckStatus, s.Status = 0, "", "no check" })
	cases := []struct {
		name   string
		d      Server
		actual haproxy.Server
	}{
		{"PortChanged", moved, static},
		{"BackupWanted", backup, static},
		{"CheckWantedOnAServerWithout", adopter(), unchecked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := node(time.Minute, c.d)
			r := mustPlan(t, d, has(c.actual), t0, State{})
			sameOps(t, r, "add "+c.d.Name(), "enable-health "+c.d.Name(), "stage "+c.d.Name())
			if len(r.Waiting) != 1 || r.Waiting[0].Server != "web1" || r.Waiting[0].MemberID != "m7" {
				t.Fatalf("waiting %+v, want web1 (m7) waiting for its replacement", r.Waiting)
			}
			r = mustPlan(t, d, has(c.actual, up(c.d)), t0.Add(time.Second), r.State)
			sameOps(t, r, "drain web1")
			r = mustPlan(t, d, has(draining(c.actual, 0), up(c.d)), t0.Add(2*time.Second), r.State)
			sameOps(t, r, "maint web1", "delete web1")
			r = mustPlan(t, d, has(up(c.d)), t0.Add(3*time.Second), r.State)
			if !r.InSync() || len(r.Released) != 1 || r.Released[0] != (Released{Backend: "be", Server: "web1", MemberID: "m7"}) {
				t.Fatalf("in sync %v, released %+v: want web1 released for m7", r.InSync(), r.Released)
			}
		})
	}
}

// A name of Backend.Adopt (its member gone) leaves, and is released once the node has it no
// more; the other servers of haproxy.cfg stay foreign.
func TestPlanAdoptedNamesLeave(t *testing.T) {
	a := member("m1", "10.0.0.1", 1)
	other := with(static, func(s *haproxy.Server) { s.Name = "web2" })
	d := node(0, a)
	d.Backends[0].Adopt = []string{"web1"}
	r := mustPlan(t, d, has(up(a), static, other), t0, State{})
	sameOps(t, r, "drain web1")
	if len(r.Foreign) != 1 || r.Foreign[0].Server != "web2" || len(r.Released) != 0 {
		t.Fatalf("foreign %+v released %+v: want web2 foreign, nothing released yet", r.Foreign, r.Released)
	}
	if len(r.Leaving) != 1 || r.Leaving[0].Server != "web1" || r.Leaving[0].MemberID != "" {
		t.Fatalf("leaving %+v, want web1, of no member", r.Leaving)
	}
	r = mustPlan(t, d, has(up(a), other), t0, r.State)
	if len(r.Released) != 1 || r.Released[0] != (Released{Backend: "be", Server: "web1"}) {
		t.Fatalf("released %+v, want web1", r.Released)
	}
}

// HAProxy restarted: haproxy.cfg brings the adopted server back beside the replacement lbconsole
// had added. The adopted one fits again: it is the desired server, the other one leaves.
func TestPlanAdoptedServerBackFromHaproxyCfg(t *testing.T) {
	d := adopter()
	r := mustPlan(t, node(0, d), has(static, up(d)), t0, State{})
	sameOps(t, r, "drain "+d.Name())
	if r.Observed[0].Server != "web1" {
		t.Fatalf("observed %+v, want web1 serving m7", r.Observed[0])
	}
}

// An adopted server deleted by hand is drift, like any desired server gone missing: reported
// once, and a server of lbconsole's naming takes its place.
func TestPlanAdoptedServerDeletedByHandIsDrift(t *testing.T) {
	d := adopter()
	r := mustPlan(t, node(0, d), has(static), t0, State{})
	r = mustPlan(t, node(0, d), has(), t0, r.State)
	sameOps(t, r, "add "+d.Name(), "enable-health "+d.Name(), "stage "+d.Name())
	if len(r.Drift) != 1 || r.Drift[0].What != "server missing" || r.Drift[0].MemberID != "m7" {
		t.Fatalf("drift %+v, want m7's server reported missing", r.Drift)
	}
	// Replaced because the desired port changed, it is not drift.
	moved := d
	moved.Port = 8080
	r = mustPlan(t, node(0, d), has(static), t0, State{})
	if r = mustPlan(t, node(0, moved), has(static), t0, r.State); len(r.Drift) != 0 {
		t.Fatalf("drift %+v, want none: the desired state changed", r.Drift)
	}
}
