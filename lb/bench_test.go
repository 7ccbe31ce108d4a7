package lb_test

import (
	"fmt"
	"testing"
	"time"

	"lbconsole/lb"
)

// benchTarget is a VServer group shaped like the demo's biggest: 150 servers on port 80 and
// 113 of them on 8080 too, 263 members in all, in one /16 subnet of the load balancer's VPC.
func benchTarget() lb.Target {
	t := lb.Target{
		LoadBalancer: lb.LoadBalancer{ID: "lb-bench", RegionID: "cn-hangzhou", VpcID: "vpc-bench", Status: lb.LBActive},
		Group:        lb.Group{ID: "rsp-bench", LoadBalancerID: "lb-bench", Kind: lb.KindVServer, Version: 1},
		Subnets:      []lb.Subnet{{ID: "vsw-bench", VpcID: "vpc-bench", CIDR: "10.10.0.0/16"}},
		Now:          time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
	}
	for i := 0; i < 263; i++ {
		s, port := i, 80
		if i >= 150 {
			s, port = i-150, 8080
		}
		t.Members = append(t.Members, lb.Member{
			ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), GroupID: "rsp-bench",
			ServerID: fmt.Sprintf("i-bench%03d", s), Address: fmt.Sprintf("10.10.%d.%d", 1+s/100, 10+s%100),
			Port: port, Weight: 100, Type: lb.TypeECS, SubnetID: "vsw-bench", Created: t.Now, Updated: t.Now,
		})
	}
	return t
}

// BenchmarkPlanRemove3Of263 plans the console's everyday batch: three selected members out of
// the big group.
func BenchmarkPlanRemove3Of263(b *testing.B) {
	t := benchTarget()
	batch := lb.Batch{Action: lb.ActionRemove, Old: []lb.Spec{
		{MemberID: t.Members[40].ID}, {MemberID: t.Members[140].ID}, {MemberID: t.Members[240].ID}}}
	for b.Loop() {
		res, err := lb.Plan(t, batch)
		if err != nil || len(res.Members) != 260 || len(res.Diff.Removed) != 3 {
			b.Fatalf("Plan = %d members, %d removed, %v; want 260, 3, nil", len(res.Members), len(res.Diff.Removed), err)
		}
	}
}

// BenchmarkPlanReplaceAll200 plans the REST API's largest replace on the big group: 200
// entries by address, 150 of them members already (every tenth with a new weight) and 50 new
// addresses, so that 113 members leave, 50 arrive and 15 change.
func BenchmarkPlanReplaceAll200(b *testing.B) {
	t := benchTarget()
	var specs []lb.Spec
	for i, m := range t.Members[:150] {
		s := lb.Spec{Address: m.Address, Port: m.Port}
		if i%10 == 0 {
			w := 50
			s.Weight = &w
		}
		specs = append(specs, s)
	}
	for i := 0; i < 50; i++ {
		specs = append(specs, lb.Spec{Address: fmt.Sprintf("10.10.9.%d", 10+i), SubnetID: "vsw-bench", Port: 80})
	}
	batch := lb.Batch{Action: lb.ActionReplaceAll, New: specs, Limit: lb.MaxRESTEntries, DefaultWeight: 1}
	for b.Loop() {
		res, err := lb.Plan(t, batch)
		d := res.Diff
		if err != nil || len(res.Members) != 200 || len(d.Removed) != 113 || len(d.Added) != 50 || len(d.Changed) != 15 {
			b.Fatalf("Plan = %d members, -%d +%d ~%d, %v; want 200, -113 +50 ~15, nil", len(res.Members), len(d.Removed), len(d.Added), len(d.Changed), err)
		}
	}
}
