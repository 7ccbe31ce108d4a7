package dataplane

import (
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
)

// observedAs is the Observed of a desired server (desired) that HAProxy has as a (present).
func observedAs(d Server, a haproxy.Server, present bool) Observed {
	p := planner{}
	p.observe("be", d, a.Name, a, present)
	return p.res.Observed[0]
}

func TestAPIStatusesOfOneNode(t *testing.T) {
	d := member("m1", "10.0.0.1", 5)
	noCheck := Server{ID: "m2", Address: "10.0.0.2", Port: 80, Weight: 1}
	down := with(up(d), func(s *haproxy.Server) { s.Op, s.Status, s.CheckStatus = haproxy.OpStopped, "DOWN", "L4CON" })
	cases := []struct {
		name   string
		d      Server
		a      haproxy.Server
		absent bool
		slb    SLBHealth
		octa   OperatingStatus
	}{
		{"Up", d, up(d), false, SLBNormal, OperatingOnline},
		{"Down", d, down, false, SLBAbnormal, OperatingError},
		{"NoCheck", noCheck, up(noCheck), false, SLBUnavailable, OperatingNoMonitor},
		{"FirstCheckPending", d, with(up(d), func(s *haproxy.Server) { s.CheckStatus = "INI" }), false, SLBUnavailable, OperatingOffline},
		{"Staged", d, with(draining(up(d), 0), func(s *haproxy.Server) { s.CheckStatus = "INI" }), false, SLBUnavailable, OperatingOffline},
		{"NotOnTheNode", d, haproxy.Server{}, true, SLBUnavailable, OperatingOffline},
		{"DrainedUp", drained(d), draining(up(d), 2), false, SLBNormal, OperatingDraining},
		{"DrainedDown", drained(d), draining(down, 0), false, SLBAbnormal, OperatingDraining},
		{"WeightZero", drained(d), with(up(d), func(s *haproxy.Server) { s.Weight = 0 }), false, SLBNormal, OperatingDraining},
		{"Maintenance", inMaint(d), with(up(d), func(s *haproxy.Server) { s.Admin = haproxy.AdminForcedMaint }), false, SLBUnavailable, OperatingOffline},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := observedAs(c.d, c.a, !c.absent)
			if got := o.SLBHealth(); got != c.slb {
				t.Errorf("SLBHealth = %s, want %s (%+v)", got, c.slb, o)
			}
			if got := o.OperatingStatus(); got != c.octa {
				t.Errorf("OperatingStatus = %s, want %s (%+v)", got, c.octa, o)
			}
		})
	}
}

// A member served by several nodes shows the worst of them.
func TestAPIStatusesAcrossNodes(t *testing.T) {
	of := func(h, check Health) Observed { return Observed{Health: h, CheckHealth: check} }
	up, down, absent := of(HealthUp, HealthUp), of(HealthDown, HealthDown), of(HealthAbsent, HealthAbsent)
	drain, noCheck := of(HealthDrain, HealthUp), of(HealthNoCheck, HealthNoCheck)
	slb := []struct {
		obs  []Observed
		want SLBHealth
	}{
		{nil, SLBUnavailable},
		{[]Observed{up, up}, SLBNormal},
		{[]Observed{up, absent}, SLBUnavailable},
		{[]Observed{absent, down, up}, SLBAbnormal},
		{[]Observed{drain, up}, SLBNormal},
	}
	for _, c := range slb {
		if got := SLBHealthOf(c.obs); got != c.want {
			t.Errorf("SLBHealthOf(%+v) = %s, want %s", c.obs, got, c.want)
		}
	}
	octa := []struct {
		obs  []Observed
		want OperatingStatus
	}{
		{nil, OperatingNoMonitor},
		{[]Observed{up, up}, OperatingOnline},
		{[]Observed{up, noCheck}, OperatingNoMonitor},
		{[]Observed{up, drain}, OperatingDraining},
		{[]Observed{drain, absent}, OperatingOffline},
		{[]Observed{absent, down, drain}, OperatingError},
	}
	for _, c := range octa {
		if got := OperatingStatusOf(c.obs); got != c.want {
			t.Errorf("OperatingStatusOf(%+v) = %s, want %s", c.obs, got, c.want)
		}
	}
}

func TestLeavingServerDescribe(t *testing.T) {
	l := LeavingServer{State: haproxy.StateDrain, Sessions: 3, Deadline: t0.Add(12 * time.Second)}
	cases := []struct {
		l    LeavingServer
		now  time.Time
		want string
	}{
		{l, t0, "draining: 3 sessions, 12 s left"},
		{l, t0.Add(11500 * time.Millisecond), "draining: 3 sessions, 1 s left"},
		{with2(l, func(l *LeavingServer) { l.Sessions = 1 }), t0.Add(12 * time.Second), "draining: 1 session, timeout passed"},
		{with2(l, func(l *LeavingServer) { l.State = haproxy.StateMaint }), t0, "draining: 3 sessions, 12 s left"},
		{with2(l, func(l *LeavingServer) { l.Sessions = 0 }), t0, "removing"},
		{with2(l, func(l *LeavingServer) { l.State = haproxy.StateReady }), t0, "waiting for a replacement to serve, at most 12 s"},
	}
	for _, c := range cases {
		if got := c.l.Describe(c.now); got != c.want {
			t.Errorf("Describe(%+v) = %q, want %q", c.l, got, c.want)
		}
	}
}

func with2[T any](v T, f func(*T)) T {
	f(&v)
	return v
}
