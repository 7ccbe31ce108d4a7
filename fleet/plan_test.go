package fleet

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lbconsole/lb"
)

func mustPlan(t *testing.T, current, desired Document, prune bool) Plan {
	t.Helper()
	if ps := Validate(desired, current); len(ps) > 0 {
		t.Fatalf("the file is not valid:\n%v", Problems(ps))
	}
	p, err := MakePlan(current, desired, prune)
	if err != nil {
		t.Fatalf("plan refused: %v", err)
	}
	return p
}

// An empty database gets everything, each kind after what it depends on.
func TestPlanCreatesInDependencyOrder(t *testing.T) {
	got := planText(t, mustPlan(t, Document{}, loadFleet(t, "example.yaml"), false))
	want := `create region eu-west-1
create vpc vpc-prod
create subnet vsw-a
create server i-web-1
create load balancer lb-web
create group rsp-web-http in load balancer lb-web
replace members of rsp-web-http: +2 −0 ~0
    + i-web-1 (10.20.1.11:80) weight 100
    + 10.20.1.12:80 weight 50 description "canary"
plan: 6 to create, 0 to update, 0 to delete, 1 member list to replace
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Applying the file the database already matches changes nothing, and says so.
func TestPlanOfAnAppliedFileIsEmpty(t *testing.T) {
	desired := validFleet(t)
	current := exported(desired)
	for _, prune := range []bool{false, true} {
		p := mustPlan(t, current, desired, prune)
		if got := planText(t, p); !p.Empty() || got != NothingToDo+"\n" {
			t.Errorf("prune %v: got %q", prune, got)
		}
	}
}

// An update names each field that changes, old → new, and nothing else.
func TestPlanShowsTheFieldsThatChange(t *testing.T) {
	current := exported(validFleet(t))
	desired := clone(current)
	lb0(&desired, "lb-web").Name = "web2"
	group(&desired, "rsp-web-http").HealthCheck.Interval = Dur(5 * time.Second)
	group(&desired, "rsp-int-grpc").DrainTimeout = Dur(0)
	server(&desired, "i-north-1").Status = lb.StatusStopped
	got := planText(t, mustPlan(t, current, desired, true))
	want := `update server i-north-1: status "Running" → "Stopped"
update load balancer lb-web: name "web" → "web2"
update group rsp-int-grpc in load balancer lb-int: drain_timeout "30s" → "0s"
update group rsp-web-http in load balancer lb-web: health_check.interval "2s" → "5s"
plan: 0 to create, 4 to update, 0 to delete, 0 member lists to replace
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A member list is compared on address and port, with weight and description: here one member
// changes weight, one leaves, two arrive and one stays as it is.
func TestPlanReplacesAMemberList(t *testing.T) {
	current := exported(validFleet(t))
	desired := clone(current)
	*group(&desired, "rsp-web-http").Members = []Member{
		{Address: "10.20.2.50", Port: 80}, // unchanged, its weight and description kept
		{Server: "i-web-1", Port: 80, Weight: intp(50)},
		{Server: "i-web-3", Port: 80, Weight: intp(100)},
		{Address: "10.20.2.51", Port: 80, Weight: intp(10)},
	}
	p := mustPlan(t, current, desired, false)
	got := planText(t, p)
	want := `replace members of rsp-web-http: +2 −1 ~1
    + i-web-3 (10.20.2.13:80) weight 100
    + 10.20.2.51:80 weight 10
    − i-web-2 (10.20.1.12:80)
    ~ i-web-1 (10.20.1.11:80): weight 100 → 50
plan: 0 to create, 0 to update, 0 to delete, 1 member list to replace
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	b := p.Members[0].Batch()
	if b.Action != lb.ActionReplaceAll || len(b.New) != 4 || b.Limit != MaxGroupMembers || b.DescriptionLimit != lb.MaxNameLen {
		t.Errorf("the batch to apply is %+v", b)
	}
}

// Members the file does not list are left alone; an empty list takes them all out.
func TestPlanTellsUnlistedMembersFromNone(t *testing.T) {
	current := exported(validFleet(t))
	unlisted := clone(current)
	group(&unlisted, "rsp-web-http").Members = nil
	if p := mustPlan(t, current, unlisted, true); !p.Empty() {
		t.Errorf("unlisted members are planned: %s", planText(t, p))
	}
	none := clone(current)
	*group(&none, "rsp-web-http").Members = []Member{}
	p := mustPlan(t, current, none, true)
	if len(p.Members) != 1 || len(p.Members[0].Diff.Removed) != 3 || !strings.Contains(planText(t, p), "replace members of rsp-web-http: +0 −3 ~0") {
		t.Errorf("an empty list does not remove every member: %s", planText(t, p))
	}
}

// Without prune, what the file does not name stays; with it, it goes, dependants first.
func TestPlanDeletesOnlyWhenPruning(t *testing.T) {
	current := exported(validFleet(t))
	desired := clone(current)
	drop(&desired, "eu-north-1", "vpc-north", "vsw-n", "i-north-1", "lb-int")
	if p := mustPlan(t, current, desired, false); !p.Empty() {
		t.Errorf("without prune: %s", planText(t, p))
	}
	got := planText(t, mustPlan(t, current, desired, true))
	want := `delete group rsp-int-grpc in load balancer lb-int
delete load balancer lb-int
delete server i-north-1
delete subnet vsw-n
delete vpc vpc-north
delete region eu-north-1
plan: 0 to create, 0 to update, 6 to delete, 0 member lists to replace
`
	if got != want {
		t.Errorf("with prune, got:\n%s\nwant:\n%s", got, want)
	}
}

// A prune refuses to delete what something staying still refers to, and names what does.
func TestPruneRefusesToDeleteWhatIsStillReferredTo(t *testing.T) {
	current := exported(validFleet(t))
	tests := []struct {
		name   string
		mutate func(d *Document)
		where  string
		msg    string
	}{
		{"ServerStillAMemberOfAKeptGroup", func(d *Document) {
			drop(d, "i-web-2")
			group(d, "rsp-web-http").Members = nil
		}, "servers[i-web-2]", "group rsp-web-http (its current members: the file lists none for it) still refers to it"},
		{"SubnetStillHoldingServers", func(d *Document) { drop(d, "vsw-b") },
			"subnets[vsw-b]", "group rsp-web-http (member 10.20.2.50:80), server i-off-1, server i-web-3 still refer to it"},
		{"VPCStillHoldingALoadBalancer", func(d *Document) {
			drop(d, "vpc-prod", "vsw-a", "vsw-b", "i-web-1", "i-web-2", "i-web-3", "i-off-1", "lb-web")
			group(d, "rsp-int-grpc").Members = &[]Member{}
		}, "vpcs[vpc-prod]", "load balancer lb-int still refers to it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			desired := clone(current)
			tc.mutate(&desired)
			if _, err := MakePlan(current, desired, false); err != nil {
				t.Fatalf("without prune nothing is deleted, yet: %v", err)
			}
			_, err := MakePlan(current, desired, true)
			if _, ok := findProblem(AsProblems(err), tc.where, tc.msg); !ok {
				t.Errorf("no refusal at %s saying %q; got:\n%v", tc.where, tc.msg, err)
			}
		})
	}
}

// A locked load balancer accepts no change of members: the plan says so rather than promise
// what the apply would refuse. Unlocking it in the same file lets the change through.
func TestPlanRespectsALockedLoadBalancer(t *testing.T) {
	current := exported(validFleet(t))
	locked := clone(current)
	lb0(&locked, "lb-web").Status = lb.LBLocked
	if p := mustPlan(t, current, locked, false); len(p.LoadBalancers.Update) != 1 {
		t.Errorf("locking alone: %s", planText(t, p))
	}
	(*group(&locked, "rsp-web-http").Members)[1].Weight = intp(7)
	_, err := MakePlan(current, locked, false)
	if _, ok := findProblem(AsProblems(err), "load_balancers[lb-web].groups[rsp-web-http].members", "load balancer lb-web is locked"); !ok {
		t.Errorf("a member change on a locked load balancer: %v", err)
	}
	lb0(&current, "lb-web").Status = lb.LBLocked
	unlocked := clone(current)
	lb0(&unlocked, "lb-web").Status = lb.LBActive
	(*group(&unlocked, "rsp-web-http").Members)[1].Weight = intp(7)
	if p := mustPlan(t, current, unlocked, false); len(p.Members) != 1 {
		t.Errorf("unlocking and changing members: %s", planText(t, p))
	}
}

// Applying a plan reaches the file: planning again finds nothing to do.
func TestApplyingAPlanReachesTheFile(t *testing.T) {
	current := exported(validFleet(t))
	desired := clone(current)
	lb0(&desired, "lb-int").Name = "internal-2"
	*group(&desired, "rsp-int-grpc").Members = []Member{{Server: "i-web-2", Port: 9000, Weight: intp(30)}}
	desired.LoadBalancers = append(desired.LoadBalancers, LoadBalancer{ID: "lb-new", Name: "new", Region: "eu-north-1", VPC: "vpc-north",
		Address: "203.0.113.30", AddressType: AddressInternet, Groups: []Group{{ID: "rsp-new", Name: "new", Kind: lb.KindVServer,
			Members: &[]Member{{Server: "i-north-1", Port: 443, Weight: intp(100)}}}}})
	p := mustPlan(t, current, desired, true)
	applied := applyPlan(current, p)
	if again := mustPlan(t, applied, desired, true); !again.Empty() {
		t.Errorf("after applying:\n%s", planText(t, again))
	}
}

// drop takes the objects with these ids out of the document.
func drop(d *Document, ids ...string) {
	gone := setOf(ids)
	d.Regions = slices.DeleteFunc(d.Regions, func(r Region) bool { return gone[r.ID] })
	d.VPCs = slices.DeleteFunc(d.VPCs, func(v VPC) bool { return gone[v.ID] })
	d.Subnets = slices.DeleteFunc(d.Subnets, func(s Subnet) bool { return gone[s.ID] })
	d.Servers = slices.DeleteFunc(d.Servers, func(s Server) bool { return gone[s.ID] })
	d.LoadBalancers = slices.DeleteFunc(d.LoadBalancers, func(l LoadBalancer) bool { return gone[l.ID] })
}

func TestValidateAndPlanRefusesAnInvalidFileBeforePlanning(t *testing.T) {
	current := exported(validFleet(t))
	desired := clone(current)
	server(&desired, "i-web-2").Type = "vm"
	drop(&desired, "vsw-b")
	_, err := ValidateAndPlan(current, desired, true)
	ps := AsProblems(err)
	if len(ps) != 1 || ps[0].Where() != "servers[i-web-2].type" {
		t.Errorf("got %v, want only the invalid type (the prune refusal comes after validation)", err)
	}
	if p, err := ValidateAndPlan(current, current, true); err != nil || !p.Empty() {
		t.Errorf("a valid file: %v", err)
	}
}

// The demo keeps stopped servers in groups. Listing such a group unchanged plans nothing; a
// changed list goes to lb.Plan as a replace-all, which asks only joining servers to be
// running, so the stopped member stays and the change is planned.
func TestPlanKeepsAStoppedMemberWhenItsListChanges(t *testing.T) {
	current := exported(validFleet(t))
	*group(&current, "rsp-int-grpc").Members = append(*group(&current, "rsp-int-grpc").Members,
		Member{Server: "i-off-1", Address: "10.20.2.14", Port: 9000, Weight: intp(100)})
	same := clone(current)
	if p := mustPlan(t, current, same, false); !p.Empty() {
		t.Errorf("an unchanged list with a stopped member: %s", planText(t, p))
	}
	changed := clone(current)
	(*group(&changed, "rsp-int-grpc").Members)[0].Weight = intp(5)
	p := mustPlan(t, current, changed, false)
	if len(p.Members) != 1 || len(p.Members[0].Diff.Changed) != 1 || len(p.Members[0].Diff.Removed)+len(p.Members[0].Diff.Added) != 0 {
		t.Errorf("a changed list that keeps a stopped member: %s", planText(t, p))
	}
}

// A locked load balancer accepts no changes: not to its fields, its groups or its members, and
// a prune does not delete it. Giving it another status in the same file unlocks it first.
func TestPlanKeepsALockedLoadBalancerAsItIs(t *testing.T) {
	current := exported(validFleet(t))
	lb0(&current, "lb-int").Status = lb.LBLocked
	tests := []struct {
		name   string
		prune  bool
		mutate func(d *Document)
		where  string // "" when the plan must go through
	}{
		{"RenameWhileLocked", false, func(d *Document) { lb0(d, "lb-int").Name = "x" }, "load_balancers[lb-int]"},
		{"RenameAndUnlock", false, func(d *Document) { l := lb0(d, "lb-int"); l.Name, l.Status = "x", lb.LBActive }, ""},
		{"NewGroupWhileLocked", false, func(d *Document) {
			l := lb0(d, "lb-int")
			l.Groups = append(l.Groups, Group{ID: "rsp-int-2", Name: "two", Kind: lb.KindVServer})
		}, "load_balancers[lb-int].groups[rsp-int-2]"},
		{"GroupDeletedWhileLocked", true, func(d *Document) { lb0(d, "lb-int").Groups = nil }, "load_balancers[lb-int].groups[rsp-int-grpc]"},
		{"PrunedWhileLocked", true, func(d *Document) { drop(d, "lb-int") }, "load_balancers[lb-int]"},
		{"LockAndRename", false, func(d *Document) { l := lb0(d, "lb-web"); l.Name, l.Status = "x", lb.LBLocked }, ""},
		{"LockAndAddAGroup", false, func(d *Document) {
			l := lb0(d, "lb-web")
			l.Status = lb.LBLocked
			l.Groups = append(l.Groups, Group{ID: "rsp-web-2", Name: "two", Kind: lb.KindVServer})
		}, "load_balancers[lb-web].groups[rsp-web-2]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			desired := clone(current)
			tc.mutate(&desired)
			_, err := ValidateAndPlan(current, desired, tc.prune)
			if tc.where == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if _, ok := findProblem(AsProblems(err), tc.where, "is locked"); !ok {
				t.Errorf("no refusal at %s; got %v", tc.where, err)
			}
		})
	}
}
