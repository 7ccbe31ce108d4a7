package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// ExportFleet returns the whole fleet as a fleet file describes it, read in one snapshot: every
// region, VPC, subnet, server and load balancer, each load balancer with its data plane and
// every group, each group with its full member list (empty when it has none), each member with
// both its server (when it has one) and its address. Lists come sorted by id, members by
// server, address and port, so that fleet.Marshal writes the same file for the same state.
//
// A group's data-plane settings are written only where they differ from what the file's
// defaults would give (see fleet.Group.Effective), so that a file that leaves them out exports
// as it was written; applying the export changes nothing either way.
func (d *DB) ExportFleet(ctx context.Context) (fleet.Document, error) {
	var doc fleet.Document
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		doc, err = exportFleet(ctx, tx)
		return err
	})
	return doc, err
}

// The columns of each kind of fleet object, shared by the export and the lookups of one object.
const (
	fleetRegionSelect = "SELECT id, name FROM regions"
	fleetVPCSelect    = "SELECT id, region_id, name, cidr FROM vpcs"
	fleetSubnetSelect = "SELECT id, vpc_id, name, cidr FROM subnets"
	fleetServerSelect = "SELECT id, name, address, subnet_id, type, status FROM servers"
	fleetLBSelect     = "SELECT id, name, region_id, coalesce(vpc_id, ''), address, address_type, status FROM load_balancers"
)

func fleetRegionDest(r *fleet.Region) []any { return []any{&r.ID, &r.Name} }
func fleetVPCDest(v *fleet.VPC) []any       { return []any{&v.ID, &v.Region, &v.Name, &v.CIDR} }
func fleetSubnetDest(s *fleet.Subnet) []any { return []any{&s.ID, &s.VPC, &s.Name, &s.CIDR} }
func fleetServerDest(s *fleet.Server) []any {
	return []any{&s.ID, &s.Name, &s.Address, &s.Subnet, &s.Type, &s.Status}
}
func fleetLBDest(l *fleet.LoadBalancer) []any {
	return []any{&l.ID, &l.Name, &l.Region, &l.VPC, &l.Address, &l.AddressType, &l.Status}
}

// exportFleet reads the fleet through q: inside the write transaction of an apply, it is the
// current state the file is planned against.
func exportFleet(ctx context.Context, q queryer) (fleet.Document, error) {
	var doc fleet.Document
	var err error
	if doc.Regions, err = queryAll(ctx, q, "the regions", fleetRegionDest, fleetRegionSelect+" ORDER BY id"); err != nil {
		return doc, err
	}
	if doc.VPCs, err = queryAll(ctx, q, "the VPCs", fleetVPCDest, fleetVPCSelect+" ORDER BY id"); err != nil {
		return doc, err
	}
	if doc.Subnets, err = queryAll(ctx, q, "the subnets", fleetSubnetDest, fleetSubnetSelect+" ORDER BY id"); err != nil {
		return doc, err
	}
	if doc.Servers, err = queryAll(ctx, q, "the servers", fleetServerDest, fleetServerSelect+" ORDER BY id"); err != nil {
		return doc, err
	}
	if doc.LoadBalancers, err = exportLoadBalancers(ctx, q); err != nil {
		return doc, err
	}
	return doc, nil
}

func exportLoadBalancers(ctx context.Context, q queryer) ([]fleet.LoadBalancer, error) {
	lbs, err := queryAll(ctx, q, "the load balancers", fleetLBDest, fleetLBSelect+" ORDER BY id")
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(lbs))
	for i, l := range lbs {
		index[l.ID] = i
	}
	type node struct{ lb, api string }
	nodes, err := queryAll(ctx, q, "the data-plane nodes", func(n *node) []any { return []any{&n.lb, &n.api} },
		"SELECT lb_id, runtime_api FROM dataplane_nodes ORDER BY lb_id, position")
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		l := &lbs[index[n.lb]]
		if l.DataPlane == nil {
			l.DataPlane = &fleet.DataPlane{HAProxy: &fleet.HAProxy{}}
		}
		l.DataPlane.HAProxy.RuntimeAPI = append(l.DataPlane.HAProxy.RuntimeAPI, n.api)
	}
	groups, err := queryAll(ctx, q, "the groups", groupRowDest, "SELECT "+groupRowColumns+" FROM groups ORDER BY lb_id, id")
	if err != nil {
		return nil, err
	}
	members, err := exportMembers(ctx, q, "")
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		fg := g.fleetGroup()
		list := members[g.ID]
		if list == nil {
			list = []fleet.Member{}
		}
		fg.Members = &list
		l := &lbs[index[g.LB]]
		l.Groups = append(l.Groups, fg)
	}
	return lbs, nil
}

// exportMembers returns every member, or those where says, by group.
func exportMembers(ctx context.Context, q queryer, where string, args ...any) (map[string][]fleet.Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.group_id, m.server_id, m.address, m.port, m.weight, m.description, m.maintenance, m.backup,
		coalesce((SELECT min(a.name) FROM dataplane_adopted a WHERE a.group_id = m.group_id AND a.member_id = m.id), '')
		FROM members m `+where+` ORDER BY m.group_id, m.server_id, m.address, m.port`, args...)
	if err != nil {
		return nil, wrapRead("the members", err)
	}
	defer rows.Close()
	out := map[string][]fleet.Member{}
	for rows.Next() {
		var group, description string
		var weight int
		var maintenance, backup bool
		var m fleet.Member
		if err := rows.Scan(&group, &m.Server, &m.Address, &m.Port, &weight, &description, &maintenance, &backup, &m.HAProxyServer); err != nil {
			return nil, wrapRead("the members", err)
		}
		m.Weight = &weight
		if description != "" {
			m.Description = &description
		}
		// Written only when on, so that the files of fleets that use neither read as before.
		if maintenance {
			m.Maintenance = &maintenance
		}
		if backup {
			m.Backup = &backup
		}
		out[group] = append(out[group], m)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapRead("the members", err)
	}
	return out, nil
}

// groupRow is a group as the groups table holds it, data-plane settings included.
type groupRow struct {
	ID, LB, Name  string
	Kind          lb.GroupKind
	Backend       string
	DefaultPort   sql.NullInt64
	CheckType     string
	CheckPath     string
	CheckInterval int64 // nanoseconds
	CheckRise     int
	CheckFall     int
	DrainTimeout  int64 // nanoseconds
}

const groupRowColumns = `id, lb_id, name, kind, backend, default_port, check_type, check_path, check_interval_ns,
	check_rise, check_fall, drain_timeout_ns`

func groupRowDest(g *groupRow) []any {
	return []any{&g.ID, &g.LB, &g.Name, &g.Kind, &g.Backend, &g.DefaultPort, &g.CheckType, &g.CheckPath,
		&g.CheckInterval, &g.CheckRise, &g.CheckFall, &g.DrainTimeout}
}

// fleetGroup is the group as an export writes it: without the settings that equal what the
// file's defaults would give.
func (g groupRow) fleetGroup() fleet.Group {
	out := fleet.Group{ID: g.ID, Name: g.Name, Kind: g.Kind}
	if g.Backend != g.Name {
		out.Backend = g.Backend
	}
	if g.DefaultPort.Valid {
		port := int(g.DefaultPort.Int64)
		out.DefaultPort = &port
	}
	interval := time.Duration(g.CheckInterval)
	if g.CheckType != fleet.DefaultCheckType || g.CheckPath != "" || interval != fleet.DefaultCheckInterval ||
		g.CheckRise != fleet.DefaultRise || g.CheckFall != fleet.DefaultFall {
		rise, fall := g.CheckRise, g.CheckFall
		out.HealthCheck = &fleet.HealthCheck{Type: g.CheckType, Path: g.CheckPath, Interval: fleet.Dur(interval), Rise: &rise, Fall: &fall}
	}
	if drain := time.Duration(g.DrainTimeout); drain != fleet.DefaultDrainTimeout {
		out.DrainTimeout = fleet.Dur(drain)
	}
	return out
}

func wrapRead(what string, err error) error {
	return fmt.Errorf("db: unable to read %s: %w", what, err)
}
