package db

import (
	"context"
	"database/sql"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// Reads for the admin pages: the lists they show and pick from, and one object as its edit
// form shows it, each in the fleet file's terms so that a form and a file speak alike.

// FleetNetworks returns the regions, VPCs and subnets as a fleet file describes them, sorted by
// id. Servers and load balancers are left out: there may be a hundred thousand, and the
// inventory and load balancer pages list them a page at a time.
func (d *DB) FleetNetworks(ctx context.Context) (fleet.Document, error) {
	var doc fleet.Document
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if doc.Regions, err = queryAll(ctx, tx, "the regions", fleetRegionDest, fleetRegionSelect+" ORDER BY id"); err != nil {
			return err
		}
		if doc.VPCs, err = queryAll(ctx, tx, "the VPCs", fleetVPCDest, fleetVPCSelect+" ORDER BY id"); err != nil {
			return err
		}
		doc.Subnets, err = queryAll(ctx, tx, "the subnets", fleetSubnetDest, fleetSubnetSelect+" ORDER BY id")
		return err
	})
	return doc, err
}

// FleetObject returns one region, VPC, subnet, server or load balancer as a fleet file
// describes it, alone in a document; a load balancer with its data plane and without its
// groups. One that does not exist is an *lb.Error of kind not found.
func (d *DB) FleetObject(ctx context.Context, kind fleet.Kind, id string) (fleet.Document, error) {
	var doc fleet.Document
	missing := lb.Errorf(lb.KindNotFound, fieldOfKind(kind), "%s %s does not exist", kind.Human(), lb.Clip(id))
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		switch kind {
		case fleet.KindRegion:
			doc.Regions, err = lookupOne(ctx, tx, missing, fleetRegionDest, fleetRegionSelect, id)
		case fleet.KindVPC:
			doc.VPCs, err = lookupOne(ctx, tx, missing, fleetVPCDest, fleetVPCSelect, id)
		case fleet.KindSubnet:
			doc.Subnets, err = lookupOne(ctx, tx, missing, fleetSubnetDest, fleetSubnetSelect, id)
		case fleet.KindServer:
			doc.Servers, err = lookupOne(ctx, tx, missing, fleetServerDest, fleetServerSelect, id)
		case fleet.KindLoadBalancer:
			if doc.LoadBalancers, err = lookupOne(ctx, tx, missing, fleetLBDest, fleetLBSelect, id); err == nil {
				doc.LoadBalancers[0].DataPlane, err = lookupDataPlane(ctx, tx, id)
			}
		default:
			return missing
		}
		return err
	})
	return doc, err
}

// lookupOne reads the one row of a kind with id, as a list of one.
func lookupOne[T any](ctx context.Context, q queryer, missing *lb.Error, dest func(*T) []any, selectFrom, id string) ([]T, error) {
	v, err := queryOne(ctx, q, missing.Message, missing, dest, selectFrom+" WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	return []T{v}, nil
}

func lookupDataPlane(ctx context.Context, q queryer, lbID string) (*fleet.DataPlane, error) {
	nodes, err := queryAll(ctx, q, "the data-plane nodes", func(s *string) []any { return []any{s} },
		"SELECT runtime_api FROM dataplane_nodes WHERE lb_id = ? ORDER BY position", lbID)
	if err != nil || len(nodes) == 0 {
		return nil, err
	}
	return &fleet.DataPlane{HAProxy: &fleet.HAProxy{RuntimeAPI: nodes}}, nil
}

// FleetGroup returns a group with the id of its load balancer, as a fleet file describes it
// but with every data-plane setting as it takes effect (its defaults filled in) and without
// its members: what an edit form shows, so that saving it unchanged changes nothing, and a
// rename keeps the backend traffic goes to.
func (d *DB) FleetGroup(ctx context.Context, id string) (string, fleet.Group, error) {
	missing := lb.Errorf(lb.KindNotFound, lb.FieldGroup, "group %s does not exist", lb.Clip(id))
	row, err := queryOne(ctx, d.read, "group "+id, missing, groupRowDest, "SELECT "+groupRowColumns+" FROM groups WHERE id = ?", id)
	if err != nil {
		return "", fleet.Group{}, err
	}
	return row.LB, row.fleetGroup().Effective(), nil
}
