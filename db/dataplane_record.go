package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lbconsole/dataplane"
)

// SourceDataplane is the audit log's source for what the data plane's reconcilers did on their
// own: correcting a change made behind lbconsole's back.
const SourceDataplane = "dataplane"

// ActionCorrectDrift is the audit log's action for drift corrected on an HAProxy node.
const ActionCorrectDrift = "correct_drift"

// maxErrorText bounds an error kept in a node's status: HAProxy's answers are short, but a
// wrapped error may not be.
const maxErrorText = 1000

// Converged is a version of a group that a node has just converged on, having converged on an
// earlier one before: the apply-to-converged latency is At less Committed.
type Converged struct {
	GroupID string
	Version int64
	// Committed is when the change that made this version was committed (its audit entry's
	// time); zero when no audit entry says (a seeded database).
	Committed time.Time
	At        time.Time // the start of the pass that found the node converged on it
}

// RecordPass writes what one pass of node n's reconciler found, in one write transaction: the
// node's status (see NodeStatuses); and, when the pass could read both the desired state and
// the node, the versions it converged on (see BatchNodes), what it observed of every member
// (see MemberHealth), the servers leaving (see GroupLeaving), and an audit entry (source
// dataplane, action correct_drift) per group where it corrected drift. It returns the versions
// newly converged on, for the latency metric.
func (d *DB) RecordPass(ctx context.Context, n Node, rep dataplane.Report) ([]Converged, error) {
	var out []Converged
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		if err := recordStatus(ctx, tx, n, rep); err != nil {
			return err
		}
		if rep.Status == dataplane.StatusUnreachable || rep.Status == dataplane.StatusHeld {
			return nil
		}
		groups, owners, err := backendGroups(ctx, tx, n.LoadBalancerID)
		if err != nil {
			return err
		}
		if out, err = recordConverged(ctx, tx, n, rep, groups, owners); err != nil {
			return err
		}
		if err := recordHealth(ctx, tx, n, rep, groups); err != nil {
			return err
		}
		if err := recordLeaving(ctx, tx, n, rep, groups); err != nil {
			return err
		}
		if err := forgetRetired(ctx, tx, n, rep, groups); err != nil {
			return err
		}
		return d.recordDrift(ctx, tx, n, rep, groups)
	})
	return out, err
}

func recordStatus(ctx context.Context, tx queryer, n Node, rep dataplane.Report) error {
	started := formatTime(rep.Started)
	errText, since, drift := clipText(passError(rep), maxErrorText), "", ""
	if rep.Status == dataplane.StatusUnreachable {
		since = formatTime(rep.Since)
	}
	if rep.DriftCorrected() > 0 {
		drift = started
	}
	// The clocks of a run of passes (unreachable since, in sync since) keep their start while
	// the run lasts, whatever a restarted reconciler remembers.
	return exec(ctx, tx, "record the status of "+n.String(), `INSERT INTO dataplane_node_status
		(lb_id, runtime_api, status, pending, last_error, unreachable_since, drift_corrected_at, in_sync_since, last_pass, pass_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (lb_id, runtime_api) DO UPDATE SET status = excluded.status, pending = excluded.pending,
			last_error = excluded.last_error,
			unreachable_since = CASE WHEN excluded.status <> 'unreachable' THEN ''
				WHEN dataplane_node_status.status = 'unreachable' AND dataplane_node_status.unreachable_since <> '' THEN dataplane_node_status.unreachable_since
				ELSE excluded.unreachable_since END,
			drift_corrected_at = CASE WHEN excluded.drift_corrected_at <> '' THEN excluded.drift_corrected_at
				ELSE dataplane_node_status.drift_corrected_at END,
			in_sync_since = CASE WHEN excluded.status <> 'in-sync' THEN ''
				WHEN dataplane_node_status.status = 'in-sync' THEN dataplane_node_status.in_sync_since
				ELSE excluded.in_sync_since END,
			last_pass = excluded.last_pass, pass_us = excluded.pass_us`,
		n.LoadBalancerID, n.RuntimeAPI, string(rep.Status), rep.Pending, errText, since, drift, started, started, rep.Duration.Microseconds())
}

// passError is what stopped or held up the pass: its error, or else what needs a person (a
// backend missing from haproxy.cfg, a health check of the wrong kind).
func passError(rep dataplane.Report) string {
	if rep.Err != nil {
		return rep.Err.Error()
	}
	var msgs []string
	for _, p := range rep.Problems {
		msgs = append(msgs, p.Message)
	}
	return strings.Join(msgs, "; ")
}

// backendGroups maps the backends of a load balancer's groups to the groups, and to their
// owners (see backendOwner).
func backendGroups(ctx context.Context, q queryer, lbID string) (groups, owners map[string]string, err error) {
	type row struct{ id, backend, created string }
	rows, err := queryAll(ctx, q, "the groups of "+lbID, func(r *row) []any { return []any{&r.id, &r.backend, &r.created} },
		"SELECT id, backend, created FROM groups WHERE lb_id = ?", lbID)
	if err != nil {
		return nil, nil, err
	}
	groups, owners = make(map[string]string, len(rows)), make(map[string]string, len(rows))
	for _, r := range rows {
		groups[r.backend], owners[r.backend] = r.id, backendOwner(r.id, r.created)
	}
	return groups, owners, nil
}

// recordConverged notes the first pass that found the node converged on each group's version.
// A result whose owner is not the backend's group now is of a desired state read before the
// backend changed hands: its version is another group's, or an earlier one's of the same id.
func recordConverged(ctx context.Context, tx queryer, n Node, rep dataplane.Report, groups, owners map[string]string) ([]Converged, error) {
	var out []Converged
	for _, b := range rep.Backends {
		group, ok := groups[b.Name]
		if !ok || !b.Converged || b.Owner != owners[b.Name] {
			continue
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM dataplane_converged
			WHERE lb_id = ? AND runtime_api = ? AND group_id = ?`, n.LoadBalancerID, n.RuntimeAPI, group).Scan(&last); err != nil {
			return nil, fmt.Errorf("db: unable to read what %s converged on: %w", n, err)
		}
		if b.Version <= last {
			continue
		}
		if err := exec(ctx, tx, "record what "+n.String()+" converged on", `INSERT INTO dataplane_converged
			(lb_id, runtime_api, group_id, version, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			n.LoadBalancerID, n.RuntimeAPI, group, b.Version, formatTime(rep.Started)); err != nil {
			return nil, err
		}
		if last == 0 {
			continue // the first version this node is known to run: no change was waited for
		}
		c := Converged{GroupID: group, Version: b.Version, At: rep.Started}
		var committed string
		err := tx.QueryRowContext(ctx, `SELECT time FROM audit_log WHERE group_id = ? AND group_version = ? AND outcome = 'ok'
			ORDER BY seq LIMIT 1`, group, b.Version).Scan(&committed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("db: unable to read when version %d of %s was committed: %w", b.Version, group, err)
		}
		c.Committed = parseTime(committed)
		out = append(out, c)
	}
	return out, nil
}

func recordHealth(ctx context.Context, tx queryer, n Node, rep dataplane.Report, groups map[string]string) error {
	if err := exec(ctx, tx, "replace the health seen on "+n.String(), "DELETE FROM dataplane_member_health WHERE lb_id = ? AND runtime_api = ?",
		n.LoadBalancerID, n.RuntimeAPI); err != nil {
		return err
	}
	at := formatTime(rep.Started)
	for _, o := range rep.Observed {
		group, ok := groups[o.Backend]
		if !ok || o.MemberID == "" {
			continue
		}
		if err := exec(ctx, tx, "record the health seen on "+n.String(), `INSERT INTO dataplane_member_health (lb_id, runtime_api, group_id,
			member_id, server, health, check_health, admin_state, status, check_status, check_code, check_desc, last_check, sessions,
			session_rate, weight, observed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			n.LoadBalancerID, n.RuntimeAPI, group, o.MemberID, o.Server, string(o.Health), string(o.CheckHealth), string(o.State),
			o.Status, o.CheckStatus, o.CheckCode, o.CheckDesc, o.LastCheck, o.Sessions, o.SessionRate, o.Weight, at); err != nil {
			return err
		}
	}
	return nil
}

func recordLeaving(ctx context.Context, tx queryer, n Node, rep dataplane.Report, groups map[string]string) error {
	if err := exec(ctx, tx, "replace the servers leaving "+n.String(), "DELETE FROM dataplane_leaving WHERE lb_id = ? AND runtime_api = ?",
		n.LoadBalancerID, n.RuntimeAPI); err != nil {
		return err
	}
	at := formatTime(rep.Started)
	for _, l := range rep.Leaving {
		group, ok := groups[l.Backend]
		if !ok {
			continue
		}
		if err := exec(ctx, tx, "record the servers leaving "+n.String(), `INSERT INTO dataplane_leaving (lb_id, runtime_api, group_id, server,
			member_id, address, port, admin_state, sessions, seen, draining, deadline, observed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			n.LoadBalancerID, n.RuntimeAPI, group, l.Server, l.MemberID, l.Address, l.Port, string(l.State), l.Sessions, formatTime(l.Seen),
			optionalTime(l.Draining), formatTime(l.Deadline), at); err != nil {
			return err
		}
	}
	return nil
}

// optionalTime formats t, or gives "" for the zero time.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
