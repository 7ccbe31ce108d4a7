package fleet

import (
	"fmt"
	"math/rand/v2"
	"time"

	"lbconsole/lb"
)

// Generation limits: a /16 VPC holds 256 /24 subnets of 200 servers each, so that every host
// address stays clear of .0, .250 (kept for members given by address) and .255.
const (
	genServersPerSubnet = 200
	genMaxSubnets       = 256
	genLBsPerVPC        = 50
)

// Generate makes a valid synthetic fleet of nLBs load balancers and nServers servers, the same
// for the same seed: regions, VPCs with /24 subnets sized to hold the servers, servers (about
// one in seventeen stopped), and load balancers each with a default server list and one or two
// VServer groups whose members are running servers of its VPC, one of them given by address
// alone. A third of the load balancers have an HAProxy data plane. It is for scale tests and
// benchmarks; the document comes sorted.
func Generate(nLBs, nServers int, seed uint64) Document {
	g := generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	nVPCs := max(1, (nLBs+genLBsPerVPC-1)/genLBsPerVPC, (nServers+genServersPerSubnet*genMaxSubnets-1)/(genServersPerSubnet*genMaxSubnets))
	g.regions(min(8, max(1, nVPCs/25)))
	g.vpcs(nVPCs, nServers)
	g.servers(nServers)
	for i := range nLBs {
		g.loadBalancer(i)
	}
	return Sorted(g.doc)
}

type generator struct {
	rng     *rand.Rand
	doc     Document
	running [][]int // per VPC, the indexes in doc.Servers of its running servers
}

func (g *generator) regions(n int) {
	for i := range n {
		g.doc.Regions = append(g.doc.Regions, Region{ID: fmt.Sprintf("gen-region-%d", i+1), Name: fmt.Sprintf("Generated region %d", i+1)})
	}
}

func (g *generator) vpcs(n, nServers int) {
	g.running = make([][]int, n)
	for v := range n {
		g.doc.VPCs = append(g.doc.VPCs, VPC{ID: vpcID(v), Region: g.doc.Regions[v%len(g.doc.Regions)].ID,
			Name: fmt.Sprintf("vpc %d", v), CIDR: fmt.Sprintf("10.%d.0.0/16", v%256)})
		inVPC := nServers/n + min(1, max(0, nServers%n-v))
		for s := range max(1, (inVPC+genServersPerSubnet-1)/genServersPerSubnet) {
			g.doc.Subnets = append(g.doc.Subnets, Subnet{ID: subnetID(v, s), VPC: vpcID(v),
				Name: fmt.Sprintf("zone %d", s), CIDR: fmt.Sprintf("10.%d.%d.0/24", v%256, s)})
		}
	}
}

func vpcID(v int) string       { return fmt.Sprintf("vpc-gen-%05d", v) }
func subnetID(v, s int) string { return fmt.Sprintf("vsw-gen-%05d-%03d", v, s) }

// servers deals the servers out to the VPCs in turn.
func (g *generator) servers(n int) {
	nVPCs := len(g.doc.VPCs)
	for j := range n {
		v, k := j%nVPCs, j/nVPCs
		s := Server{ID: fmt.Sprintf("i-gen-%07d", j), Name: fmt.Sprintf("gen-%d", j),
			Address: fmt.Sprintf("10.%d.%d.%d", v%256, k/genServersPerSubnet, 10+k%genServersPerSubnet),
			Subnet:  subnetID(v, k/genServersPerSubnet), Type: lb.TypeECS, Status: lb.StatusRunning}
		if j%10 == 9 {
			s.Type = lb.TypeENI
		}
		if g.rng.IntN(17) == 0 {
			s.Status = lb.StatusStopped
		} else {
			g.running[v] = append(g.running[v], j)
		}
		g.doc.Servers = append(g.doc.Servers, s)
	}
}

func (g *generator) loadBalancer(i int) {
	v := i % len(g.doc.VPCs)
	vpc := g.doc.VPCs[v]
	l := LoadBalancer{ID: fmt.Sprintf("lb-gen-%05d", i), Name: fmt.Sprintf("gen-lb-%d", i), Region: vpc.Region, VPC: vpc.ID,
		Address: fmt.Sprintf("198.%d.%d.%d", 18+i>>16, i>>8&0xff, i&0xff), AddressType: AddressInternet, Status: lb.LBActive}
	if nth := i / len(g.doc.VPCs); i%5 == 4 && nth < 250 {
		l.AddressType, l.Address = AddressIntranet, fmt.Sprintf("10.%d.255.%d", v%256, nth+1)
	}
	if i%3 == 0 {
		l.DataPlane = &DataPlane{HAProxy: &HAProxy{RuntimeAPI: []string{fmt.Sprintf("unix:/run/haproxy/gen-%05d.sock", i)}}}
	}
	dfl := Group{ID: fmt.Sprintf("dfl-gen-%05d", i), Name: "default", Kind: lb.KindDefault, DefaultPort: intPtr(80)}
	dfl.Members = g.members(v, 2, 0, false)
	l.Groups = append(l.Groups, dfl)
	for k := range 1 + i%2 {
		port := []int{80, 443}[k]
		grp := Group{ID: fmt.Sprintf("rsp-gen-%05d-%d", i, k), Name: fmt.Sprintf("gen-%d-%d", i, port), Kind: lb.KindVServer}
		if k == 0 {
			grp.HealthCheck = &HealthCheck{Type: CheckHTTP, Path: "/healthz", Interval: Dur(time.Second), Rise: intPtr(2), Fall: intPtr(3)}
			grp.DrainTimeout = Dur(10 * time.Second)
		}
		grp.Members = g.members(v, 3+g.rng.IntN(4), port, k == 0)
		l.Groups = append(l.Groups, grp)
	}
	g.doc.LoadBalancers = append(g.doc.LoadBalancers, l)
}

// members picks n distinct running servers of VPC v, and with byAddress one more member given
// by an address that no server has.
func (g *generator) members(v, n, port int, byAddress bool) *[]Member {
	pool := g.running[v]
	list := []Member{}
	for _, idx := range g.pick(len(pool), n) {
		m := Member{Server: g.doc.Servers[pool[idx]].ID, Port: port, Weight: intPtr(10 * g.rng.IntN(11))}
		if g.rng.IntN(4) == 0 {
			d := fmt.Sprintf("canary %d", g.rng.IntN(100))
			m.Description = &d
		}
		list = append(list, m)
	}
	if byAddress {
		list = append(list, Member{Address: fmt.Sprintf("10.%d.0.250", v%256), Port: port, Weight: intPtr(lb.DefaultWeight)})
	}
	return &list
}

// pick returns up to n distinct indexes below size, at random.
func (g *generator) pick(size, n int) []int {
	n = min(n, size)
	chosen := make(map[int]bool, n)
	out := make([]int, 0, n)
	for len(out) < n {
		if i := g.rng.IntN(size); !chosen[i] {
			chosen[i] = true
			out = append(out, i)
		}
	}
	return out
}
