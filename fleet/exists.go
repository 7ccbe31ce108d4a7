package fleet

// The admin pages create and edit one object at a time, and must neither overwrite an object
// when asked to create one nor make again one that someone deleted while it was being edited.

// Has reports whether doc holds the object of kind with id; a group is looked for in every
// load balancer, since group ids are unique across them.
func (doc Document) Has(kind Kind, id string) bool {
	switch kind {
	case KindRegion:
		return hasID(doc.Regions, id, func(r Region) string { return r.ID })
	case KindVPC:
		return hasID(doc.VPCs, id, func(v VPC) string { return v.ID })
	case KindSubnet:
		return hasID(doc.Subnets, id, func(s Subnet) string { return s.ID })
	case KindServer:
		return hasID(doc.Servers, id, func(s Server) string { return s.ID })
	case KindLoadBalancer:
		return hasID(doc.LoadBalancers, id, func(l LoadBalancer) string { return l.ID })
	case KindGroup:
		for _, l := range doc.LoadBalancers {
			if hasID(l.Groups, id, func(g Group) string { return g.ID }) {
				return true
			}
		}
	}
	return false
}

func hasID[T any](list []T, id string, idOf func(T) string) bool {
	for _, v := range list {
		if idOf(v) == id {
			return true
		}
	}
	return false
}

// Taken is the problem of creating an object whose id is in use. lbID places a group, and is
// ignored for other kinds.
func Taken(kind Kind, lbID, id string) Problem {
	at := placeOf(kind, lbID, id)
	return Problem{Kind: kind, ID: id, Path: at.path, Field: "id",
		Message: kind.Human() + " " + ident(id) + " exists already: choose another id, or edit that " + kind.Human()}
}

// Gone is the problem of changing an object that does not exist (any more): someone may have
// deleted it meanwhile, and a change must not make it again.
func Gone(kind Kind, lbID, id string) Problem {
	at := placeOf(kind, lbID, id)
	return Problem{Kind: kind, ID: id, Path: at.path, Field: "id",
		Message: kind.Human() + " " + ident(id) + " does not exist (was it deleted meanwhile?): nothing was changed"}
}

func placeOf(kind Kind, lbID, id string) place {
	if kind == KindGroup {
		return groupPath(lbID, id)
	}
	return pathOf(kind, id)
}
