package db

import (
	"context"
	"time"

	"lbconsole/dataplane"
)

// The reads of what the data plane's reconcilers found, for the pages and the APIs. Only nodes
// still bound (dataplane_nodes) are shown; a load balancer without nodes has nothing to show.

// NodeStatus is how a node's reconciler last found it.
type NodeStatus struct {
	Node
	// Status is the last pass's (in-sync, converging, drift-corrected, unreachable, held), or
	// "" when no pass has been recorded yet.
	Status  dataplane.Status
	Pending int // operations that failed plus servers waiting (a drain, a replacement)
	// Error is why the pass did nothing (unreachable, held), or its first failed operation, or
	// what needs a person (a backend missing from haproxy.cfg).
	Error string
	// UnreachableSince is the first pass of the current run of unreachable ones; zero otherwise.
	UnreachableSince time.Time
	// InSyncSince is the first pass of the current run of in-sync ones; zero otherwise.
	InSyncSince      time.Time
	DriftCorrectedAt time.Time // the last pass that corrected drift; zero if none ever did
	LastPass         time.Time
	PassDuration     time.Duration
}

// Fresh reports whether what the node's last pass observed can be believed now: the pass read
// the node and the desired state.
func (s NodeStatus) Fresh() bool {
	return s.Status != "" && s.Status != dataplane.StatusUnreachable && s.Status != dataplane.StatusHeld
}

const nodeStatusColumns = `n.lb_id, n.runtime_api, coalesce(s.status, ''), coalesce(s.pending, 0), coalesce(s.last_error, ''),
	coalesce(s.unreachable_since, ''), coalesce(s.in_sync_since, ''), coalesce(s.drift_corrected_at, ''), coalesce(s.last_pass, ''),
	coalesce(s.pass_us, 0)`

func nodeStatusDest(s *NodeStatus) []any {
	return []any{&s.LoadBalancerID, &s.RuntimeAPI, &s.Status, &s.Pending, &s.Error, (*timeText)(&s.UnreachableSince),
		(*timeText)(&s.InSyncSince), (*timeText)(&s.DriftCorrectedAt), (*timeText)(&s.LastPass), (*microseconds)(&s.PassDuration)}
}

// NodeStatuses returns the status of every node of a load balancer, in the fleet file's order;
// none for a load balancer without a data plane.
func (d *DB) NodeStatuses(ctx context.Context, lbID string) ([]NodeStatus, error) {
	return queryAll(ctx, d.read, "the nodes of "+lbID, nodeStatusDest, `SELECT `+nodeStatusColumns+` FROM dataplane_nodes n
		LEFT JOIN dataplane_node_status s ON s.lb_id = n.lb_id AND s.runtime_api = n.runtime_api
		WHERE n.lb_id = ? ORDER BY n.position`, lbID)
}

// NodeObservation is what one node last observed of one member.
type NodeObservation struct {
	Node       NodeStatus // the node, and how its last pass ended
	Observed   dataplane.Observed
	ObservedAt time.Time
}

// Fresh reports whether the observation is from a pass that read the node: an unreachable
// node's last observation is history, not health.
func (o NodeObservation) Fresh() bool { return o.Node.Fresh() && !o.ObservedAt.Before(o.Node.LastPass) }

// MemberHealth is what the nodes of its load balancer observed of one member.
type MemberHealth struct {
	MemberID string
	Nodes    []NodeObservation // in the nodes' order
}

// Fresh returns the fresh observations, for dataplane.SLBHealthOf and OperatingStatusOf.
func (h MemberHealth) Fresh() []dataplane.Observed {
	var out []dataplane.Observed
	for _, o := range h.Nodes {
		if o.Fresh() {
			out = append(out, o.Observed)
		}
	}
	return out
}

// SLBHealth is the member's DescribeHealthStatus answer: normal, abnormal or unavailable, the
// worst of the fresh observations (unavailable when there is none).
func (h MemberHealth) SLBHealth() dataplane.SLBHealth { return dataplane.SLBHealthOf(h.Fresh()) }

// OperatingStatus is the member's operating_status in the REST API, the worst of the fresh
// observations (NO_MONITOR when there is none).
func (h MemberHealth) OperatingStatus() dataplane.OperatingStatus {
	return dataplane.OperatingStatusOf(h.Fresh())
}

// Sessions is the member's current sessions over its fresh observations.
func (h MemberHealth) Sessions() int {
	n := 0
	for _, o := range h.Fresh() {
		n += o.Sessions
	}
	return n
}

// MemberHealth returns, by member id, what each bound node of the group's load balancer last
// observed of the group's members. A member no node has observed yet is absent: its health is
// unknown (the SLB API's unavailable, the REST API's NO_MONITOR).
func (d *DB) MemberHealth(ctx context.Context, groupID string) (map[string]MemberHealth, error) {
	return d.memberHealth(ctx, groupID, "")
}

// OneMemberHealth returns what the bound nodes last observed of one member of the group, for a
// page that shows that member alone; its Nodes are empty when no node has observed it yet.
func (d *DB) OneMemberHealth(ctx context.Context, groupID, memberID string) (MemberHealth, error) {
	all, err := d.memberHealth(ctx, groupID, memberID)
	if err != nil {
		return MemberHealth{}, err
	}
	return all[memberID], nil
}

// memberHealth reads the health of the group's members, or of the one memberID names when it
// is not empty.
func (d *DB) memberHealth(ctx context.Context, groupID, memberID string) (map[string]MemberHealth, error) {
	type row struct {
		NodeObservation
		member string
	}
	where, args := "h.group_id = ?", []any{groupID}
	if memberID != "" {
		where, args = where+" AND h.member_id = ?", append(args, memberID)
	}
	rows, err := queryAll(ctx, d.read, "the health of the members of "+groupID, func(r *row) []any {
		o := &r.Observed
		return append(nodeStatusDest(&r.Node), &r.member, &o.Server, &o.Health, &o.CheckHealth, &o.State, &o.Status,
			&o.CheckStatus, &o.CheckCode, &o.CheckDesc, &o.LastCheck, &o.Sessions, &o.SessionRate, &o.Weight, (*timeText)(&r.ObservedAt))
	}, `SELECT `+nodeStatusColumns+`, h.member_id, h.server, h.health, h.check_health, h.admin_state, h.status, h.check_status,
		h.check_code, h.check_desc, h.last_check, h.sessions, h.session_rate, h.weight, h.observed
		FROM dataplane_member_health h
		JOIN members m ON m.id = h.member_id AND m.group_id = h.group_id
		JOIN dataplane_nodes n ON n.lb_id = h.lb_id AND n.runtime_api = h.runtime_api
		LEFT JOIN dataplane_node_status s ON s.lb_id = h.lb_id AND s.runtime_api = h.runtime_api
		WHERE `+where+` ORDER BY h.member_id, n.position`, args...)
	if err != nil {
		return nil, err
	}
	out := map[string]MemberHealth{}
	for _, r := range rows {
		r.Observed.MemberID = r.member
		h := out[r.member]
		h.MemberID = r.member
		h.Nodes = append(h.Nodes, r.NodeObservation)
		out[r.member] = h
	}
	return out, nil
}

// LeavingServer is a server on its way out of a group's backend on one node.
type LeavingServer struct {
	Node NodeStatus
	// Leaving has the server's drain clock: Leaving.Describe(now) says "draining: 3 sessions,
	// 12 s left". Its MemberID is "" for an adopted server whose member is gone.
	Leaving    dataplane.LeavingServer
	ObservedAt time.Time
}

// GroupLeaving returns the servers each bound node last had on their way out of the group's
// backend (removed or replaced members, drained then deleted), by node and server.
func (d *DB) GroupLeaving(ctx context.Context, groupID string) ([]LeavingServer, error) {
	return queryAll(ctx, d.read, "the servers leaving "+groupID, func(l *LeavingServer) []any {
		s := &l.Leaving
		return append(nodeStatusDest(&l.Node), &s.Backend, &s.Server, &s.MemberID, &s.Address, &s.Port, &s.State, &s.Sessions,
			(*timeText)(&s.Seen), (*timeText)(&s.Draining), (*timeText)(&s.Deadline), (*timeText)(&l.ObservedAt))
	}, `SELECT `+nodeStatusColumns+`, g.backend, l.server, l.member_id, l.address, l.port, l.admin_state, l.sessions, l.seen, l.draining,
		l.deadline, l.observed
		FROM dataplane_leaving l
		JOIN groups g ON g.id = l.group_id
		JOIN dataplane_nodes n ON n.lb_id = l.lb_id AND n.runtime_api = l.runtime_api
		LEFT JOIN dataplane_node_status s ON s.lb_id = l.lb_id AND s.runtime_api = l.runtime_api
		WHERE l.group_id = ? ORDER BY n.position, l.server`, groupID)
}

// microseconds scans a stored count of microseconds into a time.Duration.
type microseconds time.Duration

// Scan reads an integer count of microseconds.
func (m *microseconds) Scan(v any) error {
	n, _ := v.(int64)
	*m = microseconds(time.Duration(n) * time.Microsecond)
	return nil
}
