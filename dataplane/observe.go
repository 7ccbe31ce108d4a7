package dataplane

import "lbconsole/dataplane/haproxy"

// Health is a desired server's health as the console shows it.
type Health string

// The health of a desired server.
const (
	HealthAbsent   Health = "absent"   // not (yet) on the node
	HealthMaint    Health = "maint"    // in maintenance: takes no traffic
	HealthDrain    Health = "drain"    // draining (or weight 0): takes no new requests
	HealthUp       Health = "up"       // its health check passes
	HealthDown     Health = "down"     // its health check fails
	HealthChecking Health = "checking" // health check on, no verdict yet
	HealthNoCheck  Health = "no-check" // no health check: up as far as HAProxy knows
)

// Observed is what the node reports about one desired server: it flows back to the console as
// the member's observed state.
type Observed struct {
	Backend  string
	Server   string // the HAProxy name: Server.Adopted while the adopted server serves, Server.Name() otherwise
	MemberID string
	// Health is what the console shows: maint, drain (or checking, for a server staged until its
	// health check confirms it) before what the health check says.
	Health Health
	// CheckHealth is the health check's own verdict, whatever the administrative state: up,
	// down, checking, no-check, or absent. In maintenance entered by `state maint` the checks
	// are paused, and it is the verdict from before.
	CheckHealth Health
	State       haproxy.State // the administrative state: ready, drain or maint; "" when absent
	Backup      bool
	Status      string // HAProxy's own status text: "UP", "DOWN", "UP 1/3", "MAINT", "DRAIN", "no check"
	CheckStatus string // "L4OK", "L4CON", "L7STS", …
	CheckCode   int    // HTTP status of the latest HTTP check
	CheckDesc   string // "Layer4 connection problem", …
	LastCheck   string // the latest check's detail: "Connection refused", …
	Sessions    int
	SessionRate int
	Weight      int // HAProxy's weight, which a drained server keeps
}

func (p *planner) observe(backend string, d Server, name string, a haproxy.Server, present bool) {
	o := Observed{Backend: backend, Server: name, MemberID: d.ID, Health: HealthAbsent, CheckHealth: HealthAbsent}
	if present {
		o.Health, o.CheckHealth, o.State, o.Backup = health(d, a), verdict(a), a.State(), a.Backup
		o.Status, o.CheckStatus, o.CheckCode, o.CheckDesc, o.LastCheck = a.Status, a.CheckStatus, a.CheckCode, a.CheckDesc, a.LastCheck
		o.Sessions, o.SessionRate, o.Weight = a.Sessions, a.SessionRate, a.Weight
	}
	p.res.Observed = append(p.res.Observed, o)
}

func (p *planner) observeAbsent(be Backend) {
	for _, d := range be.Servers {
		p.observe(be.Name, d, d.Name(), haproxy.Server{}, false)
	}
}

// health is desired server d's health, a being what the node has of it.
func health(d Server, a haproxy.Server) Health {
	switch st := a.State(); {
	case st == haproxy.StateMaint:
		return HealthMaint
	case d.admin() == haproxy.StateReady && st == haproxy.StateDrain && a.HealthEnabled() && !a.Confirmed():
		return HealthChecking // staged
	case st == haproxy.StateDrain || a.Weight == 0:
		return HealthDrain
	}
	return verdict(a)
}

// verdict is what a's health check says.
func verdict(a haproxy.Server) Health {
	switch {
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
