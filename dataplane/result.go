package dataplane

import (
	"time"

	"lbconsole/dataplane/haproxy"
)

// BackendResult says whether one desired backend has converged on the node: the node has it,
// and nothing is to be done, waited for, or beyond reach there (no operation, no Wait, no
// Problem). Version and Owner are the desired Backend's, echoed: "node N runs version V of the
// backend as O has it". Health is not part of it: a converged backend may have servers whose
// checks fail.
type BackendResult struct {
	Name      string
	Version   int64
	Converged bool
	Owner     string
}

// LeavingServer is a managed server on its way out of a backend: no longer desired (its member
// removed, or replaced by a server of another name), waiting for a server that serves, then
// draining, then deleted.
type LeavingServer struct {
	Backend  string
	Server   string
	MemberID string // "" for an adopted server whose member is no longer desired
	Address  string // where it is, as the node has it: what people know it by
	Port     int
	State    haproxy.State // ready (not drained yet), drain, or maint (being deleted)
	Sessions int
	Seen     time.Time // first pass that found it undesired
	Draining time.Time // first pass that found it draining or in maintenance; zero before
	// Deadline is when it is drained at the latest while it is ready (Seen + DrainTimeout), and
	// when its remaining sessions are cut once it drains (Draining + DrainTimeout).
	Deadline time.Time
}

// Released is an adopted name (in Backend.Adopt, or a Server.Adopted) that the node does not
// have, or no longer has: it was deleted, by this pass or earlier, or never was there. A
// Report also lists those its pass deleted.
type Released struct {
	Backend  string
	Server   string
	MemberID string // the member whose Server.Adopted it is; "" for a name of Backend.Adopt
}
