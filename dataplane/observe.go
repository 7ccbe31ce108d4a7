package dataplane

import "lbconsole/dataplane/haproxy"

// Health is a desired server's health as the console shows it.
type Health string

// The health of a desired server.
const (
	HealthAbsent   Health = "absent"   // not (yet) on the node
	HealthMaint    Health = "maint"    // in maintenance: takes no traffic
	HealthDrain    Health = "drain"    // draining: takes no new requests
	HealthUp       Health = "up"       // its health check passes
	HealthDown     Health = "down"     // its health check fails
	HealthChecking Health = "checking" // health check on, no verdict yet
	HealthNoCheck  Health = "no-check" // no health check: up as far as HAProxy knows
)

// Observed is what the node reports about one desired server: it flows back to the console as
// the member's observed state.
type Observed struct {
	Backend     string
	Server      string
	MemberID    string
	Health      Health
	Status      string // HAProxy's own status text: "UP", "DOWN", "UP 1/3", "MAINT", "DRAIN", "no check"
	CheckStatus string // "L4OK", "L4CON", "L7STS", …
	CheckCode   int    // HTTP status of the latest HTTP check
	CheckDesc   string // "Layer4 connection problem", …
	LastCheck   string // the latest check's detail: "Connection refused", …
	Sessions    int
	SessionRate int
	Weight      int
}

func (p *planner) observe(backend string, d Server, a haproxy.Server, present bool) {
	o := Observed{Backend: backend, Server: d.Name(), MemberID: d.ID, Health: HealthAbsent}
	if present {
		o.Health = health(a)
		o.Status, o.CheckStatus, o.CheckCode, o.CheckDesc, o.LastCheck = a.Status, a.CheckStatus, a.CheckCode, a.CheckDesc, a.LastCheck
		o.Sessions, o.SessionRate, o.Weight = a.Sessions, a.SessionRate, a.Weight
	}
	p.res.Observed = append(p.res.Observed, o)
}

func (p *planner) observeAbsent(be Backend) {
	for _, d := range be.Servers {
		p.observe(be.Name, d, haproxy.Server{}, false)
	}
}

func health(a haproxy.Server) Health {
	switch {
	case a.State() == haproxy.StateMaint:
		return HealthMaint
	case a.State() == haproxy.StateDrain && a.HealthEnabled() && !a.Checked():
		return HealthChecking // staged, new
	case a.State() == haproxy.StateDrain:
		return HealthDrain
	case !a.HealthEnabled():
		return HealthNoCheck
	case !a.Checked():
		return HealthChecking
	case a.Op == haproxy.OpStopped:
		return HealthDown
	}
	// Up, even after a failed check or two: HAProxy marks it down after `fall` of them, and
	// Status says "UP 1/3" meanwhile.
	return HealthUp
}
