package fleet

import (
	"fmt"
	"net/netip"

	"lbconsole/lb"
)

// MemberBatch is one group's member list from the file, to apply as a replace-all batch.
type MemberBatch struct {
	LoadBalancer string
	Group        string
	Kind         lb.GroupKind
	// Entries is the file's list as lb takes it: a member named by its server is looked up in
	// the inventory, one named by its address alone is placed in the subnet that holds it.
	Entries []lb.Spec
	// Diff is what the batch changes as planned now, for the preview; its member ids are
	// made up. The store plans the batch again inside the transaction that applies it.
	Diff lb.Diff
}

// Batch is the replace-all batch to hand to the store, with the fleet file's limits.
func (b MemberBatch) Batch() lb.Batch {
	return lb.Batch{Action: lb.ActionReplaceAll, New: b.Entries, Limit: MaxGroupMembers, DescriptionLimit: MaxMemberDescriptionLen}
}

// memberBatches plans, with lb.Plan, the list of each group that the file gives members for,
// and keeps those that change something. A list that lb.Plan refuses is a problem of the
// group: the preview must not promise what the apply will refuse.
func memberBatches(w *world, cur docIndex) ([]MemberBatch, Problems) {
	var batches []MemberBatch
	var refused Problems
	for _, id := range sortedKeys(w.groups) {
		g := w.groups[id]
		l, ok := w.lbs[g.lb]
		if !g.file || g.kept || !ok {
			continue
		}
		if cur.groups[g.ID].LoadBalancer == l.ID && unchanged(w, cur, g) {
			continue
		}
		b := MemberBatch{LoadBalancer: g.lb, Group: g.ID, Kind: g.Kind, Entries: specs(g.members)}
		res, err := lb.Plan(target(w, cur, l, g, b.Entries), b.Batch())
		if err != nil {
			at := groupPath(g.lb, g.ID)
			refused = append(refused, Problem{Kind: KindGroup, ID: g.ID, Path: at.path, Field: "members", Message: "the member list would be refused: " + err.Error()})
			continue
		}
		if !res.Diff.Empty() {
			b.Diff = res.Diff
			batches = append(batches, b)
		}
	}
	return batches, refused
}

func specs(members []Member) []lb.Spec {
	out := make([]lb.Spec, len(members))
	for i, m := range members {
		s := lb.Spec{ServerID: m.Server, Port: m.Port, Weight: m.Weight, Description: m.Description, Maintenance: m.Maintenance, Backup: m.Backup}
		if m.Server == "" {
			s.Address = m.Address
		}
		out[i] = s
	}
	return out
}

// target is the state lb.Plan plans a group's list on: the load balancer and the group as they
// will be, the members as they are, and the servers and subnets the list can name.
func target(w *world, cur docIndex, l *wLB, g *wGroup, entries []lb.Spec) lb.Target {
	n := 0
	t := lb.Target{
		LoadBalancer: lb.LoadBalancer{ID: l.ID, RegionID: l.Region, Name: l.Name, Address: l.Address,
			AddressType: l.AddressType, NetworkType: "vpc", VpcID: l.VPC, Status: l.Status},
		Group: lb.Group{ID: g.ID, LoadBalancerID: l.ID, Name: g.Name, Kind: g.Kind, Version: 1},
		NewID: func() string { n++; return fmt.Sprintf("planned-%d", n) },
	}
	for _, s := range w.subnetsByVPC[l.VPC] {
		t.Subnets = append(t.Subnets, lb.Subnet{ID: s.ID, VpcID: s.VPC, Name: s.Name, CIDR: s.CIDR})
	}
	if members := cur.members[g.ID]; members != nil && cur.groups[g.ID].LoadBalancer == l.ID {
		for i, m := range *members {
			t.Members = append(t.Members, currentMember(cur, g.ID, i, m))
		}
	}
	seen := map[string]bool{}
	addServer := func(s *wServer) {
		if s != nil && !seen[s.ID] {
			seen[s.ID] = true
			t.Servers = append(t.Servers, lbServer(w, s))
		}
	}
	for _, e := range entries {
		if e.ServerID != "" {
			addServer(w.servers[e.ServerID])
		} else if a, err := netip.ParseAddr(e.Address); err == nil {
			for _, s := range w.serversAt[vpcAddr{l.VPC, a}] {
				addServer(s)
			}
		}
	}
	return t
}

func currentMember(cur docIndex, group string, i int, m Member) lb.Member {
	addr := m.Address
	if addr == "" {
		addr = cur.servers[m.Server].Address
	}
	return lb.Member{ID: fmt.Sprintf("current-%d", i), GroupID: group, ServerID: m.Server, Address: addr,
		Port: m.Port, Weight: memberWeight(m), Type: lb.TypeECS, Description: memberDescription(m),
		Maintenance: isSet(m.Maintenance), Backup: isSet(m.Backup)}
}

func lbServer(w *world, s *wServer) lb.Server {
	vpc := w.vpcOfServer(s)
	region := ""
	if v, ok := w.vpcs[vpc]; ok {
		region = v.Region
	}
	return lb.Server{ID: s.ID, Name: s.Name, Address: s.Address, SubnetID: s.Subnet, VpcID: vpc, RegionID: region, Type: s.Type, Status: s.Status}
}

// unchanged says whether the file's list is plainly the group's current members: the same
// servers at the same addresses and ports, with the same weights, descriptions, maintenance
// and backup flags (or none given). Such a list needs no batch, and lb.Plan is spared; any doubt is left to lb.Plan.
func unchanged(w *world, cur docIndex, g *wGroup) bool {
	current := cur.members[g.ID]
	if current == nil || len(*current) != len(g.members) {
		return false
	}
	type state struct {
		weight              int
		description         string
		maintenance, backup bool
	}
	now := make(map[memberIdentity]state, len(*current))
	for _, m := range *current {
		addr := m.Address
		if addr == "" {
			addr = cur.servers[m.Server].Address
		}
		now[memberIdentity{m.Server, addr, m.Port}] = state{memberWeight(m), memberDescription(m), isSet(m.Maintenance), isSet(m.Backup)}
	}
	for _, m := range g.members {
		addr := m.Address
		if s, ok := w.servers[m.Server]; ok {
			addr = s.Address
		}
		was, ok := now[memberIdentity{m.Server, addr, m.Port}]
		if !ok || m.Weight != nil && *m.Weight != was.weight || m.Description != nil && *m.Description != was.description ||
			m.Maintenance != nil && *m.Maintenance != was.maintenance || m.Backup != nil && *m.Backup != was.backup {
			return false
		}
		delete(now, memberIdentity{m.Server, addr, m.Port})
	}
	return len(now) == 0
}

// isSet reads a flag given or not: not given is off.
func isSet(flag *bool) bool { return flag != nil && *flag }

type memberIdentity struct {
	server, address string
	port            int
}
