// Package controller runs the data plane of a console: one dataplane.Reconciler per HAProxy node
// of every load balancer that has a data plane, each reading its desired state from the store
// and keeping its State and what it finds there.
//
// The set of nodes follows the store: read at start, again every interval and whenever the
// store says a commit may have bound or unbound one (db.ChangeListener), so a fleet apply or
// an admin's edit takes effect without a restart. Each reconciler makes a pass at start, every
// interval, and right after each commit that changes its load balancer's groups or members.
// Everything a pass finds is written through db.RecordPass; nothing that matters lives only in
// memory, so a console killed at any moment converges after it starts again.
//
// The package imports the store and the data plane, never the handlers: the console's
// /metrics serves the collectors of Metrics, registered by the command that wires both.
package controller
