package db

import (
	"context"
	"database/sql"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// ExportLoadBalancer returns one load balancer as ExportFleet writes it (its data plane, its
// groups with their members) and the subnets of its VPC, read in one snapshot: what adopting
// a node into it starts from, without reading the whole fleet.
func (d *DB) ExportLoadBalancer(ctx context.Context, id string) (fleet.LoadBalancer, []fleet.Subnet, error) {
	var l fleet.LoadBalancer
	var subnets []fleet.Subnet
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if l, err = exportOneLB(ctx, tx, id); err != nil {
			return err
		}
		subnets, err = queryAll(ctx, tx, "the subnets of "+l.VPC, func(s *fleet.Subnet) []any { return []any{&s.ID, &s.VPC, &s.Name, &s.CIDR} },
			"SELECT id, vpc_id, name, cidr FROM subnets WHERE vpc_id = ? ORDER BY id", l.VPC)
		return err
	})
	return l, subnets, err
}

func exportOneLB(ctx context.Context, q queryer, id string) (fleet.LoadBalancer, error) {
	missing := lb.Errorf(lb.KindNotFound, lb.FieldLoadBalancer, "load balancer %s does not exist", lb.Clip(id))
	l, err := queryOne(ctx, q, "load balancer "+id, missing, func(l *fleet.LoadBalancer) []any {
		return []any{&l.ID, &l.Name, &l.Region, &l.VPC, &l.Address, &l.AddressType, &l.Status}
	}, "SELECT id, name, region_id, coalesce(vpc_id, ''), address, address_type, status FROM load_balancers WHERE id = ?", id)
	if err != nil {
		return l, err
	}
	nodes, err := queryAll(ctx, q, "the data-plane nodes of "+id, func(s *string) []any { return []any{s} },
		"SELECT runtime_api FROM dataplane_nodes WHERE lb_id = ? ORDER BY position", id)
	if err != nil {
		return l, err
	}
	if len(nodes) > 0 {
		l.DataPlane = &fleet.DataPlane{HAProxy: &fleet.HAProxy{RuntimeAPI: nodes}}
	}
	groups, err := queryAll(ctx, q, "the groups of "+id, groupRowDest, "SELECT "+groupRowColumns+" FROM groups WHERE lb_id = ? ORDER BY id", id)
	if err != nil {
		return l, err
	}
	members, err := exportMembers(ctx, q, "WHERE m.group_id IN (SELECT id FROM groups WHERE lb_id = ?)", id)
	if err != nil {
		return l, err
	}
	for _, g := range groups {
		fg := g.fleetGroup()
		list := members[g.ID]
		if list == nil {
			list = []fleet.Member{}
		}
		fg.Members = &list
		l.Groups = append(l.Groups, fg)
	}
	return l, nil
}
