package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lbconsole/lb"
)

// NodeApplied says whether one node runs a version of a group: since when, or why not yet.
type NodeApplied struct {
	// Node is the node with how its last pass ended: when AppliedAt is zero, its Status,
	// Pending and Error say why not yet (unreachable since, converging with operations
	// pending, held by a desired state it could not read).
	Node NodeStatus
	// AppliedAt is the pass that first found the node converged on the version or a later
	// one; zero when it has not yet been.
	AppliedAt time.Time
	// Version is the version the node was then found on: the one asked about, or a later one
	// when the node went past it between two passes.
	Version int64
}

// BatchNodes says, for an applied batch (by its audit entry's sequence number), when each bound
// node of its load balancer applied it, or why it has not yet. A refused entry, one that
// changed no group's members, or one of a load balancer without a data plane has none.
func (d *DB) BatchNodes(ctx context.Context, seq int64) ([]NodeApplied, error) {
	var lbID, group, outcome string
	var version int64
	err := d.read.QueryRowContext(ctx, "SELECT load_balancer, group_id, outcome, group_version FROM audit_log WHERE seq = ?", seq).
		Scan(&lbID, &group, &outcome, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lb.Errorf(lb.KindNotFound, FieldAuditEntry, "there is no audit entry %d", seq)
	}
	if err != nil {
		return nil, fmt.Errorf("db: unable to read audit entry %d: %w", seq, err)
	}
	if outcome != OutcomeOK || version == 0 || group == "" {
		return nil, nil
	}
	return d.GroupApplied(ctx, lbID, group, version)
}

// GroupApplied says, for version of group, when each bound node of load balancer lbID first
// ran it (or a later version), or why it has not yet.
func (d *DB) GroupApplied(ctx context.Context, lbID, group string, version int64) ([]NodeApplied, error) {
	return queryAll(ctx, d.read, "what the nodes of "+lbID+" applied", func(a *NodeApplied) []any {
		return append(nodeStatusDest(&a.Node), (*timeText)(&a.AppliedAt), &a.Version)
	}, `SELECT `+nodeStatusColumns+`,
		coalesce((SELECT c.at FROM dataplane_converged c WHERE c.lb_id = n.lb_id AND c.runtime_api = n.runtime_api
			AND c.group_id = ? AND c.version >= ? ORDER BY c.version LIMIT 1), ''),
		coalesce((SELECT min(c.version) FROM dataplane_converged c WHERE c.lb_id = n.lb_id AND c.runtime_api = n.runtime_api
			AND c.group_id = ? AND c.version >= ?), 0)
		FROM dataplane_nodes n
		LEFT JOIN dataplane_node_status s ON s.lb_id = n.lb_id AND s.runtime_api = n.runtime_api
		WHERE n.lb_id = ? ORDER BY n.position`, group, version, group, version, lbID)
}

// GroupVersions returns, for every bound node of the group's load balancer, the latest version
// of the group the node was found converged on (0: none yet) and since when.
func (d *DB) GroupVersions(ctx context.Context, groupID string) ([]NodeApplied, error) {
	return queryAll(ctx, d.read, "the versions the nodes of "+groupID+" run", func(a *NodeApplied) []any {
		return append(nodeStatusDest(&a.Node), (*timeText)(&a.AppliedAt), &a.Version)
	}, `SELECT `+nodeStatusColumns+`,
		coalesce((SELECT c.at FROM dataplane_converged c WHERE c.lb_id = n.lb_id AND c.runtime_api = n.runtime_api
			AND c.group_id = g.id ORDER BY c.version DESC LIMIT 1), ''),
		coalesce((SELECT max(c.version) FROM dataplane_converged c WHERE c.lb_id = n.lb_id AND c.runtime_api = n.runtime_api
			AND c.group_id = g.id), 0)
		FROM groups g
		JOIN dataplane_nodes n ON n.lb_id = g.lb_id
		LEFT JOIN dataplane_node_status s ON s.lb_id = n.lb_id AND s.runtime_api = n.runtime_api
		WHERE g.id = ? ORDER BY n.position`, groupID)
}
