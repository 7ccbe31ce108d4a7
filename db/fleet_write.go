package db

import (
	"context"
	"database/sql"
	"fmt"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// The writes of each kind of fleet object. The fleet planner has checked every rule before any
// of them runs; the schema's constraints are the last guard, and a write they refuse rolls the
// whole apply back.

// exec runs one statement and words its failure as "db: unable to <what>: …".
func exec(ctx context.Context, tx queryer, what, query string, args ...any) error {
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("db: unable to %s: %w", what, err)
	}
	return nil
}

var regionOps = kindOps[fleet.Region]{
	kind: fleet.KindRegion,
	create: func(ctx context.Context, tx queryer, r fleet.Region, _ *fleetApplier) error {
		return exec(ctx, tx, "create region "+r.ID, "INSERT INTO regions (id, name) VALUES (?, ?)", r.ID, r.Name)
	},
	update: func(ctx context.Context, tx queryer, u fleet.Update[fleet.Region]) error {
		return exec(ctx, tx, "update region "+u.New.ID, "UPDATE regions SET name = ? WHERE id = ?", u.New.Name, u.New.ID)
	},
	remove: func(ctx context.Context, tx queryer, r fleet.Region) ([]lb.Member, error) {
		return nil, exec(ctx, tx, "delete region "+r.ID, "DELETE FROM regions WHERE id = ?", r.ID)
	},
	where: func(r fleet.Region, _ *fleetApplier) auditPlace { return auditPlace{name: r.ID, region: r.ID} },
}

var vpcOps = kindOps[fleet.VPC]{
	kind: fleet.KindVPC,
	create: func(ctx context.Context, tx queryer, v fleet.VPC, _ *fleetApplier) error {
		return exec(ctx, tx, "create vpc "+v.ID, "INSERT INTO vpcs (id, region_id, name, cidr) VALUES (?, ?, ?, ?)", v.ID, v.Region, v.Name, v.CIDR)
	},
	update: func(ctx context.Context, tx queryer, u fleet.Update[fleet.VPC]) error {
		v := u.New
		return exec(ctx, tx, "update vpc "+v.ID, "UPDATE vpcs SET region_id = ?, name = ?, cidr = ? WHERE id = ?", v.Region, v.Name, v.CIDR, v.ID)
	},
	remove: func(ctx context.Context, tx queryer, v fleet.VPC) ([]lb.Member, error) {
		return nil, exec(ctx, tx, "delete vpc "+v.ID, "DELETE FROM vpcs WHERE id = ?", v.ID)
	},
	where: func(v fleet.VPC, _ *fleetApplier) auditPlace { return auditPlace{name: v.ID, region: v.Region} },
}

var subnetOps = kindOps[fleet.Subnet]{
	kind: fleet.KindSubnet,
	create: func(ctx context.Context, tx queryer, s fleet.Subnet, _ *fleetApplier) error {
		return exec(ctx, tx, "create subnet "+s.ID, "INSERT INTO subnets (id, vpc_id, name, cidr) VALUES (?, ?, ?, ?)", s.ID, s.VPC, s.Name, s.CIDR)
	},
	update: func(ctx context.Context, tx queryer, u fleet.Update[fleet.Subnet]) error {
		s := u.New
		return exec(ctx, tx, "update subnet "+s.ID, "UPDATE subnets SET vpc_id = ?, name = ?, cidr = ? WHERE id = ?", s.VPC, s.Name, s.CIDR, s.ID)
	},
	remove: func(ctx context.Context, tx queryer, s fleet.Subnet) ([]lb.Member, error) {
		return nil, exec(ctx, tx, "delete subnet "+s.ID, "DELETE FROM subnets WHERE id = ?", s.ID)
	},
	where: func(s fleet.Subnet, _ *fleetApplier) auditPlace { return auditPlace{name: s.ID} },
}

var serverOps = kindOps[fleet.Server]{
	kind: fleet.KindServer,
	create: func(ctx context.Context, tx queryer, s fleet.Server, _ *fleetApplier) error {
		return exec(ctx, tx, "create server "+s.ID, "INSERT INTO servers (id, name, address, subnet_id, type, status) VALUES (?, ?, ?, ?, ?, ?)",
			s.ID, s.Name, s.Address, s.Subnet, string(s.Type), string(s.Status))
	},
	update: updateServer,
	remove: func(ctx context.Context, tx queryer, s fleet.Server) ([]lb.Member, error) {
		return nil, exec(ctx, tx, "delete server "+s.ID, "DELETE FROM servers WHERE id = ?", s.ID)
	},
	where: func(s fleet.Server, _ *fleetApplier) auditPlace { return auditPlace{name: s.ID, server: s.ID} },
}

// updateServer also carries a new subnet or type to the server's members, which keep copies
// of both for the APIs; the validator keeps a member's address its server's, and the server
// in the load balancer's VPC.
func updateServer(ctx context.Context, tx queryer, u fleet.Update[fleet.Server]) error {
	s := u.New
	if err := exec(ctx, tx, "update server "+s.ID, "UPDATE servers SET name = ?, address = ?, subnet_id = ?, type = ?, status = ? WHERE id = ?",
		s.Name, s.Address, s.Subnet, string(s.Type), string(s.Status), s.ID); err != nil {
		return err
	}
	if u.Old.Subnet == s.Subnet && u.Old.Type == s.Type {
		return nil
	}
	return exec(ctx, tx, "update the members of server "+s.ID, "UPDATE members SET subnet_id = ?, type = ? WHERE server_id = ?", s.Subnet, string(s.Type), s.ID)
}

var lbOps = kindOps[fleet.LoadBalancer]{
	kind: fleet.KindLoadBalancer,
	create: func(ctx context.Context, tx queryer, l fleet.LoadBalancer, a *fleetApplier) error {
		err := exec(ctx, tx, "create load balancer "+l.ID, `INSERT INTO load_balancers (id, region_id, name, address, address_type, network_type, vpc_id, status, created)
			VALUES (?, ?, ?, ?, ?, 'vpc', ?, ?, ?)`, l.ID, l.Region, l.Name, l.Address, l.AddressType, l.VPC, string(l.Status), formatTime(a.d.now()))
		if err != nil {
			return err
		}
		return writeNodes(ctx, tx, l)
	},
	update: func(ctx context.Context, tx queryer, u fleet.Update[fleet.LoadBalancer]) error {
		l := u.New
		err := exec(ctx, tx, "update load balancer "+l.ID, `UPDATE load_balancers SET region_id = ?, name = ?, address = ?, address_type = ?, vpc_id = ?, status = ?
			WHERE id = ?`, l.Region, l.Name, l.Address, l.AddressType, l.VPC, string(l.Status), l.ID)
		if err != nil {
			return err
		}
		return writeNodes(ctx, tx, l)
	},
	remove: func(ctx context.Context, tx queryer, l fleet.LoadBalancer) ([]lb.Member, error) {
		if err := exec(ctx, tx, "delete the nodes of load balancer "+l.ID, "DELETE FROM dataplane_nodes WHERE lb_id = ?", l.ID); err != nil {
			return nil, err
		}
		return nil, exec(ctx, tx, "delete load balancer "+l.ID, "DELETE FROM load_balancers WHERE id = ?", l.ID)
	},
	where: func(l fleet.LoadBalancer, _ *fleetApplier) auditPlace {
		return auditPlace{name: l.ID, region: l.Region, loadBalancer: l.ID}
	},
}

// writeNodes makes the load balancer's HAProxy nodes the file's, in its order.
func writeNodes(ctx context.Context, tx queryer, l fleet.LoadBalancer) error {
	if err := exec(ctx, tx, "replace the nodes of load balancer "+l.ID, "DELETE FROM dataplane_nodes WHERE lb_id = ?", l.ID); err != nil {
		return err
	}
	if l.DataPlane == nil || l.DataPlane.HAProxy == nil {
		return nil
	}
	for i, api := range l.DataPlane.HAProxy.RuntimeAPI {
		if err := exec(ctx, tx, "add a node to load balancer "+l.ID, "INSERT INTO dataplane_nodes (lb_id, position, runtime_api) VALUES (?, ?, ?)",
			l.ID, i, api); err != nil {
			return err
		}
	}
	return nil
}

var groupOps = kindOps[fleet.PlacedGroup]{
	kind: fleet.KindGroup,
	create: func(ctx context.Context, tx queryer, g fleet.PlacedGroup, a *fleetApplier) error {
		s := settingsOf(g.Group)
		return exec(ctx, tx, "create group "+g.ID, `INSERT INTO groups (id, lb_id, name, kind, version, created, backend, default_port,
			check_type, check_path, check_interval_ns, check_rise, check_fall, drain_timeout_ns) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.LoadBalancer, g.Name, string(g.Kind), formatTime(a.d.now()), s.backend, s.defaultPort,
			s.checkType, s.checkPath, s.checkInterval, s.rise, s.fall, s.drain)
	},
	update: func(ctx context.Context, tx queryer, u fleet.Update[fleet.PlacedGroup]) error {
		g := u.New
		s := settingsOf(g.Group)
		if settingsOf(u.Old.Group).backend != s.backend {
			if err := retireBackend(ctx, tx, g.ID); err != nil {
				return err
			}
		}
		return exec(ctx, tx, "update group "+g.ID, `UPDATE groups SET name = ?, backend = ?, default_port = ?, check_type = ?, check_path = ?,
			check_interval_ns = ?, check_rise = ?, check_fall = ?, drain_timeout_ns = ? WHERE id = ?`,
			g.Name, s.backend, s.defaultPort, s.checkType, s.checkPath, s.checkInterval, s.rise, s.fall, s.drain, g.ID)
	},
	remove: deleteGroup,
	where: func(g fleet.PlacedGroup, a *fleetApplier) auditPlace {
		return auditPlace{name: g.ID + " in load balancer " + g.LoadBalancer, region: a.lbRegion[g.LoadBalancer], loadBalancer: g.LoadBalancer, group: g.ID}
	},
}

// deleteGroup deletes a group with its members, and returns them.
func deleteGroup(ctx context.Context, tx queryer, g fleet.PlacedGroup) ([]lb.Member, error) {
	members, err := listMembers(ctx, tx, g.ID)
	if err != nil {
		return nil, err
	}
	if err := retireBackend(ctx, tx, g.ID); err != nil {
		return nil, err
	}
	if err := exec(ctx, tx, "delete the members of group "+g.ID, "DELETE FROM members WHERE group_id = ?", g.ID); err != nil {
		return nil, err
	}
	return members, exec(ctx, tx, "delete group "+g.ID, "DELETE FROM groups WHERE id = ?", g.ID)
}

// groupSettings are a group's data-plane settings as the groups table holds them.
type groupSettings struct {
	backend              string
	defaultPort          sql.NullInt64
	checkType, checkPath string
	checkInterval, drain int64
	rise, fall           int
}

// settingsOf reads the settings of a group as a plan holds it, with every default filled in.
func settingsOf(g fleet.Group) groupSettings {
	g = g.Effective()
	hc := g.HealthCheck
	s := groupSettings{backend: g.Backend, checkType: hc.Type, checkPath: hc.Path, checkInterval: int64(hc.Interval.Std()),
		rise: *hc.Rise, fall: *hc.Fall, drain: int64(g.DrainTimeout.Std())}
	if g.DefaultPort != nil {
		s.defaultPort = sql.NullInt64{Int64: int64(*g.DefaultPort), Valid: true}
	}
	return s
}
