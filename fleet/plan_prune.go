package fleet

import (
	"fmt"
	"strings"
)

// ref names one object.
type ref struct {
	kind Kind
	id   string
}

// pruneRefusals finds the objects a prune would delete while something that stays still refers
// to them. w is the world after the prune, was the world now: a reference that w cannot
// resolve but was can is to an object the prune deletes.
func pruneRefusals(w, was *world, words refusalWords) Problems {
	referrers := map[ref][]string{}
	refer := func(to ref, exists bool, from string) {
		if !exists && to.id != "" && was.has(to) {
			referrers[to] = append(referrers[to], from)
		}
	}
	for _, id := range sortedKeys(w.vpcs) {
		_, ok := w.regions[w.vpcs[id].Region]
		refer(ref{KindRegion, w.vpcs[id].Region}, ok, "vpc "+id)
	}
	for _, id := range sortedKeys(w.subnets) {
		_, ok := w.vpcs[w.subnets[id].VPC]
		refer(ref{KindVPC, w.subnets[id].VPC}, ok, "subnet "+id)
	}
	for _, id := range sortedKeys(w.servers) {
		_, ok := w.subnets[w.servers[id].Subnet]
		refer(ref{KindSubnet, w.servers[id].Subnet}, ok, "server "+id)
	}
	for _, id := range sortedKeys(w.lbs) {
		l := w.lbs[id]
		_, ok := w.regions[l.Region]
		refer(ref{KindRegion, l.Region}, ok, "load balancer "+id)
		_, ok = w.vpcs[l.VPC]
		refer(ref{KindVPC, l.VPC}, ok, "load balancer "+id)
	}
	for _, id := range sortedKeys(w.groups) {
		memberRefs(w, was, w.groups[id], refer)
	}
	return refusals(referrers, words)
}

// memberRefs reports what a group's members refer to: their servers, and for a member given by
// address alone, the subnet that holds the address.
func memberRefs(w, was *world, g *wGroup, refer func(ref, bool, string)) {
	l, ok := w.lbs[g.lb]
	if !ok {
		return
	}
	from := "group " + g.ID
	if g.kept {
		from += " (its current members: the file lists none for it)"
	}
	for _, m := range g.members {
		if m.Server != "" {
			_, ok := w.servers[m.Server]
			refer(ref{KindServer, m.Server}, ok, from)
			continue
		}
		a, msg := parseAddress(m.Address)
		if msg != "" || w.subnetHolding(l.VPC, a) != nil {
			continue
		}
		if sn := was.subnetHolding(l.VPC, a); sn != nil {
			refer(ref{KindSubnet, sn.ID}, false, fmt.Sprintf("%s (member %s)", from, m.Label()))
		}
	}
}

func (w *world) has(r ref) bool {
	var ok bool
	switch r.kind {
	case KindRegion:
		_, ok = w.regions[r.id]
	case KindVPC:
		_, ok = w.vpcs[r.id]
	case KindSubnet:
		_, ok = w.subnets[r.id]
	case KindServer:
		_, ok = w.servers[r.id]
	}
	return ok
}

// refusals words one problem per object that cannot be deleted, in the order of kinds.
func refusals(referrers map[ref][]string, words refusalWords) Problems {
	var problems Problems
	for _, kind := range []Kind{KindRegion, KindVPC, KindSubnet, KindServer} {
		var ids []string
		for r := range referrers {
			if r.kind == kind {
				ids = append(ids, r.id)
			}
		}
		for _, id := range sortedKeys(setOf(ids)) {
			at := pathOf(kind, id)
			from := unique(referrers[ref{kind, id}])
			problems = append(problems, Problem{Kind: kind, ID: id, Path: at.path, Message: words.referenced(kind, id, from)})
		}
	}
	return problems
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func unique(list []string) []string {
	return sortedKeys(setOf(list))
}

// listOf names up to five referrers and counts the rest.
func listOf(names []string) string {
	const shown = 5
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}

func verb(n int) string {
	if n == 1 {
		return "refers"
	}
	return "refer"
}
