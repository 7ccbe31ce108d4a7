package fleet

import (
	"lbconsole/lb"
)

// lockRefusals applies the domain's rule that a locked load balancer accepts no changes. One
// locked now and left locked by the file may not change at all; the file unlocks it by giving
// another status, and then everything may change in the same apply. One the file locks may
// change its own fields in that apply, but its groups and members are checked against it as it
// will be: locked. A locked load balancer is not deleted by a prune: unlock it first.
func lockRefusals(p Plan, cur, des docIndex, words refusalWords) Problems {
	var problems Problems
	refuse := func(kind Kind, id, path, msg string) {
		problems = append(problems, Problem{Kind: kind, ID: id, Path: path, Message: msg})
	}
	for _, u := range p.LoadBalancers.Update {
		if u.Old.Status == lb.LBLocked && u.New.Status == lb.LBLocked {
			refuse(KindLoadBalancer, u.New.ID, pathOf(KindLoadBalancer, u.New.ID).path,
				"load balancer "+u.New.ID+" is locked: it accepts no changes; give it another status in the file to change it")
		}
	}
	for _, l := range p.LoadBalancers.Delete {
		if l.Status == lb.LBLocked {
			refuse(KindLoadBalancer, l.ID, pathOf(KindLoadBalancer, l.ID).path, words.lockedDelete(l.ID))
		}
	}
	lockedAfter := func(lbID string) bool {
		if l, ok := des.lbs[lbID]; ok {
			return l.Status == lb.LBLocked
		}
		l, ok := cur.lbs[lbID]
		return ok && l.Status == lb.LBLocked
	}
	groupRefusal := func(g PlacedGroup, what string) {
		if lockedAfter(g.LoadBalancer) {
			refuse(KindGroup, g.ID, groupPath(g.LoadBalancer, g.ID).path,
				"load balancer "+g.LoadBalancer+" is locked: group "+g.ID+" cannot be "+what)
		}
	}
	for _, g := range p.Groups.Create {
		groupRefusal(g, "created")
	}
	for _, u := range p.Groups.Update {
		groupRefusal(u.New, "changed")
	}
	for _, g := range p.Groups.Delete {
		if _, stays := des.lbs[g.LoadBalancer]; stays { // else the load balancer's own delete says it
			groupRefusal(g, "deleted")
		}
	}
	return problems
}
