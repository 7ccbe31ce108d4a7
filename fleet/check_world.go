package fleet

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"lbconsole/lb"
)

// finding is a problem of the world, with whether the object at fault is the file's.
type finding struct {
	Problem
	file bool
}

type worldChecker struct {
	w     *world
	found []finding
}

func (c *worldChecker) add(at place, file bool, field, format string, args ...any) {
	c.found = append(c.found, finding{Problem{Kind: at.kind, ID: at.id, Path: at.path, Field: field, Message: fmt.Sprintf(format, args...)}, file})
}

func pathOf(kind Kind, id string) place {
	list := map[Kind]string{KindRegion: "regions", KindVPC: "vpcs", KindSubnet: "subnets", KindServer: "servers", KindLoadBalancer: "load_balancers"}[kind]
	return place{kind: kind, id: id, path: list + "[" + id + "]"}
}

func groupPath(lbID, id string) place {
	return place{kind: KindGroup, id: id, path: fmt.Sprintf("load_balancers[%s].groups[%s]", lbID, id)}
}

// nowhere is how a missing reference is explained.
const nowhere = "it is neither in the file nor in the database"

// check applies every rule that relates objects to each other.
func (w *world) check() []finding {
	c := &worldChecker{w: w}
	for _, id := range sortedKeys(w.vpcs) {
		v := w.vpcs[id]
		if _, ok := w.regions[v.Region]; !ok && v.Region != "" {
			c.add(pathOf(KindVPC, id), v.file, "region", "region %s does not exist: %s", ident(v.Region), nowhere)
		}
	}
	for _, id := range sortedKeys(w.subnets) {
		c.subnet(w.subnets[id])
	}
	for _, vpc := range sortedKeys(w.subnetsByVPC) {
		c.overlaps(w.subnetsByVPC[vpc])
	}
	for _, id := range sortedKeys(w.servers) {
		c.server(w.servers[id])
	}
	c.serverAddresses()
	for _, id := range sortedKeys(w.lbs) {
		c.loadBalancer(w.lbs[id])
	}
	c.lbAddresses()
	for _, id := range sortedKeys(w.groupsByLB) {
		c.defaultLists(id, w.groupsByLB[id])
	}
	c.backends()
	for _, id := range sortedKeys(w.groups) {
		c.members(w.groups[id])
	}
	return c.found
}

func (c *worldChecker) subnet(s *wSubnet) {
	at := pathOf(KindSubnet, s.ID)
	v, ok := c.w.vpcs[s.VPC]
	switch {
	case !ok && s.VPC != "":
		c.add(at, s.file, "vpc", "vpc %s does not exist: %s", ident(s.VPC), nowhere)
	case ok && s.prefix.IsValid() && v.prefix.IsValid() && !contains(v.prefix, s.prefix):
		c.add(at, s.file || v.file, "cidr", "%s is not inside vpc %s's range %s", s.prefix, v.ID, v.prefix)
	}
}

func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// overlaps finds the subnets of one VPC whose ranges overlap, sweeping them in address order.
func (c *worldChecker) overlaps(subnets []*wSubnet) {
	valid := make([]*wSubnet, 0, len(subnets))
	for _, s := range subnets {
		if s.prefix.IsValid() {
			valid = append(valid, s)
		}
	}
	slices.SortFunc(valid, func(a, b *wSubnet) int {
		if d := a.prefix.Addr().Compare(b.prefix.Addr()); d != 0 {
			return d
		}
		return a.prefix.Bits() - b.prefix.Bits()
	})
	var widest *wSubnet // of those seen, the one whose range reaches furthest
	for _, s := range valid {
		if widest != nil && widest.prefix.Overlaps(s.prefix) {
			blame, other := s, widest
			if !s.file && widest.file {
				blame, other = widest, s
			}
			c.add(pathOf(KindSubnet, blame.ID), blame.file, "cidr", "%s overlaps subnet %s (%s) of the same vpc", blame.prefix, other.ID, other.prefix)
		}
		if widest == nil || lastAddr(s.prefix).Compare(lastAddr(widest.prefix)) > 0 {
			widest = s
		}
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= 1<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

func (c *worldChecker) server(s *wServer) {
	at := pathOf(KindServer, s.ID)
	sn, ok := c.w.subnets[s.Subnet]
	switch {
	case !ok && s.Subnet != "":
		c.add(at, s.file, "subnet", "subnet %s does not exist: %s", ident(s.Subnet), nowhere)
	case ok && s.addr.IsValid() && sn.prefix.IsValid() && !sn.prefix.Contains(s.addr):
		c.add(at, s.file || sn.file, "address", "%s is not in subnet %s (%s)", s.addr, sn.ID, sn.prefix)
	}
}

// serverAddresses refuses two servers at one address of one VPC, blaming the file's.
func (c *worldChecker) serverAddresses() {
	for _, k := range sortedVPCAddrs(c.w.serversAt) {
		blame(c.w.serversAt[k], func(s *wServer) bool { return s.file }, func(s, other *wServer) {
			c.add(pathOf(KindServer, s.ID), s.file, "address", "%s is also the address of server %s in vpc %s", s.addr, other.ID, k.vpc)
		})
	}
}

func sortedVPCAddrs[V any](m map[vpcAddr]V) []vpcAddr {
	keys := make([]vpcAddr, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b vpcAddr) int {
		if d := strings.Compare(a.vpc, b.vpc); d != 0 {
			return d
		}
		return a.addr.Compare(b.addr)
	})
	return keys
}

func (c *worldChecker) loadBalancer(l *wLB) {
	at := pathOf(KindLoadBalancer, l.ID)
	if _, ok := c.w.regions[l.Region]; !ok && l.Region != "" {
		c.add(at, l.file, "region", "region %s does not exist: %s", ident(l.Region), nowhere)
	}
	v, ok := c.w.vpcs[l.VPC]
	switch {
	case !ok && l.VPC != "":
		c.add(at, l.file, "vpc", "vpc %s does not exist: %s", ident(l.VPC), nowhere)
	case !ok:
	case v.Region != l.Region:
		c.add(at, l.file || v.file, "vpc", "vpc %s is in region %s, not in the load balancer's region %s", v.ID, v.Region, l.Region)
	case l.AddressType == AddressIntranet && l.addr.IsValid() && v.prefix.IsValid() && !v.prefix.Contains(l.addr):
		c.add(at, l.file || v.file, "address", "an intranet address must be inside vpc %s (%s): %s is not", v.ID, v.prefix, l.addr)
	}
}

// lbAddresses refuses two load balancers at one address: one internet address anywhere, one
// intranet address within a VPC.
func (c *worldChecker) lbAddresses() {
	at := map[vpcAddr][]*wLB{}
	for _, id := range sortedKeys(c.w.lbs) {
		l := c.w.lbs[id]
		if !l.addr.IsValid() {
			continue
		}
		k := vpcAddr{addr: l.addr}
		if l.AddressType == AddressIntranet {
			k.vpc = l.VPC
		}
		at[k] = append(at[k], l)
	}
	for _, k := range sortedVPCAddrs(at) {
		blame(at[k], func(l *wLB) bool { return l.file }, func(l, other *wLB) {
			c.add(pathOf(KindLoadBalancer, l.ID), l.file, "address", "%s is also the address of load balancer %s", l.addr, other.ID)
		})
	}
}

// defaultLists refuses a second default list that comes from the database: two in the file are
// the file checks' to report.
func (c *worldChecker) defaultLists(lbID string, groups []*wGroup) {
	var fromDB []string
	for _, g := range groups {
		if g.Kind == lb.KindDefault && !g.file {
			fromDB = append(fromDB, g.ID)
		}
	}
	for _, g := range groups {
		if g.Kind == lb.KindDefault && g.file && len(fromDB) > 0 {
			c.add(groupPath(lbID, g.ID), true, "kind", "load balancer %s already has default server list %s in the database, which the file does not name: a load balancer has one default list, so name it %s in the file", lbID, fromDB[0], fromDB[0])
		}
	}
}

// backends refuses two groups that would drive the same backend of one HAProxy node.
func (c *worldChecker) backends() {
	type nodeBackend struct{ node, backend string }
	users := map[nodeBackend][]*wGroup{}
	var order []nodeBackend
	for _, id := range sortedKeys(c.w.lbs) {
		l := c.w.lbs[id]
		if l.DataPlane == nil || l.DataPlane.HAProxy == nil {
			continue
		}
		for _, node := range l.DataPlane.HAProxy.RuntimeAPI {
			for _, g := range c.w.groupsByLB[id] {
				k := nodeBackend{node, g.Backend}
				if users[k] == nil {
					order = append(order, k)
				}
				users[k] = append(users[k], g)
			}
		}
	}
	reported := map[*wGroup]bool{}
	for _, k := range order {
		gs := users[k]
		blame(gs, func(g *wGroup) bool { return g.file }, func(g, other *wGroup) {
			if !reported[g] {
				reported[g] = true
				c.add(groupPath(g.lb, g.ID), g.file, "backend", "backend %s on HAProxy node %s is also group %s's (load balancer %s): each group needs a backend of its own", k.backend, k.node, other.ID, other.lb)
			}
		})
	}
}

// blame reports a clash among items once per item at fault: each of the file's, naming another
// item; or, when none is the file's, each but the first.
func blame[T any](items []T, isFile func(T) bool, report func(item, other T)) {
	if len(items) < 2 {
		return
	}
	fileAny := slices.ContainsFunc(items, isFile)
	for i, it := range items {
		if isFile(it) || (!fileAny && i > 0) {
			other := items[0]
			if i == 0 {
				other = items[1]
			}
			report(it, other)
		}
	}
}
