package dataplane

import (
	"fmt"

	"lbconsole/dataplane/haproxy"
)

// converge plans the corrections of a desired server the node has.
func (p *planner) converge(backend string, d Server, a haproxy.Server) {
	key := ServerKey(backend, a.Name)
	applied, known := p.prev.Applied[key]
	f := &fixer{p: p, known: known, op: Operation{Backend: backend, Server: a.Name, MemberID: d.ID}}
	f.address(d, a)
	f.health(d, a)
	f.weight(d, a, known && applied.Weight == d.Weight)
	f.state(d, a)
	p.checkKind(backend, d, a)
	p.fixes = append(p.fixes, f.fixes...)
	switch {
	case len(f.fixes) == 0 && !f.waiting:
		p.res.State.Applied[key] = Applied{Weight: d.Weight}
	case known:
		p.res.State.Applied[key] = applied
	}
}

// fixer collects the corrections of one desired server.
type fixer struct {
	p       *planner
	op      Operation
	known   bool // the server was seen matching its desired state: a difference now is drift
	fixes   []Operation
	waiting bool // staged, waiting for its first health check
}

func (f *fixer) fix(kind OpKind, reason string, drift bool) *Operation {
	o := f.p.with(withKind(f.op, kind), reason, drift)
	if drift {
		f.p.drift(o, reason)
	}
	f.fixes = append(f.fixes, o)
	return &f.fixes[len(f.fixes)-1]
}

func (f *fixer) address(d Server, a haproxy.Server) {
	if a.Address == d.Address && a.Port == d.Port {
		return
	}
	// The name pins the address: a different one was set by hand.
	o := f.fix(OpAddr, fmt.Sprintf("address changed by hand to %s:%d", a.Address, a.Port), true)
	o.Address, o.Port = d.Address, d.Port
}

func (f *fixer) health(d Server, a haproxy.Server) {
	switch {
	case d.Check != nil && !a.HealthConfigured():
		f.p.problem(f.op.Backend, a.Name, "created without a health check, which the Runtime API cannot add: delete it by hand and lbconsole will add it anew")
	case d.Check != nil && !a.HealthEnabled():
		f.fix(OpEnableHealth, "health check off", f.known)
	case d.Check == nil && a.HealthEnabled():
		f.fix(OpDisableHealth, "health check on, none desired", f.known)
	}
}

func (f *fixer) weight(d Server, a haproxy.Server, drift bool) {
	if a.Weight != d.Weight {
		f.fix(OpWeight, fmt.Sprintf("weight %d, want %d", a.Weight, d.Weight), drift).Weight = d.Weight
	}
}

// state brings the server to ready. A server with a health check that was just added goes
// through drain first (staged): made ready straight out of maintenance, HAProxy would count it
// up before its first check. Checks of a server added at runtime run in maintenance; those of a
// server put in maintenance (by hand) are paused, which tells the two apart.
func (f *fixer) state(d Server, a haproxy.Server) {
	switch st := a.State(); {
	case st == haproxy.StateReady:
	case d.Check == nil:
		f.fix(OpReady, "in "+string(st), f.known)
	case st == haproxy.StateMaint && a.Check&haproxy.CheckPaused == 0:
		f.fix(OpStage, "staged until its first health check", false)
		f.waitForCheck()
	case st == haproxy.StateDrain && !a.Checked():
		f.waitForCheck()
	default:
		f.fix(OpReady, "in "+string(st), f.known)
	}
}

// waitForCheck records a new server waiting, staged, for its first health check. Made ready
// then, it takes requests if the check passed, and stays down until it passes if not.
func (f *fixer) waitForCheck() {
	f.waiting = true
	f.p.res.Waiting = append(f.p.res.Waiting, Wait{Backend: f.op.Backend, Server: f.op.Server, MemberID: f.op.MemberID,
		Reason: "staged (drain) until its first health check, then ready"})
}
