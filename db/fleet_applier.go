package db

import (
	"context"
	"database/sql"
	"encoding/json"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// fleetApplier writes one plan inside the transaction that planned it.
type fleetApplier struct {
	d *DB
	// tx is the transaction, with each statement prepared once: an apply runs the same few
	// statements hundreds of thousands of times.
	tx *preparedTx
	// o is who applies the plan, for the audit log; nil when seeding, which is not audited.
	o *Origin
	// lbRegion is the region of each load balancer, now or as the plan leaves it, so that the
	// audit entries of groups name it.
	lbRegion map[string]string
}

func newFleetApplier(d *DB, tx *sql.Tx, o *Origin, current fleet.Document, p fleet.Plan) *fleetApplier {
	a := &fleetApplier{d: d, tx: newPreparedTx(tx), o: o, lbRegion: make(map[string]string, len(current.LoadBalancers))}
	for _, l := range current.LoadBalancers {
		a.lbRegion[l.ID] = l.Region
	}
	for _, l := range p.LoadBalancers.Create {
		a.lbRegion[l.ID] = l.Region
	}
	for _, u := range p.LoadBalancers.Update {
		a.lbRegion[u.New.ID] = u.New.Region
	}
	return a
}

// apply writes the plan in the order fleet.Plan prescribes: creates and updates from regions
// to groups, so that what an object refers to exists before it; then the member lists; then
// the deletes from groups back to regions, so that nothing is deleted while something still
// refers to it.
func (a *fleetApplier) apply(ctx context.Context, p fleet.Plan) error {
	steps := []func(context.Context) error{
		func(ctx context.Context) error { return putAll(ctx, a, p.Regions, regionOps) },
		func(ctx context.Context) error { return putAll(ctx, a, p.VPCs, vpcOps) },
		func(ctx context.Context) error { return putAll(ctx, a, p.Subnets, subnetOps) },
		func(ctx context.Context) error { return putAll(ctx, a, p.Servers, serverOps) },
		func(ctx context.Context) error { return putAll(ctx, a, p.LoadBalancers, lbOps) },
		func(ctx context.Context) error { return putAll(ctx, a, p.Groups, groupOps) },
		func(ctx context.Context) error { return a.memberLists(ctx, p.Members) },
		func(ctx context.Context) error { return a.adoptions(ctx, p.Adoptions) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.Groups.Delete, groupOps) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.LoadBalancers.Delete, lbOps) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.Servers.Delete, serverOps) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.Subnets.Delete, subnetOps) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.VPCs.Delete, vpcOps) },
		func(ctx context.Context) error { return deleteAll(ctx, a, p.Regions.Delete, regionOps) },
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// kindOps is how one kind of object is written and named.
type kindOps[T any] struct {
	kind   fleet.Kind
	create func(ctx context.Context, tx queryer, v T, a *fleetApplier) error
	update func(ctx context.Context, tx queryer, u fleet.Update[T]) error
	// remove deletes the object and returns the members that went with it, for the audit log.
	remove func(ctx context.Context, tx queryer, v T) ([]lb.Member, error)
	// where names the object for the audit log.
	where func(v T, a *fleetApplier) auditPlace
}

func putAll[T any](ctx context.Context, a *fleetApplier, c fleet.Changes[T], ops kindOps[T]) error {
	for _, v := range c.Create {
		if err := ops.create(ctx, a.tx, v, a); err != nil {
			return err
		}
		if err := a.record(ctx, "create", ops.kind, ops.where(v, a), nil, v, nil, nil); err != nil {
			return err
		}
	}
	for _, u := range c.Update {
		if err := ops.update(ctx, a.tx, u); err != nil {
			return err
		}
		if err := a.record(ctx, "update", ops.kind, ops.where(u.New, a), u.Old, u.New, u.Fields, nil); err != nil {
			return err
		}
	}
	return nil
}

func deleteAll[T any](ctx context.Context, a *fleetApplier, list []T, ops kindOps[T]) error {
	for _, v := range list {
		gone, err := ops.remove(ctx, a.tx, v)
		if err != nil {
			return err
		}
		if err := a.record(ctx, "delete", ops.kind, ops.where(v, a), v, nil, nil, gone); err != nil {
			return err
		}
	}
	return nil
}

// memberLists applies each group's list from the file as a replace-all batch, planned again by
// lb on the state this transaction sees and audited like any other batch. The fleet planner
// has already planned each list the same way, so a refusal here means the two disagree: it
// rolls the whole apply back.
func (a *fleetApplier) memberLists(ctx context.Context, batches []fleet.MemberBatch) error {
	for _, b := range batches {
		req := BatchRequest{LoadBalancerID: b.LoadBalancer, GroupRef: b.Group, Batch: b.Batch(), Request: memberListRequest(b.Entries)}
		var res BatchResult
		var refusal, err error
		if a.o == nil {
			if res, refusal = a.d.plan(ctx, a.tx, req); refusal == nil {
				err = writePlanned(ctx, a.tx, &res)
			}
		} else {
			req.Actor, req.Source, req.ClientIP, req.RequestID = a.o.Actor, a.o.Source, a.o.ClientIP, a.o.RequestID
			res, refusal, err = a.d.applyBatch(ctx, a.tx, req)
		}
		if err != nil {
			return err
		}
		if e, ok := lb.AsError(refusal); ok {
			return &lb.Error{Kind: e.Kind, Field: e.Field, Message: "the members of group " + b.Group + " of load balancer " + b.LoadBalancer + ": " + e.Message}
		}
		if refusal != nil {
			return refusal
		}
	}
	return nil
}

// listEntry is one entry of a member list as the audit log records the request.
type listEntry struct {
	Server      string  `json:"server,omitempty"`
	Address     string  `json:"address,omitempty"`
	Port        int     `json:"port,omitempty"`
	Weight      *int    `json:"weight,omitempty"`
	Description *string `json:"description,omitempty"`
}

// memberListRequest is the file's member list in the fleet file's own terms.
func memberListRequest(entries []lb.Spec) string {
	list := make([]listEntry, len(entries))
	for i, s := range entries {
		list[i] = listEntry{Server: s.ServerID, Address: s.Address, Port: s.Port, Weight: s.Weight, Description: s.Description}
	}
	b, _ := json.Marshal(map[string]any{"members": list})
	return string(b)
}
