package db

import (
	"context"
	"database/sql"
	"fmt"
	"unicode/utf8"

	"lbconsole/lb"
)

// ActionCreateGroup is how the audit log names the creation of a VServer group.
const ActionCreateGroup = "create_group"

// FieldGroupName names a group's name in errors, as the SLB API calls it.
const FieldGroupName = "VServerGroupName"

// CreateGroupRequest is a new VServer group as an interface received it.
type CreateGroupRequest struct {
	LoadBalancerID string
	// Name is the group's name; empty names the group by its id.
	Name string
	// Batch holds the group's first servers in New, with the limits that apply to them; its
	// Action is ignored: they are added.
	Batch     lb.Batch
	Actor     string
	Source    string
	ClientIP  string
	RequestID string
	// Request is the request as given, recorded verbatim in the audit log.
	Request string
}

// CreateVServerGroup creates a VServer group with its first servers and appends its audit entry
// (action create_group) in one immediate transaction: the group, its members and the entry are
// all written or none is. A request that breaks a rule (a missing or locked load balancer, a
// server that cannot join) creates nothing; it is audited as refused and its *lb.Error
// returned, along with the entry's sequence number in the result.
func (d *DB) CreateVServerGroup(ctx context.Context, req CreateGroupRequest) (BatchResult, error) {
	var res BatchResult
	var refusal error
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = d.planNewGroup(ctx, tx, req)
		if _, isRule := lb.AsError(err); err != nil && !isRule {
			return err
		}
		refusal = err
		if refusal == nil {
			if err := insertGroup(ctx, tx, res.Group); err != nil {
				return err
			}
			for _, m := range res.Diff.Added {
				if err := insertMember(ctx, tx, res.Group.ID, m); err != nil {
					return err
				}
			}
		} else {
			res.Group = lb.Group{} // never created: the entry names no group
		}
		audited := BatchRequest{LoadBalancerID: req.LoadBalancerID, GroupRef: res.Group.ID, Batch: req.Batch,
			Actor: req.Actor, Source: req.Source, ClientIP: req.ClientIP, RequestID: req.RequestID, Request: req.Request}
		audited.Batch.Action = ActionCreateGroup
		res.Seq, err = d.appendAudit(ctx, tx, newAuditEntry(audited, res, refusal, d.now()))
		return err
	})
	d.batchDone(req.Source, ActionCreateGroup, refusal, err)
	if err != nil {
		return BatchResult{}, err
	}
	if refusal == nil {
		d.dataplaneChanged(req.LoadBalancerID)
	}
	return res, refusal
}

// planNewGroup checks the name and the load balancer and plans the first servers on an empty
// group, as a batch of additions would be planned.
func (d *DB) planNewGroup(ctx context.Context, q queryer, req CreateGroupRequest) (BatchResult, error) {
	var res BatchResult
	if err := checkGroupName(req.Name); err != nil {
		return res, err
	}
	l, err := getLoadBalancer(ctx, q, req.LoadBalancerID)
	if err != nil {
		return res, err
	}
	res.LoadBalancer = l
	now := d.now().UTC()
	g := lb.Group{ID: lb.NewID("rsp-"), LoadBalancerID: l.ID, Name: req.Name, Kind: lb.KindVServer, Version: 1, Created: now}
	if g.Name == "" {
		g.Name = g.ID
	}
	res.Group = g
	b := req.Batch
	b.Action, b.Old = lb.ActionAdd, nil
	t := lb.Target{LoadBalancer: l, Group: g, Now: now}
	if t.Servers, err = serversNamed(ctx, q, b); err != nil {
		return res, err
	}
	if t.Subnets, err = subnetsOfVPC(ctx, q, l.VpcID); err != nil {
		return res, err
	}
	planned, err := lb.Plan(t, b)
	if err != nil {
		return res, err
	}
	res.Members, res.Diff = planned.Members, planned.Diff
	return res, nil
}

// checkGroupName allows up to lb.MaxGroupNameLen characters of valid UTF-8 without control
// characters, so that a name shows the same in the console, the CSV export and the APIs.
func checkGroupName(name string) error {
	if fault := lb.TextFault(name); fault != "" {
		return lb.Errorf(lb.KindInvalid, FieldGroupName, "the group name %s", fault)
	}
	if n := utf8.RuneCountInString(name); n > lb.MaxGroupNameLen {
		return lb.Errorf(lb.KindInvalid, FieldGroupName, "the group name is %d characters long: at most %d are allowed", n, lb.MaxGroupNameLen)
	}
	return nil
}

// insertGroup writes a group made through an API. Its data-plane settings take the schema's
// defaults, and its backend is its name, as a fleet file's group that gives none.
func insertGroup(ctx context.Context, q queryer, g lb.Group) error {
	_, err := q.ExecContext(ctx, "INSERT INTO groups (id, lb_id, name, kind, version, created, backend) VALUES (?,?,?,?,?,?,?)",
		g.ID, g.LoadBalancerID, g.Name, string(g.Kind), g.Version, formatTime(g.Created), g.Name)
	if err != nil {
		return fmt.Errorf("db: unable to create group %s: %w", g.ID, err)
	}
	return nil
}
