package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lbconsole/dataplane"
)

// retireBackend keeps the backend of group groupID desired, with no servers, on every node of
// its load balancer, so that the servers lbconsole put there drain and go when the group is
// deleted or moves to another backend. It is called in the transaction that does so, before
// the group's row changes.
func retireBackend(ctx context.Context, tx queryer, groupID string) error {
	var lbID, backend string
	var drain int64
	err := tx.QueryRowContext(ctx, "SELECT lb_id, backend, drain_timeout_ns FROM groups WHERE id = ?", groupID).Scan(&lbID, &backend, &drain)
	if err != nil {
		return fmt.Errorf("db: unable to read the backend of group %s: %w", groupID, err)
	}
	adopted, err := queryAll(ctx, tx, "the adopted servers of "+groupID, func(s *string) []any { return []any{s} },
		"SELECT name FROM dataplane_adopted WHERE group_id = ? ORDER BY name", groupID)
	if err != nil {
		return err
	}
	return exec(ctx, tx, "retire backend "+backend+" of load balancer "+lbID, `INSERT INTO dataplane_retired
		(lb_id, runtime_api, backend, drain_timeout_ns, adopted)
		SELECT lb_id, runtime_api, ?, ?, ? FROM dataplane_nodes WHERE lb_id = ?
		ON CONFLICT (lb_id, runtime_api, backend) DO UPDATE SET drain_timeout_ns = excluded.drain_timeout_ns,
			adopted = excluded.adopted, generation = dataplane_retired.generation + 1`,
		backend, drain, strings.Join(adopted, "\n"), lbID)
}

// retiredBackends are node n's retired backends that no group claims, each desired empty. Each
// has its retirement's generation, negated, as its version: a group's versions are positive,
// so a pass's result for the backend says whether it converged on this retirement or on the
// group's servers before it (see forgetRetired).
func retiredBackends(ctx context.Context, q queryer, n Node, claimed map[string]bool) ([]dataplane.Backend, error) {
	type row struct {
		backend, adopted  string
		drain, generation int64
	}
	rows, err := queryAll(ctx, q, "the retired backends of "+n.String(), func(r *row) []any { return []any{&r.backend, &r.drain, &r.adopted, &r.generation} },
		"SELECT backend, drain_timeout_ns, adopted, generation FROM dataplane_retired WHERE lb_id = ? AND runtime_api = ? ORDER BY backend",
		n.LoadBalancerID, n.RuntimeAPI)
	if err != nil {
		return nil, err
	}
	var out []dataplane.Backend
	for _, r := range rows {
		if claimed[r.backend] {
			continue
		}
		be := dataplane.Backend{Name: r.backend, DrainTimeout: time.Duration(r.drain), Version: -r.generation}
		if r.adopted != "" {
			be.Adopt = strings.Split(r.adopted, "\n")
		}
		out = append(out, be)
	}
	return out, nil
}

// forgetRetired drops node n's retired backends that the pass found emptied, and those a group
// claims again (that group's servers are desired there now). A backend is emptied when the pass
// converged on its retirement, the one the row still records: a pass that read the desired
// state before the group went converged on the group's servers (a positive version), and one
// that read an earlier retirement of a backend retired again since has an older generation.
func forgetRetired(ctx context.Context, tx queryer, n Node, rep dataplane.Report, groups map[string]string) error {
	for _, b := range rep.Backends {
		if _, claimed := groups[b.Name]; claimed || !b.Converged || b.Version >= 0 {
			continue
		}
		if err := exec(ctx, tx, "forget the emptied backend "+b.Name, `DELETE FROM dataplane_retired
			WHERE lb_id = ? AND runtime_api = ? AND backend = ? AND generation = ?`,
			n.LoadBalancerID, n.RuntimeAPI, b.Name, -b.Version); err != nil {
			return err
		}
	}
	return exec(ctx, tx, "forget the backends claimed again on "+n.String(), `DELETE FROM dataplane_retired
		WHERE lb_id = ? AND runtime_api = ? AND backend IN (SELECT backend FROM groups WHERE lb_id = ?)`,
		n.LoadBalancerID, n.RuntimeAPI, n.LoadBalancerID)
}
