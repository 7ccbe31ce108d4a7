package fleet

import (
	"net/netip"
	"slices"
)

// world is the fleet as it will be: the current state with the file's objects laid over it (or,
// when pruning, the file's objects alone), indexed for the checks and the planner. Every object
// remembers whether the file named it.
type world struct {
	regions map[string]*wRegion
	vpcs    map[string]*wVPC
	subnets map[string]*wSubnet
	servers map[string]*wServer
	lbs     map[string]*wLB
	groups  map[string]*wGroup

	subnetsByVPC map[string][]*wSubnet
	groupsByLB   map[string][]*wGroup
	// serversAt lists the servers at each address of each VPC.
	serversAt map[vpcAddr][]*wServer
}

type vpcAddr struct {
	vpc  string
	addr netip.Addr
}

type wRegion struct {
	Region
	file bool
}

type wVPC struct {
	VPC
	prefix netip.Prefix
	file   bool
}

type wSubnet struct {
	Subnet
	prefix netip.Prefix
	file   bool
}

type wServer struct {
	Server
	addr netip.Addr
	file bool
}

type wLB struct {
	LoadBalancer // effective, without its groups
	addr         netip.Addr
	file         bool
}

type wGroup struct {
	lb    string
	Group // effective, without its members
	file  bool
	// members are the group's members as they will be: the file's list, or the current ones
	// when the file lists none (then kept is true).
	members []Member
	kept    bool
	// current are the group's members now, when it exists.
	current []Member
}

// buildWorld lays desired over current. keepCurrent false leaves out every current object the
// file does not name (pruning), but a group the file names without members still keeps its
// current members. Objects of the file with unusable ids are left out: the file checks report
// them.
func buildWorld(current, desired *Document, keepCurrent bool) *world {
	w := &world{
		regions: map[string]*wRegion{}, vpcs: map[string]*wVPC{}, subnets: map[string]*wSubnet{},
		servers: map[string]*wServer{}, lbs: map[string]*wLB{}, groups: map[string]*wGroup{},
	}
	currentMembers := map[string][]Member{}
	if current != nil {
		for _, l := range current.LoadBalancers {
			for _, g := range l.Groups {
				if g.Members != nil {
					currentMembers[g.ID] = *g.Members
				}
			}
		}
		if keepCurrent {
			w.add(current, false, currentMembers)
		}
	}
	if desired != nil {
		w.add(desired, true, currentMembers)
	}
	w.index()
	return w
}

func (w *world) add(d *Document, file bool, currentMembers map[string][]Member) {
	usable := func(id string) bool { return !file || validID(id) }
	for _, r := range d.Regions {
		if usable(r.ID) {
			w.regions[r.ID] = &wRegion{r, file}
		}
	}
	for _, v := range d.VPCs {
		if usable(v.ID) {
			p, _ := parseCIDR(v.CIDR)
			w.vpcs[v.ID] = &wVPC{v, p, file}
		}
	}
	for _, s := range d.Subnets {
		if usable(s.ID) {
			p, _ := parseCIDR(s.CIDR)
			w.subnets[s.ID] = &wSubnet{s, p, file}
		}
	}
	for _, s := range d.Servers {
		if usable(s.ID) {
			a, _ := parseAddress(s.Address)
			w.servers[s.ID] = &wServer{s.Effective(), a, file}
		}
	}
	for _, l := range d.LoadBalancers {
		if usable(l.ID) {
			w.addLB(l, file, currentMembers)
		}
	}
}

func (w *world) addLB(l LoadBalancer, file bool, currentMembers map[string][]Member) {
	a, _ := parseAddress(l.Address)
	bare := l
	bare.Groups = nil
	w.lbs[l.ID] = &wLB{bare.Effective(), a, file}
	for _, g := range l.Groups {
		if file && !validID(g.ID) {
			continue
		}
		wg := &wGroup{lb: l.ID, Group: g.Effective(), file: file, current: currentMembers[g.ID]}
		wg.Group.Members = nil
		if g.Members != nil {
			wg.members = *g.Members
		} else {
			wg.members, wg.kept = wg.current, true
		}
		w.groups[g.ID] = wg
	}
}

func (w *world) index() {
	w.subnetsByVPC = map[string][]*wSubnet{}
	for _, id := range sortedKeys(w.subnets) {
		s := w.subnets[id]
		w.subnetsByVPC[s.VPC] = append(w.subnetsByVPC[s.VPC], s)
	}
	w.groupsByLB = map[string][]*wGroup{}
	for _, id := range sortedKeys(w.groups) {
		g := w.groups[id]
		w.groupsByLB[g.lb] = append(w.groupsByLB[g.lb], g)
	}
	w.serversAt = map[vpcAddr][]*wServer{}
	for _, id := range sortedKeys(w.servers) {
		s := w.servers[id]
		if vpc := w.vpcOfServer(s); vpc != "" && s.addr.IsValid() {
			k := vpcAddr{vpc, s.addr}
			w.serversAt[k] = append(w.serversAt[k], s)
		}
	}
}

// vpcOfServer is the VPC of the server's subnet, or "" when the subnet is unknown.
func (w *world) vpcOfServer(s *wServer) string {
	if sn, ok := w.subnets[s.Subnet]; ok {
		return sn.VPC
	}
	return ""
}

// subnetHolding finds the subnet of vpc whose range holds a.
func (w *world) subnetHolding(vpc string, a netip.Addr) *wSubnet {
	for _, s := range w.subnetsByVPC[vpc] {
		if s.prefix.IsValid() && s.prefix.Contains(a) {
			return s
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
