package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"lbconsole/dataplane"
)

// driftRecord is one correction as the audit entry's request records it.
type driftRecord struct {
	Node     string `json:"node"`
	Backend  string `json:"backend"`
	Server   string `json:"server"`
	MemberID string `json:"member_id,omitempty"`
	What     string `json:"what"`
}

// recordDrift appends one audit entry per group where the pass corrected drift: a change made
// on the node behind lbconsole's back (a weight set by hand, a server deleted, HAProxy
// restarted), undone. Drift whose correction failed is not recorded: the next pass finds it
// again, and records it once it is corrected.
func (d *DB) recordDrift(ctx context.Context, tx queryer, n Node, rep dataplane.Report, groups map[string]string) error {
	byGroup := correctedDrift(n, rep, groups)
	if len(byGroup) == 0 {
		return nil
	}
	var region string
	if err := tx.QueryRowContext(ctx, "SELECT region_id FROM load_balancers WHERE id = ?", n.LoadBalancerID).Scan(&region); err != nil {
		return fmt.Errorf("db: unable to read load balancer %s: %w", n.LoadBalancerID, err)
	}
	ids := make([]string, 0, len(byGroup))
	for g := range byGroup {
		ids = append(ids, g)
	}
	sort.Strings(ids)
	for _, g := range ids {
		if err := d.auditDrift(ctx, tx, n, region, g, byGroup[g]); err != nil {
			return err
		}
	}
	return nil
}

// correctedDrift is the pass's drift whose corrections all succeeded, by group.
func correctedDrift(n Node, rep dataplane.Report, groups map[string]string) map[string][]driftRecord {
	failed := map[string]bool{}
	for _, o := range rep.Outcomes {
		if o.Op.Drift && o.Err != nil {
			failed[dataplane.ServerKey(o.Op.Backend, o.Op.Server)] = true
		}
	}
	out := map[string][]driftRecord{}
	for _, dr := range rep.Drift {
		group, ok := groups[dr.Backend]
		if !ok || failed[dataplane.ServerKey(dr.Backend, dr.Server)] {
			continue
		}
		out[group] = append(out[group], driftRecord{Node: n.RuntimeAPI, Backend: dr.Backend, Server: dr.Server, MemberID: dr.MemberID, What: dr.What})
	}
	return out
}

func (d *DB) auditDrift(ctx context.Context, tx queryer, n Node, region, group string, drift []driftRecord) error {
	request, err := json.Marshal(drift)
	if err != nil {
		return fmt.Errorf("db: unable to record drift on %s: %w", n, err)
	}
	servers, err := driftServers(ctx, tx, drift)
	if err != nil {
		return err
	}
	whats := make([]string, len(drift))
	for i, dr := range drift {
		whats[i] = dr.Server + ": " + dr.What
	}
	e := AuditEntry{
		Time: d.now().UTC().Truncate(time.Microsecond), Actor: SourceDataplane, Source: SourceDataplane,
		Action: ActionCorrectDrift, Region: region, LoadBalancer: n.LoadBalancerID, Group: group, Outcome: OutcomeOK,
		Message: clipText(fmt.Sprintf("HAProxy node %s had been changed outside lbconsole; set back: %s", n.RuntimeAPI, strings.Join(whats, "; ")), maxErrorText),
		Servers: strings.Join(servers, " "), Count: len(servers), Request: string(request), Before: "[]", After: "[]",
	}
	_, err = d.appendAudit(ctx, tx, e)
	return err
}

// driftServers names the members the drift touched as the audit log names servers.
func driftServers(ctx context.Context, q queryer, drift []driftRecord) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, dr := range drift {
		if dr.MemberID == "" || seen[dr.MemberID] {
			continue
		}
		seen[dr.MemberID] = true
		var server, address string
		var port int
		err := q.QueryRowContext(ctx, "SELECT server_id, address, port FROM members WHERE id = ?", dr.MemberID).Scan(&server, &address, &port)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the member is gone since: the entry's request still names the server
		}
		if err != nil {
			return nil, fmt.Errorf("db: unable to read member %s: %w", dr.MemberID, err)
		}
		out = append(out, serverLabel(server, address, port))
	}
	return out, nil
}
