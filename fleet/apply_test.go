package fleet

import (
	"fmt"

	"lbconsole/lb"
)

// applyPlan does to a document what the store will do to the database, in the plan's order, so
// that tests can check where a plan leads. current must be as the store exports it (members
// with their addresses and weights).
func applyPlan(current Document, p Plan) Document {
	s := newState(clone(current))
	applyKind(s.regions, p.Regions, func(r Region) string { return r.ID })
	applyKind(s.vpcs, p.VPCs, func(v VPC) string { return v.ID })
	applyKind(s.subnets, p.Subnets, func(v Subnet) string { return v.ID })
	applyKind(s.servers, p.Servers, func(v Server) string { return v.ID })
	applyKind(s.lbs, p.LoadBalancers, func(v LoadBalancer) string { return v.ID })
	for _, g := range p.Groups.Create {
		s.members[g.ID] = nil
	}
	applyKind(s.groups, p.Groups, func(g PlacedGroup) string { return g.ID })
	for _, b := range p.Members {
		s.members[b.Group] = applyDiff(s.members[b.Group], b)
	}
	return s.document()
}

type state struct {
	regions map[string]Region
	vpcs    map[string]VPC
	subnets map[string]Subnet
	servers map[string]Server
	lbs     map[string]LoadBalancer
	groups  map[string]PlacedGroup
	members map[string][]Member
}

func newState(d Document) *state {
	x := indexDoc(d)
	s := &state{x.regions, x.vpcs, x.subnets, x.servers, x.lbs, x.groups, map[string][]Member{}}
	for id, m := range x.members {
		if m != nil {
			s.members[id] = *m
		}
	}
	return s
}

func applyKind[T any](m map[string]T, c Changes[T], id func(T) string) {
	for _, v := range c.Create {
		m[id(v)] = v
	}
	for _, u := range c.Update {
		m[id(u.New)] = u.New
	}
	for _, v := range c.Delete {
		delete(m, id(v))
	}
}

// applyDiff applies a batch's diff to a member list, matching members on address and port.
func applyDiff(members []Member, b MemberBatch) []Member {
	key := func(addr string, port int) string { return fmt.Sprintf("%s:%d", addr, port) }
	gone := map[string]bool{}
	for _, m := range b.Diff.Removed {
		gone[key(m.Address, m.Port)] = true
	}
	changed := map[string]lb.Member{}
	for _, c := range b.Diff.Changed {
		changed[key(c.After.Address, c.After.Port)] = c.After
	}
	var out []Member
	for _, m := range members {
		k := key(m.Address, m.Port)
		if gone[k] {
			continue
		}
		if c, ok := changed[k]; ok {
			m = fromLB(c)
		}
		out = append(out, m)
	}
	for _, m := range b.Diff.Added {
		out = append(out, fromLB(m))
	}
	return out
}

func fromLB(m lb.Member) Member {
	out := Member{Server: m.ServerID, Address: m.Address, Port: m.Port, Weight: intp(m.Weight)}
	if m.Description != "" {
		out.Description = strp(m.Description)
	}
	return out
}

func (s *state) document() Document {
	var d Document
	for _, id := range sortedKeys(s.regions) {
		d.Regions = append(d.Regions, s.regions[id])
	}
	for _, id := range sortedKeys(s.vpcs) {
		d.VPCs = append(d.VPCs, s.vpcs[id])
	}
	for _, id := range sortedKeys(s.subnets) {
		d.Subnets = append(d.Subnets, s.subnets[id])
	}
	for _, id := range sortedKeys(s.servers) {
		d.Servers = append(d.Servers, s.servers[id])
	}
	for _, id := range sortedKeys(s.lbs) {
		l := s.lbs[id]
		for _, gid := range sortedKeys(s.groups) {
			if g := s.groups[gid]; g.LoadBalancer == id {
				members := append([]Member{}, s.members[gid]...)
				g.Group.Members = &members
				l.Groups = append(l.Groups, g.Group)
			}
		}
		d.LoadBalancers = append(d.LoadBalancers, l)
	}
	return Sorted(d)
}
