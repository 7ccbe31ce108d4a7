package fleet

import (
	"strconv"
	"strings"
)

// Plan is what applying a file changes, per kind of object, each list sorted by id. Apply it
// in this order, in one transaction: for regions, VPCs, subnets, servers, load balancers and
// then groups, the creates and the updates; then the member batches; then the deletes in the
// reverse order (groups, load balancers, servers, subnets, VPCs, regions). Creates and updates
// hold the objects as they will be, with their defaults filled in (see Effective); load
// balancers without their groups, groups without their members.
type Plan struct {
	Regions       Changes[Region]
	VPCs          Changes[VPC]
	Subnets       Changes[Subnet]
	Servers       Changes[Server]
	LoadBalancers Changes[LoadBalancer]
	Groups        Changes[PlacedGroup]
	// Members are the replace-all batches, one per group whose list in the file differs from
	// its members.
	Members []MemberBatch
	// Adoptions are the haproxy_server names to record, after the member batches.
	Adoptions []Adoption
}

// Changes are the creates, updates and deletes of one kind.
type Changes[T any] struct {
	Create []T
	Update []Update[T]
	// Delete holds the objects as they are now; only a pruning plan deletes.
	Delete []T
}

// Update is an object before and after, with the fields that change.
type Update[T any] struct {
	Old, New T
	Fields   []FieldChange
}

// FieldChange is one field's value before and after, as the plan prints them.
type FieldChange struct {
	Field    string
	Old, New string
}

// PlacedGroup is a group with the load balancer it belongs to.
type PlacedGroup struct {
	LoadBalancer string
	Group
}

// Empty reports whether the plan changes nothing.
func (p Plan) Empty() bool {
	return p.Regions.empty() && p.VPCs.empty() && p.Subnets.empty() && p.Servers.empty() &&
		p.LoadBalancers.empty() && p.Groups.empty() && len(p.Members) == 0 && len(p.Adoptions) == 0
}

func (c Changes[T]) empty() bool { return len(c.Create)+len(c.Update)+len(c.Delete) == 0 }

// Counts says how many objects the plan creates, updates and deletes, and how many member
// lists it replaces.
func (p Plan) Counts() (create, update, del, memberLists int) {
	for _, n := range [][3]int{p.Regions.counts(), p.VPCs.counts(), p.Subnets.counts(), p.Servers.counts(), p.LoadBalancers.counts(), p.Groups.counts()} {
		create, update, del = create+n[0], update+n[1], del+n[2]
	}
	return create, update, del, len(p.Members)
}

func (c Changes[T]) counts() [3]int { return [3]int{len(c.Create), len(c.Update), len(c.Delete)} }

// MakePlan works out what turns current into desired: what to create, what to update (with the
// fields that change), which member lists to replace, and, with prune, what to delete. It
// expects a desired document that Validate found no problem with. It refuses, as Problems, a
// change to a locked load balancer (see lockRefusals), a prune that would delete an object
// something staying still refers to, and a member list that lb.Plan would refuse at apply time.
func MakePlan(current, desired Document, prune bool) (Plan, error) {
	return makePlan(current, desired, prune, fileWords)
}

// makePlan is MakePlan with the words of its refusals: a file's, or a single delete's.
func makePlan(current, desired Document, prune bool, words refusalWords) (Plan, error) {
	cur, des := indexDoc(current), indexDoc(desired)
	p := Plan{
		Regions:       diff(cur.regions, des.regions, prune, regionFields),
		VPCs:          diff(cur.vpcs, des.vpcs, prune, vpcFields),
		Subnets:       diff(cur.subnets, des.subnets, prune, subnetFields),
		Servers:       diff(cur.servers, des.servers, prune, serverFields),
		LoadBalancers: diff(cur.lbs, des.lbs, prune, lbFields),
		Groups:        diff(cur.groups, des.groups, prune, groupFields),
	}
	if refused := lockRefusals(p, cur, des, words); len(refused) > 0 {
		return Plan{}, refused
	}
	w := buildWorld(&current, &desired, !prune)
	if prune {
		if refused := pruneRefusals(w, buildWorld(&current, nil, true), words); len(refused) > 0 {
			return Plan{}, refused
		}
	}
	batches, refused := memberBatches(w, cur)
	if len(refused) > 0 {
		return Plan{}, refused
	}
	p.Members = batches
	p.Adoptions = adoptions(w, cur)
	return p, nil
}

// docIndex holds a document's objects by id, with their defaults filled in.
type docIndex struct {
	regions map[string]Region
	vpcs    map[string]VPC
	subnets map[string]Subnet
	servers map[string]Server
	lbs     map[string]LoadBalancer
	groups  map[string]PlacedGroup
	members map[string]*[]Member // by group id
}

func indexDoc(d Document) docIndex {
	x := docIndex{
		regions: byID(d.Regions, func(r Region) (string, Region) { return r.ID, r }),
		vpcs:    byID(d.VPCs, func(v VPC) (string, VPC) { return v.ID, v }),
		subnets: byID(d.Subnets, func(s Subnet) (string, Subnet) { return s.ID, s }),
		servers: byID(d.Servers, func(s Server) (string, Server) { return s.ID, s.Effective() }),
		lbs:     map[string]LoadBalancer{},
		groups:  map[string]PlacedGroup{},
		members: map[string]*[]Member{},
	}
	for _, l := range d.LoadBalancers {
		for _, g := range l.Groups {
			x.members[g.ID] = g.Members
			g = g.Effective()
			g.Members = nil
			x.groups[g.ID] = PlacedGroup{l.ID, g}
		}
		l = l.Effective()
		l.Groups = nil
		x.lbs[l.ID] = l
	}
	return x
}

func byID[T any](list []T, key func(T) (string, T)) map[string]T {
	m := make(map[string]T, len(list))
	for _, v := range list {
		id, v := key(v)
		m[id] = v
	}
	return m
}

// diff compares one kind, field by field.
func diff[T any](cur, des map[string]T, prune bool, fields func(T) []FieldChange) Changes[T] {
	var c Changes[T]
	for _, id := range sortedKeys(des) {
		d := des[id]
		old, exists := cur[id]
		if !exists {
			c.Create = append(c.Create, d)
			continue
		}
		if changed := changedFields(fields(old), fields(d)); len(changed) > 0 {
			c.Update = append(c.Update, Update[T]{Old: old, New: d, Fields: changed})
		}
	}
	if prune {
		for _, id := range sortedKeys(cur) {
			if _, kept := des[id]; !kept {
				c.Delete = append(c.Delete, cur[id])
			}
		}
	}
	return c
}

// changedFields pairs two objects' fields (as fields lists them, Old empty) and keeps those
// that differ.
func changedFields(old, new []FieldChange) []FieldChange {
	var out []FieldChange
	for i := range new {
		if old[i].New != new[i].New {
			out = append(out, FieldChange{Field: new[i].Field, Old: old[i].New, New: new[i].New})
		}
	}
	return out
}

func fieldList(kv ...string) []FieldChange {
	out := make([]FieldChange, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, FieldChange{Field: kv[i], New: kv[i+1]})
	}
	return out
}

func regionFields(r Region) []FieldChange { return fieldList("name", r.Name) }

func vpcFields(v VPC) []FieldChange {
	return fieldList("region", v.Region, "name", v.Name, "cidr", v.CIDR)
}

func subnetFields(s Subnet) []FieldChange {
	return fieldList("vpc", s.VPC, "name", s.Name, "cidr", s.CIDR)
}

func serverFields(s Server) []FieldChange {
	return fieldList("name", s.Name, "address", s.Address, "subnet", s.Subnet, "type", string(s.Type), "status", string(s.Status))
}

func lbFields(l LoadBalancer) []FieldChange {
	var nodes []string
	if l.DataPlane != nil && l.DataPlane.HAProxy != nil {
		nodes = l.DataPlane.HAProxy.RuntimeAPI
	}
	return fieldList("name", l.Name, "region", l.Region, "vpc", l.VPC, "address", l.Address,
		"address_type", l.AddressType, "status", string(l.Status),
		"dataplane.haproxy.runtime_api", strings.Join(nodes, ", "))
}

func groupFields(g PlacedGroup) []FieldChange {
	hc := g.HealthCheck
	return fieldList("load_balancer", g.LoadBalancer, "name", g.Name, "kind", string(g.Kind),
		"backend", g.Backend, "default_port", optInt(g.DefaultPort),
		"health_check.type", hc.Type, "health_check.path", hc.Path,
		"health_check.interval", hc.Interval.String(), "health_check.rise", optInt(hc.Rise),
		"health_check.fall", optInt(hc.Fall), "drain_timeout", g.DrainTimeout.String())
}

func optInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}
