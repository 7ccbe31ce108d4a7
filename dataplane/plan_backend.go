package dataplane

import (
	"strings"

	"lbconsole/dataplane/haproxy"
)

// backend plans one managed backend the node has.
func (p *planner) backend(be Backend, servers []haproxy.Server) {
	actual := make(map[string]haproxy.Server, len(servers))
	for _, s := range servers {
		actual[s.Name] = s
	}
	// owned: the adopted names lbconsole owns here, kept or leaving, and their members.
	owned := make(map[string]string, len(be.Adopt))
	for _, a := range be.Adopt {
		owned[a] = ""
	}
	desired := make(map[string]bool, len(be.Servers))
	// Leaving servers drain once every server meant to serve is on the node, ready and past its
	// first check, and one of them serves: then their traffic has somewhere to go, and a new
	// server takes its share before the one it replaces stops taking it. Servers meant to be
	// drained or in maintenance take no traffic: they are not waited for.
	settled, serving, anyServes := true, false, false
	for _, d := range be.Servers {
		if d.Adopted != "" {
			owned[d.Adopted] = d.ID
		}
		name := identity(d, actual)
		desired[name] = true
		a, ok := actual[name]
		if d.admin() == haproxy.StateReady {
			anyServes = true
			settled = settled && ok && a.State() == haproxy.StateReady && (!a.HealthEnabled() || a.Checked())
			serving = serving || ok && a.Serving()
		}
		p.observe(be.Name, d, name, a, ok)
		if !ok {
			_, adoptedThere := actual[d.Adopted]
			p.add(be.Name, d, d.Adopted != "" && !adoptedThere)
			continue
		}
		p.converge(be.Name, d, a)
	}
	canLand := !anyServes || settled && serving
	for _, s := range servers {
		member, adopted := owned[s.Name]
		if !adopted {
			member, _ = MemberOf(s.Name)
		}
		switch {
		case desired[s.Name]:
		case adopted || strings.HasPrefix(s.Name, Prefix):
			p.leave(be, s, member, canLand)
		default:
			p.res.Foreign = append(p.res.Foreign, Foreign{Backend: be.Name, Server: s.Name,
				Address: s.Address, Port: s.Port, Status: s.Status})
		}
	}
	p.released(be, actual)
}

// identity is the HAProxy name of desired server d: its adopted server's while that one fits
// d, the name lbconsole makes otherwise.
func identity(d Server, actual map[string]haproxy.Server) string {
	if a, ok := actual[d.Adopted]; ok && d.Adopted != "" && adoptedFits(d, a) {
		return d.Adopted
	}
	return d.Name()
}

// adoptedFits reports whether adopted server a can serve as d: what the Runtime API cannot
// change in place matches. Its health check's settings are taken as they are.
func adoptedFits(d Server, a haproxy.Server) bool {
	return a.Address == d.Address && a.Port == d.Port && a.Backup == d.Backup && (d.Check == nil || a.HealthConfigured())
}

// released reports the adopted names of the backend the node does not have: the caller may
// forget them once every node has released them.
func (p *planner) released(be Backend, actual map[string]haproxy.Server) {
	rel := func(name, member string) {
		if _, ok := actual[name]; !ok {
			p.res.Released = append(p.res.Released, Released{Backend: be.Name, Server: name, MemberID: member})
		}
	}
	for _, a := range be.Adopt {
		rel(a, "")
	}
	for _, d := range be.Servers {
		if d.Adopted != "" {
			rel(d.Adopted, d.ID)
		}
	}
}

// add plans a missing desired server. HAProxy 2.6 creates it in maintenance with its check off.
// A server with a health check is then staged (see converge): made ready at once, HAProxy would
// count it up and send it requests before its first check, whether it answers or not. A server
// meant to be drained is drained; one meant for maintenance stays there, its check running.
// adoptedGone says d's adopted server is missing too: if it was seen matching, that is drift.
func (p *planner) add(backend string, d Server, adoptedGone bool) {
	name, key := d.Name(), ServerKey(backend, d.Name())
	op := Operation{Backend: backend, Server: name, MemberID: d.ID}
	// The drift, if any, is reported now; what follows until the server is back is convergence.
	_, drift := p.prev.Applied[key]
	if _, known := p.prev.Applied[ServerKey(backend, d.Adopted)]; adoptedGone && known {
		drift = true
	}
	reason := "missing"
	if drift {
		reason = "missing: deleted by hand, or HAProxy restarted"
		p.drift(op, "server missing")
	}
	add := op
	add.Kind, add.Address, add.Port, add.Weight, add.Check, add.Backup = OpAdd, d.Address, d.Port, d.Weight, d.Check, d.Backup
	p.adds = append(p.adds, p.with(add, reason, drift))
	if d.Check != nil {
		p.adds = append(p.adds, p.with(withKind(op, OpEnableHealth), reason, drift))
	}
	switch {
	case d.admin() == haproxy.StateMaint:
	case d.admin() == haproxy.StateDrain:
		p.adds = append(p.adds, p.with(withKind(op, OpDrain), "weight 0: drained", false))
	case d.Check == nil:
		p.adds = append(p.adds, p.with(withKind(op, OpReady), reason, drift))
	default:
		p.adds = append(p.adds, p.with(withKind(op, OpStage), "staged until its health check confirms it", false))
	}
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
