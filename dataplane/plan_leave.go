package dataplane

import (
	"fmt"
	"time"

	"lbconsole/dataplane/haproxy"
)

// leave plans the next step of a managed server that is not desired. canLand says whether its
// traffic has somewhere to go.
func (p *planner) leave(be Backend, s haproxy.Server, member string, canLand bool) {
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
	deadline := lv.Seen.Add(be.DrainTimeout)
	if !lv.Draining.IsZero() {
		deadline = lv.Draining.Add(be.DrainTimeout)
	}
	p.res.Leaving = append(p.res.Leaving, LeavingServer{Backend: be.Name, Server: s.Name, MemberID: member,
		Address: s.Address, Port: s.Port, State: state, Sessions: s.Sessions, Seen: lv.Seen, Draining: lv.Draining, Deadline: deadline})
	op := Operation{Backend: be.Name, Server: s.Name, MemberID: member}
	wait := Wait{Backend: be.Name, Server: s.Name, MemberID: member, Sessions: s.Sessions}
	timedOut := func(since time.Time) bool { return !since.IsZero() && !p.now.Before(since.Add(be.DrainTimeout)) }

	switch {
	case state == haproxy.StateReady && (canLand || !s.Serving() || timedOut(lv.Seen)):
		p.drains = append(p.drains, p.with(withKind(op, OpDrain), "not desired", false))
	case state == haproxy.StateReady:
		wait.Reason, wait.Until = "waiting for a desired server to serve before draining", deadline
		p.res.Waiting = append(p.res.Waiting, wait)
	case s.Sessions == 0:
		p.remove(op, state, false, "drained")
	case timedOut(lv.Draining):
		p.remove(op, state, true, fmt.Sprintf("drain timeout %v passed with %d sessions", be.DrainTimeout, s.Sessions))
	default:
		wait.Reason = fmt.Sprintf("%s: %d sessions left", state, s.Sessions)
		wait.Until = deadline
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
