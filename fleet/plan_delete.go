package fleet

import "fmt"

// refusalWords word a plan's refusals to delete for whoever asked: a file applied with
// --prune, or a person deleting one object.
type refusalWords struct {
	// referenced refuses to delete an object that from still refer to.
	referenced func(kind Kind, id string, from []string) string
	// lockedDelete refuses to delete a locked load balancer.
	lockedDelete func(id string) string
}

// fileWords are a pruning file's.
var fileWords = refusalWords{
	referenced: func(kind Kind, id string, from []string) string {
		return fmt.Sprintf("the file does not name %s %s, so --prune would delete it, but %s still %s to it: keep it in the file, or remove what refers to it too",
			kind.Human(), id, listOf(from), verb(len(from)))
	},
	lockedDelete: func(id string) string {
		return "load balancer " + id + " is locked: a prune does not delete it; unlock it first"
	},
}

// deleteWords are those of one object deleted on its own, where no file is involved.
var deleteWords = refusalWords{
	referenced: func(kind Kind, id string, from []string) string {
		return fmt.Sprintf("%s %s cannot be deleted while %s %s to it: delete or change %s first",
			kind.Human(), id, listOf(from), verb(len(from)), thatOrThose(len(from)))
	},
	lockedDelete: func(id string) string {
		return "load balancer " + id + " is locked: it cannot be deleted; give it another status first"
	},
}

func thatOrThose(n int) string {
	if n == 1 {
		return "that"
	}
	return "those"
}

// PlanDelete plans deleting one object of current (a load balancer with its groups, a group
// with its members) and nothing else, as a prune of a file that names everything else would,
// and reports whether current holds the object. It refuses, as Problems naming what still
// refers to it, an object that something staying refers to (a subnet's servers, a server's
// groups, a region's VPCs and load balancers, …), and a locked load balancer or a group of one.
//
// The rest of the fleet is planned as it stands, without validating it again: a delete adds
// nothing to check.
func PlanDelete(current Document, kind Kind, id string) (Plan, bool, error) {
	desired, found := Without(current, kind, id)
	if !found {
		return Plan{}, false, nil
	}
	p, err := makePlan(current, desired, true, deleteWords)
	return p, true, err
}

// Without returns a copy of doc without one object, and whether doc held it. Only the lists
// on the way to the object are copied; doc is not changed.
func Without(doc Document, kind Kind, id string) (Document, bool) {
	var found bool
	switch kind {
	case KindRegion:
		doc.Regions, found = dropMatching(doc.Regions, func(r Region) bool { return r.ID == id })
	case KindVPC:
		doc.VPCs, found = dropMatching(doc.VPCs, func(v VPC) bool { return v.ID == id })
	case KindSubnet:
		doc.Subnets, found = dropMatching(doc.Subnets, func(s Subnet) bool { return s.ID == id })
	case KindServer:
		doc.Servers, found = dropMatching(doc.Servers, func(s Server) bool { return s.ID == id })
	case KindLoadBalancer:
		doc.LoadBalancers, found = dropMatching(doc.LoadBalancers, func(l LoadBalancer) bool { return l.ID == id })
	case KindGroup:
		lbs := make([]LoadBalancer, len(doc.LoadBalancers))
		for i, l := range doc.LoadBalancers {
			var dropped bool
			l.Groups, dropped = dropMatching(l.Groups, func(g Group) bool { return g.ID == id })
			found = found || dropped
			lbs[i] = l
		}
		doc.LoadBalancers = lbs
	}
	return doc, found
}

// dropMatching returns a copy of list without the items that match, and whether any did.
func dropMatching[T any](list []T, match func(T) bool) ([]T, bool) {
	out := make([]T, 0, len(list))
	for _, v := range list {
		if !match(v) {
			out = append(out, v)
		}
	}
	return out, len(out) < len(list)
}
