// Package demo is the demo data of `console serve --demo`, written as a fleet file would write
// it: 3 regions, each with a production VPC of three subnets and a staging VPC of one, 480
// servers (about one in twelve stopped), and 15 load balancers (one locked, one inactive), each
// with a default server list and 2 to 4 VServer groups, one of them with 263 members. The same
// seed gives the same ids and names on every machine.
//
// Seed puts it into an empty database through the store's fleet apply, so the demo obeys every
// rule a fleet file does.
package demo

import (
	"fmt"
	"math/rand/v2"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// Seed0 makes the demo data the same on every machine.
const Seed0 = 20260101

type region struct {
	id, name, octet, publicPrefix, short string
}

var regions = []region{
	{"cn-hangzhou", "China (Hangzhou)", "10", "47.96", "hz"},
	{"cn-shanghai", "China (Shanghai)", "11", "106.14", "sh"},
	{"eu-central-1", "Germany (Frankfurt)", "12", "8.209", "fra"},
}

var lbNames = []string{"web-frontend", "api-gateway", "checkout", "static-assets", "internal-grpc"}

// Fleet returns the demo fleet as it stands once seeded: some servers stopped while they are
// members of groups, a locked load balancer with groups. No single apply can make that (a
// stopped server cannot join a group, a locked load balancer takes no new group), so Seed
// applies Started first and then Fleet.
func Fleet() fleet.Document {
	b := newBuilder()
	for i, r := range regions {
		b.region(i, r)
	}
	return fleet.Sorted(b.doc)
}

// Started is Fleet with every server running and every load balancer active.
func Started() fleet.Document {
	doc := Fleet()
	servers := make([]fleet.Server, len(doc.Servers))
	for i, s := range doc.Servers {
		s.Status = lb.StatusRunning
		servers[i] = s
	}
	lbs := make([]fleet.LoadBalancer, len(doc.LoadBalancers))
	for i, l := range doc.LoadBalancers {
		l.Status = lb.LBActive
		lbs[i] = l
	}
	doc.Servers, doc.LoadBalancers = servers, lbs
	return doc
}

// builder makes the demo with one seeded random source, drawing from it in the order the demo
// always has, so that every id stays as it was.
type builder struct {
	rng *rand.ChaCha8
	doc fleet.Document
}

func newBuilder() *builder {
	var seed [32]byte
	copy(seed[:], fmt.Sprint(Seed0))
	return &builder{rng: rand.NewChaCha8(seed)}
}

func (b *builder) id(prefix string) string { return lb.IDFrom(b.rng, prefix) }

func (b *builder) region(idx int, r region) {
	b.doc.Regions = append(b.doc.Regions, fleet.Region{ID: r.id, Name: r.name})
	prodVPC, prodSubnets := b.vpc(r, "prod", "10."+r.octet+".0.0/16", 3)
	_, stagingSubnets := b.vpc(r, "staging", fmt.Sprintf("172.%d.0.0/16", 16+idx), 1)
	servers := b.servers(r, prodSubnets, 150, "")
	b.servers(r, stagingSubnets, 10, "stg-")
	for i, name := range lbNames {
		b.loadBalancer(idx, i, r, name, prodVPC, servers)
	}
}

// vpc adds a VPC with n /24 subnets numbered from 1.
func (b *builder) vpc(r region, name, cidr string, n int) (string, []fleet.Subnet) {
	v := fleet.VPC{ID: b.id("vpc-"), Region: r.id, Name: name + "-" + r.id, CIDR: cidr}
	b.doc.VPCs = append(b.doc.VPCs, v)
	prefix := cidr[:len(cidr)-len("0.0/16")]
	var subnets []fleet.Subnet
	for i := 1; i <= n; i++ {
		sn := fleet.Subnet{ID: b.id("vsw-"), VPC: v.ID, Name: fmt.Sprintf("%s-zone-%c", name, 'a'+i-1), CIDR: fmt.Sprintf("%s%d.0/24", prefix, i)}
		b.doc.Subnets = append(b.doc.Subnets, sn)
		subnets = append(subnets, sn)
	}
	return v.ID, subnets
}

// servers adds n servers spread over the subnets; about one in twelve is stopped, and one in
// ten is a network interface.
func (b *builder) servers(r region, subnets []fleet.Subnet, n int, namePrefix string) []fleet.Server {
	var out []fleet.Server
	for i := 0; i < n; i++ {
		sn := subnets[i%len(subnets)]
		s := fleet.Server{
			ID:      b.id("i-"),
			Name:    fmt.Sprintf("%s%s-%03d", namePrefix, r.short, i+1),
			Address: fmt.Sprintf("%s%d", sn.CIDR[:len(sn.CIDR)-len("0/24")], 10+i/len(subnets)),
			Subnet:  sn.ID,
			Type:    lb.TypeECS,
			Status:  lb.StatusRunning,
		}
		if i%10 == 9 {
			s.Type, s.ID = lb.TypeENI, "eni-"+s.ID[2:]
		}
		if b.rng.Uint64()%12 == 0 {
			s.Status = lb.StatusStopped
		}
		b.doc.Servers = append(b.doc.Servers, s)
		out = append(out, s)
	}
	return out
}

func (b *builder) loadBalancer(regionIdx, i int, r region, name, vpcID string, servers []fleet.Server) {
	l := fleet.LoadBalancer{ID: b.id("lb-"), Region: r.id, Name: name + "-" + r.short, VPC: vpcID,
		Address: fmt.Sprintf("%s.%d.%d", r.publicPrefix, 20+regionIdx, 100+i), AddressType: fleet.AddressInternet, Status: lb.LBActive}
	if name == "internal-grpc" {
		l.AddressType, l.Address = fleet.AddressIntranet, fmt.Sprintf("10.%s.0.%d", r.octet, 5+i)
	}
	switch {
	case regionIdx == 0 && name == "checkout":
		l.Status = lb.LBLocked
	case regionIdx == 1 && name == "static-assets":
		l.Status = lb.LBInactive
	}
	l.Groups = append(l.Groups, b.group("default", lb.KindDefault, servers, 0, 6, 0))
	for g := 0; g < 2+(regionIdx+i)%3; g++ {
		port := []int{80, 443, 8080, 9000}[g]
		size := 8 + int(b.rng.Uint64()%25)
		start := (i*17 + g*29) % len(servers)
		if regionIdx == 0 && i == 0 && g == 0 {
			// One big group: every server of the region on port 80, and most of them on 8080 too.
			l.Groups = append(l.Groups, b.group("web-http", lb.KindVServer, servers, 0, len(servers), 80, 8080))
			continue
		}
		l.Groups = append(l.Groups, b.group(fmt.Sprintf("%s-%d", name, port), lb.KindVServer, servers, start, size, port))
	}
	b.doc.LoadBalancers = append(b.doc.LoadBalancers, l)
}

// group makes a group holding size servers from start (wrapping), on each of ports; the second
// port takes three servers in four, so the big group has 150 + 113 members. Each member is
// described by its server's name; one in seven has weight 50.
func (b *builder) group(name string, kind lb.GroupKind, servers []fleet.Server, start, size int, ports ...int) fleet.Group {
	id := b.id("rsp-")
	if kind == lb.KindDefault {
		id = b.id("dfl-") // the demo has always drawn both
		ports = []int{0}
	}
	members := []fleet.Member{}
	for pi, port := range ports {
		for k := 0; k < size; k++ {
			if pi > 0 && k%4 == 3 {
				continue
			}
			s := servers[(start+k)%len(servers)]
			weight := 100
			if k%7 == 6 {
				weight = 50
			}
			description := s.Name
			members = append(members, fleet.Member{Server: s.ID, Port: port, Weight: &weight, Description: &description})
			// The demo once drew its member ids from the same source: drawing as many keeps
			// every id after them as it was. Member ids are the store's to make now.
			lb.UUIDFrom(b.rng)
		}
	}
	return fleet.Group{ID: id, Name: name, Kind: kind, Members: &members}
}
