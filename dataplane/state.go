package dataplane

import (
	"time"

	"lbconsole/dataplane/haproxy"
)

// State is what a node's reconciler carries from one pass to the next. Plan derives the next
// State from the previous one and from what it observes, never from what it merely intended, so
// a State saved before the operations run is right whether or not they succeed. The caller
// persists it (it is plain JSON) in the database, so that it survives a restart and is shared
// by console replicas.
//
// Losing it is safe: a draining server's clock restarts (it waits longer, never shorter), and
// changes made by hand since are corrected as convergence instead of being reported as drift.
type State struct {
	// Leaving holds, for each managed server that is no longer desired, when it was first seen
	// so and when it was first seen draining (or in maintenance). Key: ServerKey.
	Leaving map[string]Leaving `json:"leaving,omitempty"`
	// Applied holds, for each desired server, the settings it was last seen to match. A server
	// that matched its desired settings and then stopped matching them while they stayed the same
	// was changed behind lbconsole's back: that is drift. Key: ServerKey.
	Applied map[string]Applied `json:"applied,omitempty"`
}

// Leaving is the clock of one leaving server.
type Leaving struct {
	Seen     time.Time `json:"seen"`              // first pass that found it undesired
	Draining time.Time `json:"draining,omitzero"` // first pass that found it draining or in maintenance
}

// Applied is what a desired server was last seen to match. Address, port, backup flag and
// health check are part of the server's name, so weight and administrative state are what can
// change under the same name.
type Applied struct {
	Weight int `json:"weight"`
	// Admin is the administrative state it matched: drain for a server of weight 0, maint for
	// one in maintenance; "" (a State saved before Admin existed) means ready.
	Admin haproxy.State `json:"admin,omitempty"`
}

// admin is a's administrative state, "" read as ready.
func (a Applied) admin() haproxy.State {
	if a.Admin == "" {
		return haproxy.StateReady
	}
	return a.Admin
}

// ServerKey identifies a server within a node: "backend/server".
func ServerKey(backend, server string) string { return backend + "/" + server }

func newState() State {
	return State{Leaving: map[string]Leaving{}, Applied: map[string]Applied{}}
}
