package db

import (
	"context"
	"time"

	"lbconsole/dataplane"
	"lbconsole/lb"
)

// GroupDataPlane is how a group is driven, as the pages and the APIs need to know it.
type GroupDataPlane struct {
	Backend      string
	DefaultPort  int // the port of a default server list's members; 0 when none is set
	DrainTimeout time.Duration
	// Nodes counts the HAProxy nodes bound to the group's load balancer; none means the load
	// balancer is a record only, and nothing observes its members.
	Nodes int
}

// RecordOnly reports whether no HAProxy node carries the group's traffic.
func (g GroupDataPlane) RecordOnly() bool { return g.Nodes == 0 }

// GroupDataPlane returns how the group is driven: its backend, ports, drain timeout and how
// many nodes its load balancer has.
func (d *DB) GroupDataPlane(ctx context.Context, groupID string) (GroupDataPlane, error) {
	missing := lb.Errorf(lb.KindNotFound, lb.FieldGroup, "group %s does not exist", lb.Clip(groupID))
	return queryOne(ctx, d.read, "the data plane of group "+groupID, missing, func(g *GroupDataPlane) []any {
		return []any{&g.Backend, &g.DefaultPort, (*nanoseconds)(&g.DrainTimeout), &g.Nodes}
	}, `SELECT g.backend, coalesce(g.default_port, 0), g.drain_timeout_ns,
		(SELECT count(*) FROM dataplane_nodes n WHERE n.lb_id = g.lb_id) FROM groups g WHERE g.id = ?`, groupID)
}

// MemberOperatingStatus is member m's operating_status for the REST API: what the nodes of its
// load balancer observed of it while they could be read (h, the worst of them), or, with no
// such observation (a record-only load balancer, a node not read yet or unreachable), what its
// settings mean: OFFLINE in maintenance, DRAINING at weight 0, NO_MONITOR ("status unknown")
// otherwise.
func MemberOperatingStatus(m lb.Member, h MemberHealth) dataplane.OperatingStatus {
	if fresh := h.Fresh(); len(fresh) > 0 {
		return dataplane.OperatingStatusOf(fresh)
	}
	switch {
	case m.Maintenance:
		return dataplane.OperatingOffline
	case m.Weight == 0:
		return dataplane.OperatingDraining
	}
	return dataplane.OperatingNoMonitor
}

// nanoseconds scans a stored count of nanoseconds into a time.Duration.
type nanoseconds time.Duration

// Scan reads an integer count of nanoseconds.
func (n *nanoseconds) Scan(v any) error {
	i, _ := v.(int64)
	*n = nanoseconds(i)
	return nil
}
