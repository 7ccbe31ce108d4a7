package db

import (
	"context"
	"database/sql"
	"strings"

	"lbconsole/lb"
)

// The REST API's reads of load balancers and pools (VServer groups), each with the ids of what
// it holds, as Octavia shows them.

// MaxSelectValues bounds the values one condition of PoolSelect or LBSelect may list: a caller
// with more selects everything and filters the rows itself.
const MaxSelectValues = 100

// PoolSelect selects VServer groups by exact id, name and load balancer: a group is selected
// when it has one of the values of each list given. Empty lists select everything.
type PoolSelect struct {
	IDs, Names, LoadBalancerIDs []string
}

// PoolMembers is a VServer group with the ids of its members, in the order of ListMembers.
type PoolMembers struct {
	lb.Group
	MemberIDs []string
}

// ListPools returns the VServer groups f selects, ordered by load balancer, name and id, with
// their members' ids, read in one snapshot. A load balancer's default server list is no pool.
func (d *DB) ListPools(ctx context.Context, f PoolSelect) ([]PoolMembers, error) {
	where, args := selectWhere("g.kind = 'vserver'", []selectCond{{"g.id", f.IDs}, {"g.name", f.Names}, {"g.lb_id", f.LoadBalancerIDs}})
	var out []PoolMembers
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryAll(ctx, tx, "pools", func(p *PoolMembers) []any { return groupDest(&p.Group) },
			"SELECT "+groupColumns+" FROM groups g"+where+" ORDER BY g.lb_id, g.name, g.id", args...)
		if err != nil {
			return err
		}
		type pair struct{ group, member string }
		pairs, err := queryAll(ctx, tx, "the members of pools", func(p *pair) []any { return []any{&p.group, &p.member} },
			"SELECT m.group_id, m.id FROM members m JOIN groups g ON g.id = m.group_id"+where+" ORDER BY m.server_id, m.address, m.port", args...)
		if err != nil {
			return err
		}
		byGroup := make(map[string][]string, len(out))
		for _, p := range pairs {
			byGroup[p.group] = append(byGroup[p.group], p.member)
		}
		for i := range out {
			out[i].MemberIDs = byGroup[out[i].ID]
		}
		return nil
	})
	return out, err
}

// LBSelect selects load balancers by exact id and name: a load balancer is selected when it has
// one of the values of each list given. Empty lists select everything.
type LBSelect struct {
	IDs, Names []string
}

// LBPools is a load balancer with the ids of its VServer groups.
type LBPools struct {
	lb.LoadBalancer
	PoolIDs []string
}

// ListLoadBalancerPools returns the load balancers f selects, ordered by region, name and id,
// with the ids of their VServer groups (ordered by name and id), read in one snapshot.
func (d *DB) ListLoadBalancerPools(ctx context.Context, f LBSelect) ([]LBPools, error) {
	where, args := selectWhere("", []selectCond{{"l.id", f.IDs}, {"l.name", f.Names}})
	var out []LBPools
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryAll(ctx, tx, "load balancers", func(l *LBPools) []any { return lbDest(&l.LoadBalancer) },
			"SELECT "+lbColumns+" FROM load_balancers l"+where+" ORDER BY l.region_id, l.name, l.id", args...)
		if err != nil {
			return err
		}
		type pair struct{ lb, group string }
		pairs, err := queryAll(ctx, tx, "the pools of load balancers", func(p *pair) []any { return []any{&p.lb, &p.group} },
			"SELECT g.lb_id, g.id FROM groups g JOIN load_balancers l ON l.id = g.lb_id"+where+andOrWhere(where)+"g.kind = 'vserver' ORDER BY g.name, g.id", args...)
		if err != nil {
			return err
		}
		byLB := make(map[string][]string, len(out))
		for _, p := range pairs {
			byLB[p.lb] = append(byLB[p.lb], p.group)
		}
		for i := range out {
			out[i].PoolIDs = byLB[out[i].ID]
		}
		return nil
	})
	return out, err
}

// selectCond is one condition of a select: the column has one of the values; no values, no
// condition.
type selectCond struct {
	column string
	values []string
}

// selectWhere is the WHERE clause of base (a condition, or "") and conds, with its arguments.
func selectWhere(base string, conds []selectCond) (string, []any) {
	var parts []string
	if base != "" {
		parts = append(parts, base)
	}
	var args []any
	for _, c := range conds {
		if len(c.values) == 0 {
			continue
		}
		parts = append(parts, c.column+" IN ("+placeholders(len(c.values))+")")
		for _, v := range c.values {
			args = append(args, v)
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(parts, " AND "), args
}

// andOrWhere continues a WHERE clause with one more condition, or starts one.
func andOrWhere(where string) string {
	if where == "" {
		return " WHERE "
	}
	return " AND "
}
