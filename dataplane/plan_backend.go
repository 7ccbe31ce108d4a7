package dataplane

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lbconsole/dataplane/haproxy"
)

// backend plans one managed backend the node has.
func (p *planner) backend(be Backend, servers []haproxy.Server) {
	actual := make(map[string]haproxy.Server, len(servers))
	for _, s := range servers {
		actual[s.Name] = s
	}
	desired := make(map[string]bool, len(be.Servers))
	// Leaving servers drain once every desired server is on the node, ready and past its first
	// check, and one of them serves: then their traffic has somewhere to go, and a new server
	// takes its share before the one it replaces stops taking it.
	settled, serving := true, false
	for _, d := range be.Servers {
		name := d.Name()
		desired[name] = true
		a, ok := actual[name]
		settled = settled && ok && a.State() == haproxy.StateReady && health(a) != HealthChecking
		serving = serving || ok && a.Serving()
		p.observe(be.Name, d, a, ok)
		if !ok {
			p.add(be.Name, d)
			continue
		}
		p.converge(be.Name, d, a)
	}
	for _, s := range servers {
		switch {
		case desired[s.Name]:
		case strings.HasPrefix(s.Name, Prefix) || slices.Contains(be.Adopt, s.Name):
			p.leave(be, s, len(be.Servers) == 0 || settled && serving)
		default:
			p.res.Foreign = append(p.res.Foreign, Foreign{Backend: be.Name, Server: s.Name,
				Address: s.Address, Port: s.Port, Status: s.Status})
		}
	}
}

// add plans a missing desired server. HAProxy 2.6 creates it in maintenance with its check off.
// A server with a health check is then staged (see converge): made ready at once, HAProxy would
// count it up and send it requests before its first check, whether it answers or not.
func (p *planner) add(backend string, d Server) {
	name, key := d.Name(), ServerKey(backend, d.Name())
	op := Operation{Backend: backend, Server: name, MemberID: d.ID}
	// The drift, if any, is reported now; what follows until the server is back is convergence.
	_, drift := p.prev.Applied[key]
	reason := "missing"
	if drift {
		reason = "missing: deleted by hand, or HAProxy restarted"
		p.drift(op, "server missing")
	}
	add := op
	add.Kind, add.Address, add.Port, add.Weight, add.Check = OpAdd, d.Address, d.Port, d.Weight, d.Check
	p.adds = append(p.adds, p.with(add, reason, drift))
	if d.Check == nil {
		p.adds = append(p.adds, p.with(withKind(op, OpReady), reason, drift))
		return
	}
	p.adds = append(p.adds, p.with(withKind(op, OpEnableHealth), reason, drift),
		p.with(withKind(op, OpStage), "staged until its first health check", false))
}

// checkKind reports a check whose kind differs from the desired one: the kind is the backend's
// (option httpchk), which the Runtime API cannot change.
func (p *planner) checkKind(backend string, d Server, a haproxy.Server) {
	if d.Check == nil || !a.HealthEnabled() {
		return
	}
	layer7 := strings.HasPrefix(a.CheckStatus, "L7")
	passedBelow7 := a.CheckStatus == "L4OK" || a.CheckStatus == "L6OK"
	switch {
	case d.Check.Type == CheckHTTP && passedBelow7:
		p.problem(backend, a.Name, "HTTP health check wanted, but the backend checks by TCP: add `option httpchk GET "+d.Check.Path+"` to it in haproxy.cfg")
	case d.Check.Type == CheckTCP && layer7:
		p.problem(backend, a.Name, "TCP health check wanted, but the backend checks over HTTP (option httpchk in haproxy.cfg)")
	}
}

// leave plans the next step of a managed server that is not desired. canLand says whether its
// traffic has somewhere to go.
func (p *planner) leave(be Backend, s haproxy.Server, canLand bool) {
	key := ServerKey(be.Name, s.Name)
	lv, ok := p.prev.Leaving[key]
	if !ok {
		lv = Leaving{Seen: p.now}
	}
	state := s.State()
	if state != haproxy.StateReady && lv.Draining.IsZero() {
		lv.Draining = p.now
	}
	p.res.State.Leaving[key] = lv
	member, _ := MemberOf(s.Name)
	op := Operation{Backend: be.Name, Server: s.Name, MemberID: member}
	wait := Wait{Backend: be.Name, Server: s.Name, MemberID: member, Sessions: s.Sessions}
	timedOut := func(since time.Time) bool { return !since.IsZero() && !p.now.Before(since.Add(be.DrainTimeout)) }

	switch {
	case state == haproxy.StateReady && (canLand || !s.Serving() || timedOut(lv.Seen)):
		p.drains = append(p.drains, p.with(withKind(op, OpDrain), "not desired", false))
	case state == haproxy.StateReady:
		wait.Reason, wait.Until = "waiting for a desired server to serve before draining", lv.Seen.Add(be.DrainTimeout)
		p.res.Waiting = append(p.res.Waiting, wait)
	case s.Sessions == 0:
		p.remove(op, state, false, "drained")
	case timedOut(lv.Draining):
		p.remove(op, state, true, fmt.Sprintf("drain timeout %v passed with %d sessions", be.DrainTimeout, s.Sessions))
	default:
		wait.Reason = fmt.Sprintf("%s: %d sessions left", state, s.Sessions)
		wait.Until = lv.Draining.Add(be.DrainTimeout)
		p.res.Waiting = append(p.res.Waiting, wait)
	}
}

// remove puts a drained server in maintenance (HAProxy deletes only those), cuts the sessions
// it has left if cut (HAProxy deletes none with connections), and deletes it.
func (p *planner) remove(op Operation, state haproxy.State, cut bool, reason string) {
	if state != haproxy.StateMaint {
		p.removals = append(p.removals, p.with(withKind(op, OpMaint), reason, false))
	}
	if cut {
		p.removals = append(p.removals, p.with(withKind(op, OpShutdown), reason, false))
	}
	p.removals = append(p.removals, p.with(withKind(op, OpDelete), reason, false))
}

func (p *planner) drift(o Operation, what string) {
	p.res.Drift = append(p.res.Drift, Drift{Backend: o.Backend, Server: o.Server, MemberID: o.MemberID, What: what})
}

func (p *planner) problem(backend, server, msg string) {
	p.res.Problems = append(p.res.Problems, Problem{Backend: backend, Server: server, Message: msg})
}

func (p *planner) with(o Operation, reason string, drift bool) Operation {
	o.Reason, o.Drift = reason, drift
	return o
}

func withKind(o Operation, k OpKind) Operation {
	o.Kind = k
	return o
}
