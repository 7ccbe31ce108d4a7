package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"lbconsole/lb"
)

// ActionRevert is the audit action of a batch that undoes an earlier one.
const ActionRevert = "revert"

// RevertRequest asks to undo the batch of one audit entry.
type RevertRequest struct {
	Seq       int64
	Actor     string
	Source    string
	ClientIP  string
	RequestID string
}

// RevertAudit applies, as a new batch, the change that restores the members an earlier applied
// batch affected to how they were before it. It is refused (and audited as refused) unless
// those members are still exactly as that batch left them. The new entry names the one it
// reverts.
func (d *DB) RevertAudit(ctx context.Context, rr RevertRequest) (BatchResult, error) {
	var res BatchResult
	var refusal error
	req := BatchRequest{Batch: lb.Batch{Action: ActionRevert}, Actor: rr.Actor, Source: rr.Source, ClientIP: rr.ClientIP,
		RequestID: rr.RequestID, Request: fmt.Sprintf(`{"revert":%d}`, rr.Seq)}
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = d.planRevert(ctx, tx, rr.Seq, &req)
		if _, isRule := lb.AsError(err); err != nil && !isRule {
			return err
		}
		refusal = err
		return d.commitPlan(ctx, tx, req, &res, refusal, rr.Seq)
	})
	d.batchDone(req.Source, ActionRevert, refusal, err)
	if err != nil {
		return BatchResult{}, err
	}
	if refusal == nil && !res.Diff.Empty() {
		d.dataplaneChanged(res.LoadBalancer.ID)
	}
	return res, refusal
}

func (d *DB) planRevert(ctx context.Context, tx *sql.Tx, seq int64, req *BatchRequest) (BatchResult, error) {
	var res BatchResult
	e, err := readAudit(ctx, tx, seq)
	if err != nil {
		return res, err
	}
	req.LoadBalancerID, req.GroupRef = e.LoadBalancer, e.Group
	if e.Outcome != OutcomeOK || e.Group == "" || (e.Before == "[]" && e.After == "[]") {
		return res, lb.Errorf(lb.KindInvalid, FieldAuditEntry, "audit entry %d changed no server, so there is nothing to revert", seq)
	}
	var by int64
	err = tx.QueryRowContext(ctx, "SELECT seq FROM audit_log WHERE reverts = ? AND outcome = ? LIMIT 1", seq, OutcomeOK).Scan(&by)
	if err == nil {
		return res, lb.Errorf(lb.KindConflict, FieldAuditEntry, "audit entry %d was already reverted by entry %d", seq, by)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return res, fmt.Errorf("db: unable to look for a revert of %d: %w", seq, err)
	}
	before, after := decodeMembers(e.Before), decodeMembers(e.After)
	for _, m := range before {
		req.Batch.Old = append(req.Batch.Old, lb.Spec{MemberID: m.ID, ServerID: m.ServerID, Address: m.Address, Port: m.Port})
	}
	t, res, err := d.loadTarget(ctx, tx, e.LoadBalancer, e.Group, req.Batch)
	if err != nil {
		return res, err
	}
	planned, err := lb.PlanRevert(t, before, after)
	if err != nil {
		return res, err
	}
	res.Members, res.Diff = planned.Members, planned.Diff
	return res, nil
}

// decodeMembers reads an audit entry's before or after column.
func decodeMembers(s string) []lb.Member {
	var ams []AuditMember
	_ = json.Unmarshal([]byte(s), &ams)
	out := make([]lb.Member, 0, len(ams))
	for _, a := range ams {
		out = append(out, lb.Member{ID: a.ID, ServerID: a.ServerID, Address: a.Address, Port: a.Port, Weight: a.Weight,
			Type: lb.ServerType(a.Type), Description: a.Description, SubnetID: a.SubnetID, Maintenance: a.Maintenance,
			Backup: a.Backup, Created: parseTime(a.Created)})
	}
	return out
}
