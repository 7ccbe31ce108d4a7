package dataplane

import (
	"fmt"
	"strings"
	"time"

	"lbconsole/dataplane/haproxy"
)

// Actual is what a node has: for every backend it has that Desired names, its servers.
// A desired backend missing from Backends does not exist on the node.
type Actual struct {
	Backends map[string][]haproxy.Server
}

// OpKind is what an Operation does.
type OpKind string

// The operations, in the Runtime API's terms.
const (
	OpAdd           OpKind = "add"            // add server (created in maintenance)
	OpEnableHealth  OpKind = "enable-health"  // enable health
	OpDisableHealth OpKind = "disable-health" // disable health
	OpStage         OpKind = "stage"          // set server … state drain, for a new server: out of maintenance, no requests yet
	OpReady         OpKind = "ready"          // set server … state ready
	OpWeight        OpKind = "weight"         // set server … weight
	OpAddr          OpKind = "addr"           // set server … addr … port …
	OpDrain         OpKind = "drain"          // set server … state drain
	OpMaint         OpKind = "maint"          // set server … state maint
	OpShutdown      OpKind = "shutdown"       // shutdown sessions server …
	OpDelete        OpKind = "delete"         // del server
)

// Operation is one Runtime API change to one server. Operations on the same server run in the
// order given and each depends on the ones before it; operations on different servers are
// independent.
type Operation struct {
	Kind     OpKind
	Backend  string
	Server   string // the HAProxy server name
	MemberID string // the member it serves, "" if not known (an adopted server no longer desired)
	Address  string // OpAdd, OpAddr
	Port     int    // OpAdd, OpAddr
	Weight   int    // OpAdd, OpWeight
	Check    *Check // OpAdd
	Backup   bool   // OpAdd
	Reason   string // why, in words
	Drift    bool   // it undoes a change made outside lbconsole
}

// String is the operation as a log line: "weight web/lbc-… (weight 9, want 5)".
func (o Operation) String() string {
	return fmt.Sprintf("%s %s (%s)", o.Kind, ServerKey(o.Backend, o.Server), o.Reason)
}

// Wait is a leaving server that has to wait before its next step.
type Wait struct {
	Backend  string
	Server   string
	MemberID string
	Reason   string
	Sessions int
	Until    time.Time // when the wait ends at the latest (the drain timeout); zero if not yet known
}

// Drift is a difference between a node and the desired state that lbconsole did not make: a
// server that was in its desired state and no longer is, while its desired state did not change.
type Drift struct {
	Backend  string
	Server   string
	MemberID string
	What     string
}

// Foreign is a server in a managed backend that lbconsole does not own: reported, never touched.
type Foreign struct {
	Backend string
	Server  string
	Address string
	Port    int
	Status  string
}

// Problem is something the reconciler cannot correct through the Runtime API; it needs a
// person (usually haproxy.cfg).
type Problem struct {
	Backend string
	Server  string // "" for the backend as a whole
	Message string
}

// Result is a pass's plan: the operations to run, what waits and why, what was found.
type Result struct {
	Ops      []Operation
	Waiting  []Wait
	Drift    []Drift
	Foreign  []Foreign
	Problems []Problem
	Observed []Observed // one per desired server, in the order of Desired
	// Leaving lists the managed servers on their way out, with their drain clocks.
	Leaving []LeavingServer
	// Released lists the adopted names (Backend.Adopt, Server.Adopted) the node does not have.
	Released []Released
	// Backends says, for each desired backend in order, whether it has converged.
	Backends []BackendResult
	// State is the next State, to persist before running Ops.
	State State
}

// InSync reports whether the node matches the desired state: nothing to do, nothing waiting,
// nothing wrong.
func (r Result) InSync() bool { return len(r.Ops) == 0 && len(r.Waiting) == 0 && len(r.Problems) == 0 }

// Plan compares a node's desired and actual state and returns the operations that bring the
// actual one step closer, with the next State. It is a pure function of its arguments.
//
// Rules, for each backend named in desired that the node has:
//   - Ownership: a desired server's HAProxy name is its Adopted server's while that one fits it
//     (address, port, backup flag, a check configured if one is desired), Server.Name
//     otherwise. Any other server whose name starts with Prefix, is in Backend.Adopt, or is an
//     Adopted name that does not fit, is managed but leaving; everything else is Foreign and
//     left alone.
//   - A missing desired server is added: add, then ready if it has no health check; if it has
//     one, enable health and stage it (drain: out of maintenance, its check runs and counts, it
//     takes no request), and make it ready in a later pass, once its check has confirmed or
//     refuted it. One of weight 0 is drained instead, one in Maintenance stays in maintenance.
//     A desired server that differs is corrected: address, health check on or off, weight,
//     state (ready, or drain for weight 0, or maint for Maintenance; out of maintenance through
//     the same staging as a new server).
//   - A leaving server is drained only once every desired server meant to serve (weight above
//     0, not in maintenance) is on the node, ready and past its first health check, and one of
//     them serves (ready, up, weight > 0, its check passed); or once the backend has no server
//     meant to serve; or if the leaving server itself serves nothing; or after it has waited
//     DrainTimeout. So new servers take their share of traffic before the servers they replace
//     stop taking theirs.
//   - A draining server is put in maintenance and deleted once it has no sessions, or once it
//     has drained for DrainTimeout (its sessions are then cut). One found in maintenance is
//     deleted under the same rule.
//
// Plan is idempotent: once its operations are applied, planning again yields none of them
// again, only the next step of servers on their way out, which waits on sessions or time; and
// once the node matches, nothing. It never plans on a backend desired does not name, and
// refuses an invalid desired state.
func Plan(desired Desired, actual Actual, now time.Time, prev State) (Result, error) {
	if err := desired.Validate(); err != nil {
		return Result{}, err
	}
	p := planner{now: now, prev: prev, res: Result{State: newState()}}
	for _, be := range desired.Backends {
		before := p.pending()
		servers, ok := actual.Backends[be.Name]
		if ok {
			p.backend(be, servers)
		} else {
			p.res.Problems = append(p.res.Problems, Problem{Backend: be.Name,
				Message: "the node has no backend " + be.Name + ": add it to haproxy.cfg (the Runtime API cannot create backends)"})
			p.observeAbsent(be)
			p.keepState(be.Name)
		}
		p.res.Backends = append(p.res.Backends, BackendResult{Name: be.Name, Version: be.Version,
			Converged: ok && p.pending() == before, Owner: be.Owner})
	}
	p.res.Ops = p.ordered()
	return p.res, nil
}

// pending counts what the plan has to do or wait for so far, or cannot do.
func (p *planner) pending() int {
	return len(p.adds) + len(p.fixes) + len(p.drains) + len(p.removals) + len(p.res.Waiting) + len(p.res.Problems)
}

// planner accumulates one Plan. Operations go to four buckets, run in this order: adds, then
// corrections, then drains, then removals; a server's own operations keep their order.
type planner struct {
	now  time.Time
	prev State
	res  Result

	adds, fixes, drains, removals []Operation
}

// keepState carries a backend's State over unchanged: what cannot be seen is not forgotten.
func (p *planner) keepState(backend string) {
	prefix := ServerKey(backend, "")
	for k, v := range p.prev.Leaving {
		if strings.HasPrefix(k, prefix) {
			p.res.State.Leaving[k] = v
		}
	}
	for k, v := range p.prev.Applied {
		if strings.HasPrefix(k, prefix) {
			p.res.State.Applied[k] = v
		}
	}
}

func (p *planner) ordered() []Operation {
	var ops []Operation
	for _, b := range [][]Operation{p.adds, p.fixes, p.drains, p.removals} {
		ops = append(ops, b...)
	}
	return ops
}
