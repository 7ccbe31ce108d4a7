package fleet

import (
	"fmt"
	"strings"

	"lbconsole/lb"
)

// fileChecker checks each object of a file on its own: ids, names, values, and ids given twice.
type fileChecker struct {
	problems Problems
}

func (c *fileChecker) add(at place, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Kind: at.kind, ID: at.id, Path: at.path, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *fileChecker) addIf(at place, field, msg string) {
	if msg != "" {
		c.add(at, field, "%s", msg)
	}
}

// objectAt names the i-th object of a list by its id, or by #i when its id is unusable.
func objectAt(kind Kind, list, parent string, id string, i int) place {
	seg := id
	if !validID(id) {
		seg = fmt.Sprintf("#%d", i)
	}
	path := list + "[" + seg + "]"
	if parent != "" {
		path = parent + "." + path
	}
	if id == "" {
		id = fmt.Sprintf("#%d", i)
	}
	return place{kind: kind, id: id, path: path}
}

// ids remembers the ids of one kind, to refuse one given twice.
type ids map[string]string // id → path of its first object

func (c *fileChecker) id(seen ids, at place, id string) {
	if msg := checkID(id); msg != "" {
		c.add(at, "id", "%s", msg)
		return
	}
	if first, dup := seen[id]; dup {
		c.add(at, "id", "%s %s is given twice (first at %s)", at.kind.Human(), id, first)
		return
	}
	seen[id] = at.path
}

func checkFile(doc Document) Problems {
	c := &fileChecker{}
	seen := map[Kind]ids{KindRegion: {}, KindVPC: {}, KindSubnet: {}, KindServer: {}, KindLoadBalancer: {}, KindGroup: {}}
	for i, r := range doc.Regions {
		at := objectAt(KindRegion, "regions", "", r.ID, i)
		c.id(seen[KindRegion], at, r.ID)
		c.addIf(at, "name", checkName(r.Name, true, MaxNameLen))
	}
	for i, v := range doc.VPCs {
		at := objectAt(KindVPC, "vpcs", "", v.ID, i)
		c.id(seen[KindVPC], at, v.ID)
		c.ref(at, "region", v.Region)
		c.addIf(at, "name", checkName(v.Name, true, MaxNameLen))
		_, msg := parseCIDR(v.CIDR)
		c.addIf(at, "cidr", msg)
	}
	for i, s := range doc.Subnets {
		at := objectAt(KindSubnet, "subnets", "", s.ID, i)
		c.id(seen[KindSubnet], at, s.ID)
		c.ref(at, "vpc", s.VPC)
		c.addIf(at, "name", checkName(s.Name, true, MaxNameLen))
		_, msg := parseCIDR(s.CIDR)
		c.addIf(at, "cidr", msg)
	}
	for i, s := range doc.Servers {
		at := objectAt(KindServer, "servers", "", s.ID, i)
		c.id(seen[KindServer], at, s.ID)
		c.server(at, s)
	}
	for i, l := range doc.LoadBalancers {
		at := objectAt(KindLoadBalancer, "load_balancers", "", l.ID, i)
		c.id(seen[KindLoadBalancer], at, l.ID)
		c.loadBalancer(at, l, seen[KindGroup])
	}
	return c.problems
}

// ref checks that a reference is given; whether it resolves is the world's check.
func (c *fileChecker) ref(at place, field, id string) {
	if id == "" {
		c.add(at, field, "%s is missing", field)
	}
}

func (c *fileChecker) server(at place, s Server) {
	c.addIf(at, "name", checkName(s.Name, false, MaxNameLen))
	_, msg := parseAddress(s.Address)
	c.addIf(at, "address", msg)
	c.ref(at, "subnet", s.Subnet)
	if s.Type != "" {
		c.addIf(at, "type", oneOf(s.Type, lb.TypeECS, lb.TypeENI, lb.TypeECI))
	}
	if s.Status != "" {
		c.addIf(at, "status", oneOf(s.Status, lb.StatusRunning, lb.StatusStopped))
	}
}

func (c *fileChecker) loadBalancer(at place, l LoadBalancer, groupIDs ids) {
	c.addIf(at, "name", checkName(l.Name, true, MaxNameLen))
	c.ref(at, "region", l.Region)
	c.ref(at, "vpc", l.VPC)
	_, msg := parseAddress(l.Address)
	c.addIf(at, "address", msg)
	if l.AddressType == "" {
		c.add(at, "address_type", "address_type is missing: internet or intranet")
	} else {
		c.addIf(at, "address_type", oneOf(l.AddressType, AddressInternet, AddressIntranet))
	}
	if l.Status != "" {
		c.addIf(at, "status", oneOf(l.Status, lb.LBActive, lb.LBInactive, lb.LBLocked))
	}
	if l.DataPlane != nil {
		for _, p := range checkDataPlane(l.DataPlane) {
			c.add(at, p.field, "%s", p.message)
		}
	}
	defaultList := ""
	for i, g := range l.Groups {
		gat := objectAt(KindGroup, "groups", at.path, g.ID, i)
		c.id(groupIDs, gat, g.ID)
		if g.ID == lb.DefaultGroupRef {
			c.add(gat, "id", "id %q is how the console names every default server list: choose another", g.ID)
		}
		if g.Kind == lb.KindDefault {
			if defaultList != "" {
				c.add(gat, "kind", "load balancer %s already has a default server list (%s): it has at most one", l.ID, defaultList)
			}
			defaultList = gat.id
		}
		c.group(gat, g, l.DataPlane != nil)
	}
}

func (c *fileChecker) group(at place, g Group, hasDataPlane bool) {
	c.addIf(at, "name", checkName(g.Name, true, MaxGroupNameLen))
	if g.Kind == "" {
		c.add(at, "kind", "kind is missing: vserver or default")
	} else {
		c.addIf(at, "kind", oneOf(g.Kind, lb.KindVServer, lb.KindDefault))
	}
	switch {
	case g.Backend != "":
		c.addIf(at, "backend", checkBackend(g.Backend))
	case hasDataPlane && g.Name != "" && checkBackend(g.Name) != "":
		c.add(at, "backend", "the group's name %q cannot name an HAProxy backend: give backend (letters, digits, -, _, . and :)", clip(g.Name))
	}
	c.defaultPort(at, g, hasDataPlane)
	if g.HealthCheck != nil {
		for _, p := range checkHealthCheck(g.HealthCheck) {
			c.add(at, p.field, "%s", p.message)
		}
	}
	if g.DrainTimeout != nil {
		c.addIf(at, "drain_timeout", durationIn(*g.DrainTimeout, 0, MaxDrainTimeout))
	}
	if g.Members != nil {
		c.members(at, g, *g.Members)
		for _, p := range checkHAProxyServers(*g.Members, hasDataPlane) {
			c.add(memberAt(at, (*g.Members)[p.index], p.index), "haproxy_server", "%s", p.message)
		}
	}
}

func (c *fileChecker) defaultPort(at place, g Group, hasDataPlane bool) {
	switch {
	case g.DefaultPort != nil && g.Kind == lb.KindVServer:
		c.add(at, "default_port", "default_port applies only to the default server list: a VServer group's members carry their own port")
	case g.DefaultPort != nil:
		c.addIf(at, "default_port", lbMessage(lb.CheckPort(*g.DefaultPort)))
	case g.Kind == lb.KindDefault && hasDataPlane:
		c.add(at, "default_port", "default_port is missing: the default server list's members have no port, and HAProxy needs one to reach them")
	}
}

func (c *fileChecker) members(at place, g Group, members []Member) {
	if len(members) > MaxGroupMembers {
		c.add(at, "members", "lists %d members: at most %d are allowed in one group", len(members), MaxGroupMembers)
		return
	}
	seen := make(map[string]int, len(members))
	for i, m := range members {
		problems := memberProblems(g.Kind, m)
		key := rawMemberKey(g.Kind, m)
		if first, dup := seen[key]; dup {
			problems = append(problems, fieldProblem{memberField(m), fmt.Sprintf("%s is listed twice in group %s (also members[%d])", m.Label(), ident(g.ID), first)})
		} else {
			seen[key] = i
		}
		if len(problems) > 0 {
			mat := memberAt(at, m, i) // only now: most members have no problem
			for _, p := range problems {
				c.add(mat, p.field, "%s", p.message)
			}
		}
	}
}

func memberAt(group place, m Member, i int) place {
	return place{kind: KindMember, id: m.Label(), path: fmt.Sprintf("%s.members[%d]", group.path, i)}
}

// memberField is the field that names a member: its server, or its address.
func memberField(m Member) string {
	if m.Server != "" {
		return "server"
	}
	return "address"
}

// rawMemberKey is what may not repeat within one group, as the file writes it; the same
// address given once by server and once by address is found when servers are resolved.
func rawMemberKey(kind lb.GroupKind, m Member) string {
	name := "address " + m.Address
	if m.Server != "" {
		name = "server " + m.Server
	}
	if kind == lb.KindDefault {
		return name
	}
	return fmt.Sprintf("%s:%d", name, m.Port)
}

func memberProblems(kind lb.GroupKind, m Member) []fieldProblem {
	var out []fieldProblem
	bad := func(field, msg string) {
		if msg != "" {
			out = append(out, fieldProblem{field, msg})
		}
	}
	if m.Server == "" && m.Address == "" {
		bad("server", "a member names no server: give server or address")
	}
	if m.Address != "" {
		_, msg := parseAddress(m.Address)
		bad("address", msg)
	}
	switch {
	case kind == lb.KindDefault && m.Port != 0:
		bad("port", fmt.Sprintf("the default server list takes no port (got %d): its members all use the group's default_port", m.Port))
	case kind == lb.KindVServer && m.Port == 0:
		bad("port", "port is missing: a VServer group's members each need one")
	case kind == lb.KindVServer:
		bad("port", lbMessage(lb.CheckPort(m.Port)))
	}
	if m.Weight != nil {
		bad("weight", lbMessage(lb.CheckWeight(*m.Weight)))
	}
	if m.Description != nil {
		bad("description", lbMessage(lb.CheckDescription(*m.Description, MaxMemberDescriptionLen)))
	}
	return out
}

func lbMessage(err error) string {
	if err == nil {
		return ""
	}
	return strings.TrimSpace(err.Error())
}
