package db

import (
	"context"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// The admin pages' create and edit forms. Each is a one-object fleet change, checked and
// applied as the Put methods do (so that every rule has one home), with one more condition:
// a create must not overwrite an object whose id is taken, and an edit must not make again an
// object that someone deleted while the form was open. Either is refused as a fleet.Problem
// naming the object and its id field, and changes nothing.

// CreateFleetObject creates the objects doc names (a region, VPC, subnet, server or load
// balancer without groups); each must be new.
func (d *DB) CreateFleetObject(ctx context.Context, o Origin, doc fleet.Document) (fleet.Plan, error) {
	return d.putPresent(ctx, o, doc, false)
}

// UpdateFleetObject changes the objects doc names to what it says; each must exist. A load
// balancer's groups are left alone.
func (d *DB) UpdateFleetObject(ctx context.Context, o Origin, doc fleet.Document) (fleet.Plan, error) {
	return d.putPresent(ctx, o, doc, true)
}

func (d *DB) putPresent(ctx context.Context, o Origin, doc fleet.Document, mustExist bool) (fleet.Plan, error) {
	return d.changeFleet(ctx, o, false, func(current fleet.Document) (fleet.Plan, error) {
		if ps := presence(current, doc, mustExist); len(ps) > 0 {
			return fleet.Plan{}, ps
		}
		return fleet.ValidateAndPlan(current, doc, false)
	})
}

// presence refuses each object of doc that current holds (a create) or lacks (an edit).
func presence(current, doc fleet.Document, mustExist bool) fleet.Problems {
	var ps fleet.Problems
	check := func(kind fleet.Kind, id string) {
		switch has := current.Has(kind, id); {
		case mustExist && !has:
			ps = append(ps, fleet.Gone(kind, "", id))
		case !mustExist && has:
			ps = append(ps, fleet.Taken(kind, "", id))
		}
	}
	for _, r := range doc.Regions {
		check(fleet.KindRegion, r.ID)
	}
	for _, v := range doc.VPCs {
		check(fleet.KindVPC, v.ID)
	}
	for _, s := range doc.Subnets {
		check(fleet.KindSubnet, s.ID)
	}
	for _, s := range doc.Servers {
		check(fleet.KindServer, s.ID)
	}
	for _, l := range doc.LoadBalancers {
		check(fleet.KindLoadBalancer, l.ID)
	}
	return ps
}

// CreateFleetGroup creates group g in load balancer lbID; its id must be new (in every load
// balancer). Nil Members make it empty; a list fills it as one audited batch.
func (d *DB) CreateFleetGroup(ctx context.Context, o Origin, lbID string, g fleet.Group) (fleet.Plan, error) {
	return d.putGroup(ctx, o, lbID, g, func(current fleet.Document) fleet.Problems {
		if current.Has(fleet.KindGroup, g.ID) {
			return fleet.Problems{fleet.Taken(fleet.KindGroup, lbID, g.ID)}
		}
		return nil
	})
}

// UpdateFleetGroup changes group g of load balancer lbID to what it says; it must exist.
// Nil Members leave the members alone.
func (d *DB) UpdateFleetGroup(ctx context.Context, o Origin, lbID string, g fleet.Group) (fleet.Plan, error) {
	return d.putGroup(ctx, o, lbID, g, func(current fleet.Document) fleet.Problems {
		if !current.Has(fleet.KindGroup, g.ID) {
			return fleet.Problems{fleet.Gone(fleet.KindGroup, lbID, g.ID)}
		}
		return nil
	})
}

// putGroup is PutGroup with a check of the current state first; check's problems refuse the
// change.
func (d *DB) putGroup(ctx context.Context, o Origin, lbID string, g fleet.Group, check func(fleet.Document) fleet.Problems) (fleet.Plan, error) {
	return d.changeFleet(ctx, o, false, func(current fleet.Document) (fleet.Plan, error) {
		l, ok := findLB(current, lbID)
		if !ok {
			return fleet.Plan{}, lb.Errorf(lb.KindNotFound, lb.FieldLoadBalancer, "load balancer %s does not exist", lb.Clip(lbID))
		}
		if check != nil {
			if ps := check(current); len(ps) > 0 {
				return fleet.Plan{}, ps
			}
		}
		l.Groups = []fleet.Group{g}
		return fleet.ValidateAndPlan(current, fleet.Document{LoadBalancers: []fleet.LoadBalancer{l}}, false)
	})
}
