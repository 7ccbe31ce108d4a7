package fleet

import (
	"strings"
	"testing"

	"lbconsole/lb"
)

// Deleting one object deletes it and what it holds, and nothing else.
func TestPlanDeleteTakesOneObjectAndWhatItHolds(t *testing.T) {
	current := exported(validFleet(t))
	p, found, err := PlanDelete(current, KindLoadBalancer, "lb-int")
	if err != nil || !found {
		t.Fatalf("PlanDelete(lb-int) = %v, found %v", err, found)
	}
	want := "delete group rsp-int-grpc in load balancer lb-int\ndelete load balancer lb-int\n" +
		"plan: 0 to create, 0 to update, 2 to delete, 0 member lists to replace\n"
	if got := planText(t, p); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, found, err := PlanDelete(current, KindVPC, "vpc-nope"); found || err != nil {
		t.Errorf("PlanDelete(vpc-nope) = found %v, %v; want not found", found, err)
	}
}

// A delete refuses what something still refers to, naming each referrer in a person's words,
// not a file's.
func TestPlanDeleteRefusesWhatIsStillReferredTo(t *testing.T) {
	current := exported(validFleet(t))
	tests := []struct {
		name  string
		kind  Kind
		id    string
		where string
		msg   string
	}{
		{"ServerInAGroup", KindServer, "i-web-2", "servers[i-web-2]",
			"server i-web-2 cannot be deleted while group rsp-web-http refers to it: delete or change that first"},
		{"SubnetHoldingServers", KindSubnet, "vsw-b", "subnets[vsw-b]",
			"subnet vsw-b cannot be deleted while group rsp-web-http (member 10.20.2.50:80), server i-off-1, server i-web-3 refer to it: delete or change those first"},
		{"RegionHoldingAVPC", KindRegion, "eu-north-1", "regions[eu-north-1]", "vpc vpc-north refers to it"},
		{"VPCHoldingLoadBalancers", KindVPC, "vpc-prod", "vpcs[vpc-prod]", "load balancer lb-int, load balancer lb-web"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, found, err := PlanDelete(current, tc.kind, tc.id)
			if !found {
				t.Fatal("not found")
			}
			p, ok := findProblem(AsProblems(err), tc.where, tc.msg)
			if !ok {
				t.Fatalf("no refusal at %s saying %q; got:\n%v", tc.where, tc.msg, err)
			}
			if strings.Contains(p.Message, "file") || strings.Contains(p.Message, "prune") {
				t.Errorf("a delete is worded as a file's: %s", p.Message)
			}
		})
	}
}

// A locked load balancer is not deleted, and neither is a group of one.
func TestPlanDeleteRefusesLockedLoadBalancers(t *testing.T) {
	current := exported(validFleet(t))
	lb0(&current, "lb-int").Status = lb.LBLocked
	for _, tc := range []struct {
		kind      Kind
		id, where string
		msg       string
	}{
		{KindLoadBalancer, "lb-int", "load_balancers[lb-int]", "load balancer lb-int is locked: it cannot be deleted"},
		{KindGroup, "rsp-int-grpc", "load_balancers[lb-int].groups[rsp-int-grpc]", "group rsp-int-grpc cannot be deleted"},
	} {
		_, _, err := PlanDelete(current, tc.kind, tc.id)
		if _, ok := findProblem(AsProblems(err), tc.where, tc.msg); !ok {
			t.Errorf("delete %s %s: got %v, want %q at %s", tc.kind, tc.id, err, tc.msg, tc.where)
		}
	}
}

// Has finds objects by kind and id, groups in any load balancer; Taken and Gone name the
// object and its id field.
func TestHasTakenGone(t *testing.T) {
	doc := validFleet(t)
	for _, tc := range []struct {
		kind Kind
		id   string
		want bool
	}{
		{KindRegion, "eu-west-1", true}, {KindVPC, "vpc-north", true}, {KindSubnet, "vsw-n", true}, {KindServer, "i-off-1", true},
		{KindLoadBalancer, "lb-int", true}, {KindGroup, "rsp-int-grpc", true}, {KindGroup, "lb-int", false}, {KindRegion, "vpc-prod", false},
	} {
		if got := doc.Has(tc.kind, tc.id); got != tc.want {
			t.Errorf("Has(%s, %s) = %v, want %v", tc.kind, tc.id, got, tc.want)
		}
	}
	if got := Taken(KindGroup, "lb-web", "dfl-web").String(); got != "load_balancers[lb-web].groups[dfl-web].id: group dfl-web exists already: choose another id, or edit that group" {
		t.Errorf("Taken = %q", got)
	}
	if got := Gone(KindSubnet, "", "vsw-x").String(); !strings.HasPrefix(got, "subnets[vsw-x].id: subnet vsw-x does not exist") {
		t.Errorf("Gone = %q", got)
	}
}

// The digest tells plans apart by what they change, and is the same for the same plan.
func TestPlanDigest(t *testing.T) {
	current := exported(validFleet(t))
	a := mustPlan(t, Document{}, current, false)
	b := mustPlan(t, Document{}, current, false)
	if a.Digest() != b.Digest() || len(a.Digest()) != 64 {
		t.Errorf("the same plan has digests %s and %s", a.Digest(), b.Digest())
	}
	changed := clone(current)
	server(&changed, "i-web-1").Name = "web-one"
	if c := mustPlan(t, Document{}, changed, false); c.Digest() == a.Digest() {
		t.Error("a plan that creates a server with another name has the same digest")
	}
	if (Plan{}).Digest() == a.Digest() {
		t.Error("an empty plan has the digest of a full one")
	}
}
