package fleet

import (
	"fmt"
	"net/netip"

	"lbconsole/lb"
)

// keptNote explains a problem with a member that the file did not list.
const keptNote = "current member, kept because the file lists no members for this group: "

// members applies the rules that need the inventory to a group's members as they will be.
func (c *worldChecker) members(g *wGroup) {
	l, ok := c.w.lbs[g.lb]
	if !ok {
		return
	}
	gat := groupPath(g.lb, g.ID)
	type seenAt struct {
		index int
		raw   string
	}
	seen := make(map[string]seenAt, len(g.members))
	file := g.file && !g.kept
	for i, m := range g.members {
		bad := func(field, format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if g.kept {
				msg = keptNote + msg + "; list the group's members in the file to change them"
			}
			c.add(memberAt(gat, m, i), file, field, "%s", msg)
		}
		addr, ok := c.memberRules(g, l, m, bad)
		if !ok {
			continue
		}
		key, raw := memberKey(g.Kind, m, addr), rawMemberKey(g.Kind, m)
		if first, dup := seen[key]; dup && first.raw != raw {
			bad(memberField(m), "%s is the same member as members[%d] (the same address and port)", m.Label(), first.index)
		} else if !dup {
			seen[key] = seenAt{i, raw}
		}
	}
}

// memberRules checks one member against the inventory and returns its address.
func (c *worldChecker) memberRules(g *wGroup, l *wLB, m Member, bad func(field, format string, args ...any)) (netip.Addr, bool) {
	if m.Server == "" {
		a, msg := parseAddress(m.Address)
		if msg != "" {
			return a, false // the file checks report it
		}
		if c.w.subnetHolding(l.VPC, a) == nil {
			bad("address", "%s is in no subnet of the load balancer's vpc %s", a, l.VPC)
		}
		return a, true
	}
	s, ok := c.w.servers[m.Server]
	if !ok {
		bad("server", "server %s does not exist: %s", ident(m.Server), nowhere)
		return netip.Addr{}, false
	}
	if vpc := c.w.vpcOfServer(s); vpc != "" && vpc != l.VPC {
		bad("server", "server %s is in vpc %s, not in the load balancer's vpc %s", s.ID, vpc, l.VPC)
	}
	if m.Address != "" && m.Address != s.Address {
		hint := ": give one or the other, or the same"
		if g.kept {
			hint = ""
		}
		bad("address", "%s is not the address of server %s (%s)%s", ident(m.Address), s.ID, s.Address, hint)
	}
	if !g.kept && s.Status != lb.StatusRunning && !alreadyMember(g, m) {
		bad("server", "server %s is %s: only Running servers can be added", s.ID, s.Status)
	}
	return s.addr, s.addr.IsValid()
}

// alreadyMember says whether the server is in the group now: the rule that a server must be
// running applies to servers joining a group, not to those staying.
func alreadyMember(g *wGroup, m Member) bool {
	for _, cur := range g.current {
		if cur.Server == m.Server && (g.Kind == lb.KindDefault || cur.Port == m.Port) {
			return true
		}
	}
	return false
}

// memberKey is what must be unique within a group: the address and the port (none in the
// default list).
func memberKey(kind lb.GroupKind, m Member, addr netip.Addr) string {
	if kind == lb.KindDefault {
		return addr.String()
	}
	return fmt.Sprintf("%s:%d", addr, m.Port)
}
