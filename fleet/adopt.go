package fleet

import (
	"fmt"
	"strconv"
)

// Adoption records that a member is an HAProxy server lbconsole took over rather than created:
// a member the file gives a haproxy_server that the database does not record for it yet. The
// data plane then keeps that server under its own name instead of adding one of its own (see
// dataplane.Server.Adopted), so that adopting what runs and reconciling changes nothing.
type Adoption struct {
	LoadBalancer string
	Group        string
	Address      string // the member's address: its server's, when the file names it by server
	Port         int    // 0 in a default server list
	Name         string // the HAProxy server's name
}

// String says what the adoption records, as the plan prints it.
func (a Adoption) String() string {
	member := a.Address
	if a.Port != 0 {
		member += ":" + strconv.Itoa(a.Port)
	}
	return fmt.Sprintf("adopt haproxy server %s as member %s of group %s", a.Name, member, a.Group)
}

// adoptions lists the haproxy_server names of the file's member lists that the current state
// does not record for the same member (the same address and port), by group and then in the
// file's order.
func adoptions(w *world, cur docIndex) []Adoption {
	var out []Adoption
	for _, id := range sortedKeys(w.groups) {
		g := w.groups[id]
		if !g.file || g.kept {
			continue
		}
		now := recordedNames(cur, g.ID)
		for _, m := range g.members {
			if m.HAProxyServer == "" {
				continue
			}
			addr := m.Address
			if s, ok := w.servers[m.Server]; ok {
				addr = s.Address
			}
			key := addr + " " + strconv.Itoa(m.Port)
			if now[key] != m.HAProxyServer {
				out = append(out, Adoption{LoadBalancer: g.lb, Group: g.ID, Address: addr, Port: m.Port, Name: m.HAProxyServer})
			}
		}
	}
	return out
}

// recordedNames is the haproxy_server of each current member of a group, by "address port".
func recordedNames(cur docIndex, group string) map[string]string {
	out := map[string]string{}
	members := cur.members[group]
	if members == nil {
		return out
	}
	for _, m := range *members {
		if m.HAProxyServer == "" {
			continue
		}
		addr := m.Address
		if addr == "" {
			addr = cur.servers[m.Server].Address
		}
		out[addr+" "+strconv.Itoa(m.Port)] = m.HAProxyServer
	}
	return out
}

// checkHAProxyServers returns the problems of the haproxy_server names of a group's members:
// each must be an HAProxy server name, given once in the group, and only where a data plane
// will use it.
func checkHAProxyServers(members []Member, hasDataPlane bool) []indexedProblem {
	var out []indexedProblem
	seen := map[string]int{}
	for i, m := range members {
		name := m.HAProxyServer
		if name == "" {
			continue
		}
		switch first, dup := seen[name]; {
		case !hasDataPlane:
			out = append(out, indexedProblem{i, "haproxy_server applies only to a load balancer with a dataplane"})
		case checkBackend(name) != "":
			out = append(out, indexedProblem{i, fmt.Sprintf("%q is not an HAProxy server name: use at most %d letters, digits, -, _, . and :", clip(name), MaxBackendLen)})
		case dup:
			out = append(out, indexedProblem{i, fmt.Sprintf("haproxy server %s is also members[%d]'s: one server is one member", name, first)})
		default:
			seen[name] = i
		}
	}
	return out
}

// indexedProblem is a problem of the i-th member of a list.
type indexedProblem struct {
	index   int
	message string
}
