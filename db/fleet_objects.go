package db

import (
	"context"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// One object at a time: what the admin pages call. Each method is a fleet change of its own,
// as if a file named only that object: the fleet validator checks it with the same rules as in
// a file (so every rule has one home), and it is planned, applied and audited in one
// transaction through ApplyFleet's path. The plan returned says what changed; an empty plan
// means the object was already so. A change the rules refuse returns fleet.Problems, each
// naming the field at fault; an object that does not exist, *lb.Error of kind not found.
//
// Each reads the whole fleet to check the object against it, as an apply does: that costs
// about as much as exporting the fleet, a few milliseconds for the demo's, a second or so for
// 100,000 servers.

// PutRegion creates the region, or updates the one with its id.
func (d *DB) PutRegion(ctx context.Context, o Origin, r fleet.Region) (fleet.Plan, error) {
	return d.ApplyFleet(ctx, o, fleet.Document{Regions: []fleet.Region{r}}, ApplyOptions{})
}

// PutVPC creates the VPC, or updates the one with its id.
func (d *DB) PutVPC(ctx context.Context, o Origin, v fleet.VPC) (fleet.Plan, error) {
	return d.ApplyFleet(ctx, o, fleet.Document{VPCs: []fleet.VPC{v}}, ApplyOptions{})
}

// PutSubnet creates the subnet, or updates the one with its id.
func (d *DB) PutSubnet(ctx context.Context, o Origin, s fleet.Subnet) (fleet.Plan, error) {
	return d.ApplyFleet(ctx, o, fleet.Document{Subnets: []fleet.Subnet{s}}, ApplyOptions{})
}

// PutServer creates the inventory server, or updates the one with its id.
func (d *DB) PutServer(ctx context.Context, o Origin, s fleet.Server) (fleet.Plan, error) {
	return d.ApplyFleet(ctx, o, fleet.Document{Servers: []fleet.Server{s}}, ApplyOptions{})
}

// PutLoadBalancer creates the load balancer, or updates the one with its id. The groups it
// lists are created or updated too (with their members, when listed, as a file's); the groups
// it does not list are left alone. Its DataPlane is its whole data plane: nil makes it a
// record only.
func (d *DB) PutLoadBalancer(ctx context.Context, o Origin, l fleet.LoadBalancer) (fleet.Plan, error) {
	return d.ApplyFleet(ctx, o, fleet.Document{LoadBalancers: []fleet.LoadBalancer{l}}, ApplyOptions{})
}

// PutGroup creates group g in load balancer lbID, or updates the one with its id. Nil Members
// leave the members alone; a list, even an empty one, replaces them as one audited batch.
func (d *DB) PutGroup(ctx context.Context, o Origin, lbID string, g fleet.Group) (fleet.Plan, error) {
	return d.putGroup(ctx, o, lbID, g, nil)
}

// DeleteFleetObject deletes one region, VPC, subnet, server, load balancer (with its groups)
// or group (with its members), as fleet.PlanDelete plans it. It refuses, naming them, while
// something that stays still refers to the object (a subnet's servers, a server's groups, …),
// and a locked load balancer or a group of one.
func (d *DB) DeleteFleetObject(ctx context.Context, o Origin, kind fleet.Kind, id string) (fleet.Plan, error) {
	return d.changeFleet(ctx, o, false, func(current fleet.Document) (fleet.Plan, error) {
		p, found, err := fleet.PlanDelete(current, kind, id)
		if !found {
			return fleet.Plan{}, lb.Errorf(lb.KindNotFound, fieldOfKind(kind), "%s %s does not exist", kind.Human(), lb.Clip(id))
		}
		return p, err
	})
}

// findLB returns a load balancer of doc, with its groups.
func findLB(doc fleet.Document, id string) (fleet.LoadBalancer, bool) {
	for _, l := range doc.LoadBalancers {
		if l.ID == id {
			return l, true
		}
	}
	return fleet.LoadBalancer{}, false
}

// findGroup returns a group of doc and its load balancer.
func findFleetGroup(doc fleet.Document, id string) (fleet.LoadBalancer, fleet.Group, bool) {
	for _, l := range doc.LoadBalancers {
		for _, g := range l.Groups {
			if g.ID == id {
				return l, g, true
			}
		}
	}
	return fleet.LoadBalancer{}, fleet.Group{}, false
}

// fieldOfKind names the id of a kind as the store's errors name fields.
func fieldOfKind(kind fleet.Kind) string {
	switch kind {
	case fleet.KindServer:
		return lb.FieldServerID
	case fleet.KindLoadBalancer:
		return lb.FieldLoadBalancer
	case fleet.KindGroup:
		return lb.FieldGroup
	case fleet.KindSubnet:
		return lb.FieldSubnetID
	}
	return string(kind)
}
