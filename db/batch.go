package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lbconsole/lb"
)

// Sources of batches, as the audit log records them.
const (
	SourceConsole = "console"
	SourceSLBAPI  = "slb-api"
	SourcePoolAPI = "pool-api"
)

// BatchRequest is one batch as an interface received it.
type BatchRequest struct {
	// LoadBalancerID may be empty when GroupRef is a group id, as the APIs name VServer groups.
	LoadBalancerID string
	// GroupRef is a group id, or lb.DefaultGroupRef for the load balancer's default server list.
	GroupRef string
	Batch    lb.Batch
	// ExpectedVersion is the group version the batch was planned on; zero skips the check.
	ExpectedVersion int64
	Actor           string
	Source          string
	ClientIP        string
	RequestID       string
	// Request is the request as given, recorded verbatim in the audit log.
	Request string
}

// BatchResult is what a batch did (or, for a preview, would do).
type BatchResult struct {
	LoadBalancer lb.LoadBalancer
	Group        lb.Group // as it is after the batch
	Members      []lb.Member
	Diff         lb.Diff
	Seq          int64 // the audit entry; zero for a preview
}

// ApplyBatch plans and applies a batch in one immediate transaction, and appends its audit
// entry in the same transaction: either the change and its entry are both written or neither
// is. A batch that breaks a rule changes nothing; it is audited as refused and its *lb.Error
// returned, along with the entry's sequence number in the result.
func (d *DB) ApplyBatch(ctx context.Context, req BatchRequest) (BatchResult, error) {
	var res BatchResult
	var refusal error
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		// Prepared once per transaction: a batch runs the same UPDATE for each member it changes.
		res, refusal, err = d.applyBatch(ctx, newPreparedTx(tx), req)
		return err
	})
	d.batchDone(req.Source, string(req.Batch.Action), refusal, err)
	if err != nil {
		return BatchResult{}, err
	}
	if refusal == nil && !res.Diff.Empty() {
		d.dataplaneChanged(res.LoadBalancer.ID)
	}
	return res, refusal
}

// applyBatch is ApplyBatch inside a write transaction the caller holds: it plans the batch on
// the state tx sees, writes it unless a rule refuses it, and appends its audit entry, applied
// or refused. It returns the refusal (an *lb.Error) apart from err, which is any other failure,
// after which the caller must roll back.
func (d *DB) applyBatch(ctx context.Context, tx queryer, req BatchRequest) (BatchResult, error, error) {
	res, err := d.plan(ctx, tx, req)
	if _, isRule := lb.AsError(err); err != nil && !isRule {
		return res, nil, err
	}
	refusal := err
	return res, refusal, d.commitPlan(ctx, tx, req, &res, refusal, 0)
}

// batchDone tells the observer how a batch attempt ended: its outcome, or, when err is set,
// that its audit entry could not be written, so that nothing of it happened.
func (d *DB) batchDone(source, action string, refusal, err error) {
	if err != nil {
		d.observe.AuditFailed(source, action)
		return
	}
	d.observe.BatchDone(source, action, outcomeOf(refusal))
}

func outcomeOf(refusal error) string {
	if refusal == nil {
		return OutcomeOK
	}
	return string(lb.ErrorKind(refusal))
}

// commitPlan writes a planned change, unless it was refused, and its audit entry.
func (d *DB) commitPlan(ctx context.Context, tx queryer, req BatchRequest, res *BatchResult, refusal error, reverts int64) error {
	if refusal == nil {
		if err := writePlanned(ctx, tx, res); err != nil {
			return err
		}
	}
	e := newAuditEntry(req, *res, refusal, d.now())
	e.Reverts = reverts
	var err error
	res.Seq, err = d.appendAudit(ctx, tx, e)
	return err
}

// writePlanned writes a planned change to the group's members and moves its version, when the
// change is not empty.
func writePlanned(ctx context.Context, tx queryer, res *BatchResult) error {
	if res.Diff.Empty() {
		return nil
	}
	if err := writeDiff(ctx, tx, res.Group.ID, res.Diff); err != nil {
		return err
	}
	return bumpVersion(ctx, tx, &res.Group)
}

// PreviewBatch plans a batch on the current state without changing or auditing anything.
func (d *DB) PreviewBatch(ctx context.Context, req BatchRequest) (BatchResult, error) {
	var res BatchResult
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = d.plan(ctx, tx, req)
		return err
	})
	return res, err
}

// plan loads everything the batch touches and asks lb to plan it.
func (d *DB) plan(ctx context.Context, q queryer, req BatchRequest) (BatchResult, error) {
	t, res, err := d.loadTarget(ctx, q, req.LoadBalancerID, req.GroupRef, req.Batch)
	if err != nil {
		return res, err
	}
	if req.ExpectedVersion != 0 && req.ExpectedVersion != t.Group.Version {
		return res, lb.Errorf(lb.KindConflict, lb.FieldVersion,
			"the group changed since you loaded it (you saw version %d, it is now at version %d): nothing was applied", req.ExpectedVersion, t.Group.Version)
	}
	planned, err := lb.Plan(t, req.Batch)
	if err != nil {
		return res, err
	}
	res.Members, res.Diff = planned.Members, planned.Diff
	return res, nil
}

// loadTarget loads the group, its load balancer and members, the servers the batch names and
// the subnets of the load balancer's VPC: all that planning needs.
func (d *DB) loadTarget(ctx context.Context, q queryer, lbID, groupRef string, b lb.Batch) (lb.Target, BatchResult, error) {
	var res BatchResult
	var t lb.Target
	g, err := findGroup(ctx, q, lbID, groupRef)
	if err != nil {
		return t, res, err
	}
	res.Group = g
	if res.LoadBalancer, err = getLoadBalancer(ctx, q, g.LoadBalancerID); err != nil {
		return t, res, err
	}
	t = lb.Target{LoadBalancer: res.LoadBalancer, Group: g, Now: d.now().UTC()}
	if t.Members, err = listMembers(ctx, q, g.ID); err != nil {
		return t, res, err
	}
	if t.Servers, err = serversNamed(ctx, q, b); err != nil {
		return t, res, err
	}
	if t.Subnets, err = subnetsOfVPC(ctx, q, res.LoadBalancer.VpcID); err != nil {
		return t, res, err
	}
	res.Members = t.Members
	return t, res, nil
}

// findGroup resolves the batch's group: by its id alone when lbID is empty, as the APIs name
// VServer groups, else as a group of that load balancer, which must exist.
func findGroup(ctx context.Context, q queryer, lbID, ref string) (lb.Group, error) {
	if lbID == "" {
		return getGroupByID(ctx, q, ref)
	}
	if _, err := getLoadBalancer(ctx, q, lbID); err != nil {
		return lb.Group{}, err
	}
	return getGroup(ctx, q, lbID, ref)
}

// serversNamed loads the inventory servers a batch names by id or by address.
func serversNamed(ctx context.Context, q queryer, b lb.Batch) ([]lb.Server, error) {
	var ids, addrs []any
	for _, s := range append(append([]lb.Spec{}, b.Old...), b.New...) {
		if s.ServerID != "" {
			ids = append(ids, s.ServerID)
		}
		if s.Address != "" {
			addrs = append(addrs, s.Address)
		}
	}
	if len(ids)+len(addrs) == 0 {
		return nil, nil
	}
	query := `SELECT ` + serverColumns + ` FROM servers s JOIN subnets n ON n.id = s.subnet_id JOIN vpcs v ON v.id = n.vpc_id
		WHERE s.id IN (` + placeholders(len(ids)) + `) OR s.address IN (` + placeholders(len(addrs)) + `)`
	return queryServers(ctx, q, query, append(ids, addrs...)...)
}

// placeholders returns n comma-separated question marks; for n = 0 a NULL that matches nothing.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?,", n-1) + "?"
}

func subnetsOfVPC(ctx context.Context, q queryer, vpcID string) ([]lb.Subnet, error) {
	return querySubnets(ctx, q, "SELECT id, vpc_id, name, cidr FROM subnets WHERE vpc_id = ? ORDER BY id", vpcID)
}

func writeDiff(ctx context.Context, tx queryer, groupID string, diff lb.Diff) error {
	for _, m := range diff.Removed {
		if _, err := tx.ExecContext(ctx, "DELETE FROM members WHERE id = ? AND group_id = ?", m.ID, groupID); err != nil {
			return fmt.Errorf("db: unable to remove member %s: %w", m.ID, err)
		}
	}
	for _, c := range diff.Changed {
		m := c.After
		if _, err := tx.ExecContext(ctx, "UPDATE members SET weight = ?, description = ?, maintenance = ?, backup = ?, updated = ? WHERE id = ? AND group_id = ?",
			m.Weight, m.Description, flag(m.Maintenance), flag(m.Backup), formatTime(m.Updated), m.ID, groupID); err != nil {
			return fmt.Errorf("db: unable to update member %s: %w", m.ID, err)
		}
	}
	for _, m := range diff.Added {
		if err := insertMember(ctx, tx, groupID, m); err != nil {
			return err
		}
	}
	return nil
}

func insertMember(ctx context.Context, q queryer, groupID string, m lb.Member) error {
	_, err := q.ExecContext(ctx, "INSERT INTO members ("+memberColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		m.ID, groupID, m.ServerID, m.Address, m.Port, m.Weight, string(m.Type), m.Description, m.SubnetID,
		formatTime(m.Created), formatTime(m.Updated), flag(m.Maintenance), flag(m.Backup))
	if err != nil {
		return fmt.Errorf("db: unable to add member %s: %w", m.Address, err)
	}
	return nil
}

func bumpVersion(ctx context.Context, tx queryer, g *lb.Group) error {
	err := tx.QueryRowContext(ctx, "UPDATE groups SET version = version + 1 WHERE id = ? RETURNING version", g.ID).Scan(&g.Version)
	if err != nil {
		return fmt.Errorf("db: unable to move the version of %s: %w", g.ID, err)
	}
	return nil
}

// flag is a boolean as the schema stores it: 0 or 1, the same on every database.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
