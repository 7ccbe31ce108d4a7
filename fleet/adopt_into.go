package fleet

import "lbconsole/dataplane"

// AdoptInto places a node's proposal in load balancer l as the database has it (subnets being
// those of its VPC): l with the node api among its HAProxy nodes and its groups holding the
// node's servers (a group adopted over one of l's replaces it, by id; new ones follow), alone
// in a document to apply. The command line's `fleet adopt --lb` and the console's adopt page
// both make their file here.
func AdoptInto(l LoadBalancer, subnets []Subnet, api string, p dataplane.Proposal) (Document, Adopted) {
	adopted := AdoptProposal(p, &l, subnets)
	l.Groups = mergeGroups(append([]Group(nil), l.Groups...), adopted.Groups)
	l.DataPlane = withNode(l.DataPlane, api)
	return Document{LoadBalancers: []LoadBalancer{l}}, adopted
}

// mergeGroups replaces the groups adopted names by id and appends the new ones.
func mergeGroups(groups, adopted []Group) []Group {
	index := map[string]int{}
	for i, g := range groups {
		index[g.ID] = i
	}
	for _, g := range adopted {
		if i, ok := index[g.ID]; ok {
			groups[i] = g
		} else {
			groups = append(groups, g)
		}
	}
	return groups
}

// withNode is the data plane with the node api among its nodes.
func withNode(dp *DataPlane, api string) *DataPlane {
	if dp == nil || dp.HAProxy == nil {
		return &DataPlane{HAProxy: &HAProxy{RuntimeAPI: []string{api}}}
	}
	for _, a := range dp.HAProxy.RuntimeAPI {
		if a == api {
			return dp
		}
	}
	nodes := append(append([]string{}, dp.HAProxy.RuntimeAPI...), api)
	return &DataPlane{HAProxy: &HAProxy{RuntimeAPI: nodes}}
}
