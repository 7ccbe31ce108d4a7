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
	if a.Name != d.Adopted {
		f.address(d, a) // an adopted server at another address is not d's (see identity)
	}
	f.health(d, a)
	f.weight(d, a, known && applied.Weight == d.Weight)
	f.state(d, a, known && applied.admin() == d.admin())
	p.checkKind(backend, d, a)
	p.fixes = append(p.fixes, f.fixes...)
	switch {
	case len(f.fixes) == 0 && !f.waiting:
		p.res.State.Applied[key] = Applied{Weight: d.Weight, Admin: d.admin()}
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
	waiting bool // staged, waiting for its health check to confirm it
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

// weight sets the desired weight, except on a server meant to be drained: the state drains it
// (see state), and the weight it keeps is harmless until it is wanted back, weight and all.
func (f *fixer) weight(d Server, a haproxy.Server, drift bool) {
	if d.Weight != 0 && a.Weight != d.Weight {
		f.fix(OpWeight, fmt.Sprintf("weight %d, want %d", a.Weight, d.Weight), drift).Weight = d.Weight
	}
}

// state brings the server to its administrative state: maint for one in maintenance, drain for
// one of weight 0 (weight 0 in HAProxy is as good: it takes no new requests either, and that is
// how a server of haproxy.cfg with weight 0 is adopted unchanged), ready otherwise.
func (f *fixer) state(d Server, a haproxy.Server, drift bool) {
	st := a.State()
	switch d.admin() {
	case haproxy.StateMaint:
		if st != haproxy.StateMaint {
			f.fix(OpMaint, "in "+string(st)+", maintenance wanted", drift)
		}
	case haproxy.StateDrain:
		if st != haproxy.StateDrain && (st != haproxy.StateReady || a.Weight != 0) {
			f.fix(OpDrain, "in "+string(st)+", weight 0 wanted", drift)
		}
	default:
		f.ready(a, d.Check != nil && a.HealthConfigured(), drift)
	}
}

// ready brings a server to ready. A server with a health check leaving maintenance (just added,
// or wanted back) goes through drain first (staged), and is made ready once its check has
// confirmed or refuted it: made ready straight out of maintenance, HAProxy would count it up
// whatever its check said, and send it requests until a check fails. From drain, `ready` keeps
// the check's verdict: a server whose check failed stays down.
func (f *fixer) ready(a haproxy.Server, checked, drift bool) {
	switch st := a.State(); {
	case st == haproxy.StateReady:
	case !checked:
		f.fix(OpReady, "in "+string(st), drift)
	case st == haproxy.StateMaint:
		f.fix(OpStage, "in "+string(st), drift)
		f.waitForCheck()
	case !a.Confirmed():
		f.waitForCheck()
	default:
		f.fix(OpReady, "in "+string(st), drift)
	}
}

// waitForCheck records a server waiting, staged, for its health check to confirm it. Made ready
// then, it takes requests if the check passed, and stays down until it passes if not.
func (f *fixer) waitForCheck() {
	f.waiting = true
	f.p.res.Waiting = append(f.p.res.Waiting, Wait{Backend: f.op.Backend, Server: f.op.Server, MemberID: f.op.MemberID,
		Reason: "staged (drain) until its health check confirms it, then ready"})
}
