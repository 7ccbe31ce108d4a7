package db

import (
	"context"
	"database/sql"
	"strings"

	"lbconsole/lb"
)

// LBSearch selects load balancers by exact attributes, the way the SLB API's
// DescribeLoadBalancers filters them (the console's LBFilter matches in part instead). Empty
// fields select everything.
type LBSearch struct {
	Region string
	// IDs selects any of these load balancers.
	IDs         []string
	Name        string
	Address     string
	Status      lb.LBStatus
	VpcID       string
	NetworkType string
	AddressType string
	// ServerID selects the load balancers that have this server in any of their groups.
	ServerID string
	Offset   int
	Limit    int
}

func (f LBSearch) where() (string, []any) {
	var conds []string
	var args []any
	for _, c := range []struct{ col, v string }{{"l.region_id", f.Region}, {"l.name", f.Name}, {"l.address", f.Address},
		{"l.status", string(f.Status)}, {"l.vpc_id", f.VpcID}, {"l.network_type", f.NetworkType}, {"l.address_type", f.AddressType}} {
		if c.v != "" {
			conds = append(conds, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "l.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.ServerID != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM members m JOIN groups g ON g.id = m.group_id WHERE g.lb_id = l.id AND m.server_id = ?)")
		args = append(args, f.ServerID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// SearchLoadBalancers returns one page of the load balancers that match f, ordered by region,
// name and id, and how many match in all, read in one snapshot.
func (d *DB) SearchLoadBalancers(ctx context.Context, f LBSearch) (LBPage, error) {
	where, args := f.where()
	return d.pageLoadBalancers(ctx, where, args, f.Limit, f.Offset)
}

// GroupView is a group with its load balancer and members, as one snapshot.
type GroupView struct {
	LoadBalancer lb.LoadBalancer
	Group        lb.Group
	Members      []lb.Member
}

// ReadGroup returns a group, its load balancer and its members, read in one snapshot. lbID may
// be empty when ref is a group id, as the APIs name VServer groups; ref is lb.DefaultGroupRef
// for the load balancer's default server list. A missing load balancer or group is an *lb.Error
// of kind not found about LoadBalancerId or VServerGroupId, the same errors a batch gives.
func (d *DB) ReadGroup(ctx context.Context, lbID, ref string) (GroupView, error) {
	var v GroupView
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v.Group, err = findGroup(ctx, tx, lbID, ref); err != nil {
			return err
		}
		if v.LoadBalancer, err = getLoadBalancer(ctx, tx, v.Group.LoadBalancerID); err != nil {
			return err
		}
		v.Members, err = listMembers(ctx, tx, v.Group.ID)
		return err
	})
	return v, err
}

// ReadGroupHead is ReadGroup without the members: what a change needs to name the group and
// check its kind and region before ApplyBatch, which reads the members itself, once, inside its
// write transaction.
func (d *DB) ReadGroupHead(ctx context.Context, lbID, ref string) (GroupView, error) {
	var v GroupView
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v.Group, err = findGroup(ctx, tx, lbID, ref); err != nil {
			return err
		}
		v.LoadBalancer, err = getLoadBalancer(ctx, tx, v.Group.LoadBalancerID)
		return err
	})
	return v, err
}
