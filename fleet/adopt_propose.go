package fleet

import (
	"fmt"
	"net/netip"
	"strings"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/lb"
)

// Adopted is what a running HAProxy node proposes for a fleet file: one VServer group per
// backend that lbconsole can drive, each member an adopted server (haproxy_server), and, one a
// line, what cannot be adopted and why.
type Adopted struct {
	Groups  []Group
	Skipped []string
}

// AdoptProposal turns a node's proposal (dataplane.Propose) into groups for load balancer l:
// a backend that a group of l already drives keeps that group's id, name and settings and
// gets the node's servers as members; any other becomes a new VServer group named after it.
// Each member is named by address and port with its weight and its haproxy_server, so that
// applying the groups and reconciling changes nothing on the node. subnets are those of l's
// VPC: a server at an address none of them holds cannot be a member. With l nil, nothing is
// known of the load balancer: new groups, and addresses unchecked.
//
// A backup server becomes a backup member and a server in maintenance a member in maintenance.
// Left out, each with its reason in Skipped: backends the Runtime API cannot add servers to,
// servers that the proposal says cannot be adopted, servers weighing more than a member may,
// and servers without a health check (every member gets its group's check, so adopting one
// would replace it).
func AdoptProposal(p dataplane.Proposal, l *LoadBalancer, subnets []Subnet) Adopted {
	var out Adopted
	existing := map[string]Group{}
	if l != nil {
		for _, g := range l.Groups {
			existing[g.Effective().Backend] = g
		}
	}
	for _, pb := range p.Backends {
		if len(pb.Problems) > 0 {
			out.Skipped = append(out.Skipped, fmt.Sprintf("backend %s: %s", pb.Name, strings.Join(pb.Problems, "; ")))
			continue
		}
		g, ok := existing[pb.Name]
		if !ok {
			g = newAdoptedGroup(pb)
		}
		members := []Member{}
		for _, s := range pb.Servers {
			m, why := adoptedMember(s, l != nil, subnets)
			if why != "" {
				out.Skipped = append(out.Skipped, fmt.Sprintf("server %s/%s: %s", pb.Name, s.Name, why))
				continue
			}
			members = append(members, m)
		}
		g.Members = &members
		out.Groups = append(out.Groups, g)
	}
	return out
}

// newAdoptedGroup is the VServer group that drives backend pb: named after it, with the check
// its servers have (its interval, which the Runtime API does not show, the default).
func newAdoptedGroup(pb dataplane.ProposedBackend) Group {
	g := Group{ID: adoptedGroupID(pb.Name), Name: pb.Name, Kind: lb.KindVServer}
	if checkName(pb.Name, true, MaxGroupNameLen) != "" {
		g.Name = g.ID
	}
	if g.Name != pb.Name {
		g.Backend = pb.Name
	}
	hc := &HealthCheck{Type: string(pb.Check)}
	if pb.Check == "" {
		hc.Type = DefaultCheckType
	}
	for _, s := range pb.Servers {
		if s.HasCheck {
			rise, fall := s.Rise, s.Fall
			hc.Rise, hc.Fall = &rise, &fall
			break
		}
	}
	g.HealthCheck = hc
	return g
}

// adoptedGroupID makes a group id of a backend name: "rsp-" and the name, ':' (which HAProxy
// allows and ids do not) as '-'.
func adoptedGroupID(backend string) string {
	id := "rsp-" + strings.ReplaceAll(backend, ":", "-")
	if len(id) > MaxIDLen {
		id = id[:MaxIDLen]
	}
	return id
}

// adoptedMember is the member that adopts s, or why it cannot.
func adoptedMember(s dataplane.ProposedServer, checkSubnets bool, subnets []Subnet) (Member, string) {
	switch {
	case len(s.Problems) > 0:
		return Member{}, strings.Join(s.Problems, "; ")
	case s.Weight > lb.MaxWeight:
		return Member{}, fmt.Sprintf("weight %d: a member weighs at most %d; set a lower weight in HAProxy first", s.Weight, lb.MaxWeight)
	case !s.HasCheck:
		return Member{}, "no health check: every member gets its group's, so adopting it would replace it; add `check` to it in haproxy.cfg and reload first"
	case checkSubnets && !inSubnets(s.Address, subnets):
		return Member{}, fmt.Sprintf("address %s is in no subnet of the load balancer's VPC: add a subnet that holds it first", s.Address)
	}
	weight := s.Weight
	if s.State == haproxy.StateDrain {
		weight = 0
	}
	m := Member{Address: s.Address, Port: s.Port, Weight: &weight, HAProxyServer: s.Name}
	if s.Backup {
		m.Backup = &s.Backup
	}
	if s.State == haproxy.StateMaint {
		maint := true
		m.Maintenance = &maint
	}
	return m, ""
}

func inSubnets(address string, subnets []Subnet) bool {
	a, err := netip.ParseAddr(address)
	if err != nil {
		return false
	}
	for _, s := range subnets {
		if p, err := netip.ParsePrefix(s.CIDR); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}
