package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lbconsole/dataplane"
	"lbconsole/lb"
)

// Node is one HAProxy node of a load balancer, named by the address of its Runtime API. A node
// that serves several load balancers is several Nodes, each reconciled on its own backends.
type Node struct {
	LoadBalancerID string
	RuntimeAPI     string
}

// String names the node in logs and messages: "lb-web unix:/run/haproxy/admin.sock".
func (n Node) String() string { return n.LoadBalancerID + " " + n.RuntimeAPI }

// DataplaneNodes returns every node of every load balancer that has a data plane, by load
// balancer and then in the fleet file's order.
func (d *DB) DataplaneNodes(ctx context.Context) ([]Node, error) {
	return queryAll(ctx, d.read, "the data-plane nodes", func(n *Node) []any { return []any{&n.LoadBalancerID, &n.RuntimeAPI} },
		"SELECT lb_id, runtime_api FROM dataplane_nodes ORDER BY lb_id, position")
}

// NodeDesired reads, in one read transaction, what node n should run: one backend per group of
// its load balancer (the group's backend, drain timeout and version), each with one server per
// member (its address; its port, or the group's default_port in a default server list; its
// weight; whether it is in maintenance; the group's health check; the HAProxy name it adopted,
// if any) and the adopted names whose member is gone. It fails rather than return anything partial: a node no longer bound,
// a member without a port, a read that fails. The reconciler then does nothing.
func (d *DB) NodeDesired(ctx context.Context, n Node) (dataplane.Desired, error) {
	var des dataplane.Desired
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		des, err = nodeDesired(ctx, tx, n)
		return err
	})
	return des, err
}

func nodeDesired(ctx context.Context, q queryer, n Node) (dataplane.Desired, error) {
	var bound int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM dataplane_nodes WHERE lb_id = ? AND runtime_api = ?",
		n.LoadBalancerID, n.RuntimeAPI).Scan(&bound); err != nil {
		return dataplane.Desired{}, fmt.Errorf("db: unable to read the nodes of %s: %w", n.LoadBalancerID, err)
	}
	if bound == 0 {
		return dataplane.Desired{}, lb.Errorf(lb.KindNotFound, "RuntimeAPI", "load balancer %s has no HAProxy node %s", n.LoadBalancerID, n.RuntimeAPI)
	}
	groups, err := desiredGroups(ctx, q, n.LoadBalancerID)
	if err != nil {
		return dataplane.Desired{}, err
	}
	members, err := desiredMembers(ctx, q, n.LoadBalancerID)
	if err != nil {
		return dataplane.Desired{}, err
	}
	adopted, err := adoptedNames(ctx, q, n.LoadBalancerID)
	if err != nil {
		return dataplane.Desired{}, err
	}
	var des dataplane.Desired
	claimed := map[string]bool{}
	for _, g := range groups {
		be, err := g.backend(members[g.ID], adopted[g.ID])
		if err != nil {
			return dataplane.Desired{}, err
		}
		des.Backends = append(des.Backends, be)
		claimed[be.Name] = true
	}
	retired, err := retiredBackends(ctx, q, n, claimed)
	if err != nil {
		return dataplane.Desired{}, err
	}
	des.Backends = append(des.Backends, retired...)
	return des, nil
}

// desiredGroup is a group with what the data plane needs of it.
type desiredGroup struct {
	groupRow
	Version int64
	Created string
}

func desiredGroups(ctx context.Context, q queryer, lbID string) ([]desiredGroup, error) {
	return queryAll(ctx, q, "the groups of "+lbID, func(g *desiredGroup) []any {
		return append(groupRowDest(&g.groupRow), &g.Version, &g.Created)
	}, "SELECT "+groupRowColumns+", version, created FROM groups WHERE lb_id = ? ORDER BY id", lbID)
}

// backendOwner is who a group's backend belongs to, as its desired state says and a pass's
// result echoes: the group's id and when it was made, since a deleted group's id can be
// given to a new one.
func backendOwner(groupID, created string) string { return groupID + "@" + created }

// desiredMember is a member as the data plane needs it.
type desiredMember struct {
	ID, GroupID, Address string
	Port, Weight         int
	Maintenance, Backup  bool
}

// desiredMembers returns the members of a load balancer's groups, by group.
func desiredMembers(ctx context.Context, q queryer, lbID string) (map[string][]desiredMember, error) {
	list, err := queryAll(ctx, q, "the members of "+lbID, func(m *desiredMember) []any {
		return []any{&m.ID, &m.GroupID, &m.Address, &m.Port, &m.Weight, &m.Maintenance, &m.Backup}
	}, `SELECT m.id, m.group_id, m.address, m.port, m.weight, m.maintenance, m.backup FROM members m JOIN groups g ON g.id = m.group_id
		WHERE g.lb_id = ? ORDER BY m.group_id, m.address, m.port, m.id`, lbID)
	if err != nil {
		return nil, err
	}
	out := map[string][]desiredMember{}
	for _, m := range list {
		out[m.GroupID] = append(out[m.GroupID], m)
	}
	return out, nil
}

// adoptedName is one row of dataplane_adopted.
type adoptedName struct {
	GroupID, Name, MemberID string
}

// adoptedNames returns the adopted names of a load balancer's groups, by group.
func adoptedNames(ctx context.Context, q queryer, lbID string) (map[string][]adoptedName, error) {
	list, err := queryAll(ctx, q, "the adopted servers of "+lbID, func(a *adoptedName) []any { return []any{&a.GroupID, &a.Name, &a.MemberID} },
		`SELECT a.group_id, a.name, a.member_id FROM dataplane_adopted a JOIN groups g ON g.id = a.group_id
		WHERE g.lb_id = ? ORDER BY a.group_id, a.name`, lbID)
	if err != nil {
		return nil, err
	}
	out := map[string][]adoptedName{}
	for _, a := range list {
		out[a.GroupID] = append(out[a.GroupID], a)
	}
	return out, nil
}

// backend is the group as the data plane's desired backend. A member keeps the first name
// adopted for it; every other adopted name of the group (its member gone, or a member's
// earlier name) is owned and leaves.
func (g desiredGroup) backend(members []desiredMember, adopted []adoptedName) (dataplane.Backend, error) {
	be := dataplane.Backend{Name: g.Backend, DrainTimeout: time.Duration(g.DrainTimeout), Version: g.Version,
		Owner: backendOwner(g.ID, g.Created)}
	byMember := map[string]string{}
	for _, a := range adopted {
		if _, taken := byMember[a.MemberID]; !taken && a.MemberID != "" {
			byMember[a.MemberID] = a.Name
		}
	}
	check := &dataplane.Check{Type: dataplane.CheckType(g.CheckType), Path: g.CheckPath, Interval: time.Duration(g.CheckInterval),
		Rise: g.CheckRise, Fall: g.CheckFall}
	kept := map[string]bool{}
	for _, m := range members {
		port := m.Port
		if port == 0 {
			if !g.DefaultPort.Valid {
				return dataplane.Backend{}, fmt.Errorf("db: group %s of load balancer %s: member %s has no port and the group has no default_port, so HAProxy cannot reach it",
					g.ID, g.LB, m.Address)
			}
			port = int(g.DefaultPort.Int64)
		}
		s := dataplane.Server{ID: m.ID, Address: m.Address, Port: port, Weight: m.Weight, Check: check, Maintenance: m.Maintenance,
			Backup: m.Backup, Adopted: byMember[m.ID]}
		kept[s.Adopted] = true
		be.Servers = append(be.Servers, s)
	}
	for _, a := range adopted {
		if !kept[a.Name] {
			be.Adopt = append(be.Adopt, a.Name)
		}
	}
	return be, nil
}
