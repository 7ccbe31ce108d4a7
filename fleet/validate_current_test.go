package fleet

import (
	"strings"
	"testing"

	"lbconsole/lb"
)

// findProblem returns the problem at where whose message holds msg.
func findProblem(problems []Problem, where, msg string) (Problem, bool) {
	for _, p := range problems {
		if p.Where() == where && strings.Contains(p.Message, msg) {
			return p, true
		}
	}
	return Problem{}, false
}

// A file may name only what it changes: references resolve against the database too.
func TestValidateResolvesReferencesAgainstTheDatabase(t *testing.T) {
	current := exported(validFleet(t))
	file := Document{LoadBalancers: []LoadBalancer{{ID: "lb-new", Name: "new", Region: "eu-west-1", VPC: "vpc-prod",
		Address: "203.0.113.20", AddressType: AddressInternet, Groups: []Group{{ID: "rsp-new", Name: "new", Kind: lb.KindVServer,
			Members: &[]Member{{Server: "i-web-3", Port: 80}}}}}}}
	if ps := Validate(file, current); len(ps) > 0 {
		t.Fatalf("against the database: %v", Problems(ps))
	}
	ps := Validate(file, Document{})
	for _, want := range []string{"load_balancers[lb-new].region", "load_balancers[lb-new].vpc", "load_balancers[lb-new].groups[rsp-new].members[0].server"} {
		if _, ok := findProblem(ps, want, "neither in the file nor in the database"); !ok {
			t.Errorf("against an empty database: no problem at %s; got:\n%v", want, Problems(ps))
		}
	}
}

// What the database already holds is not the file's fault: the demo keeps stopped servers in
// groups, and a file that renames a region must still apply.
func TestValidateDoesNotBlameTheFileForTheDatabase(t *testing.T) {
	current := exported(validFleet(t))
	*group(&current, "rsp-int-grpc").Members = append(*group(&current, "rsp-int-grpc").Members,
		Member{Server: "i-off-1", Address: "10.20.2.14", Port: 9000, Weight: intp(100)})
	file := Document{Regions: []Region{{ID: "eu-west-1", Name: "Europe West (Ireland)"}}}
	if ps := Validate(file, current); len(ps) > 0 {
		t.Fatalf("a rename is refused for the database's stopped member: %v", Problems(ps))
	}
	// Listing the stopped server again, where it already is, is not adding it.
	same := Document{LoadBalancers: []LoadBalancer{*lb0(&current, "lb-int")}}
	if ps := Validate(same, current); len(ps) > 0 {
		t.Fatalf("a group that keeps its stopped member is refused: %v", Problems(ps))
	}
	// Adding it to another group is.
	other := clone(current)
	*group(&other, "rsp-web-http").Members = append(*group(&other, "rsp-web-http").Members, Member{Server: "i-off-1", Port: 80})
	ps := Validate(other, current)
	if _, ok := findProblem(ps, "load_balancers[lb-web].groups[rsp-web-http].members[3].server", "is Stopped"); !ok {
		t.Errorf("adding a stopped server is not refused; got %v", Problems(ps))
	}
}

// A change in the file can break an object the file does not name: that is reported, on that
// object.
func TestValidateFindsWhatTheFileBreaksInTheDatabase(t *testing.T) {
	current := exported(validFleet(t))
	file := Document{Subnets: []Subnet{{ID: "vsw-a", VPC: "vpc-prod", Name: "a", CIDR: "10.20.3.0/24"}}}
	ps := Validate(file, current)
	for _, id := range []string{"i-web-1", "i-web-2"} {
		if _, ok := findProblem(ps, "servers["+id+"].address", "is not in subnet vsw-a (10.20.3.0/24)"); !ok {
			t.Errorf("server %s left outside its subnet is not reported; got:\n%v", id, Problems(ps))
		}
	}
}

// When the file does not list a group's members they stay as they are, so moving one of their
// servers to another address would leave the member pointing at the old one.
func TestValidateRefusesToStrandKeptMembers(t *testing.T) {
	current := exported(validFleet(t))
	file := clone(current)
	server(&file, "i-web-2").Address = "10.20.1.22"
	group(&file, "rsp-web-http").Members = nil
	ps := Validate(file, current)
	p, ok := findProblem(ps, "load_balancers[lb-web].groups[rsp-web-http].members[2].address", "not the address of server i-web-2 (10.20.1.22)")
	if !ok || !strings.Contains(p.Message, "kept because the file lists no members") {
		t.Fatalf("the stranded member is not reported as kept; got:\n%v", Problems(ps))
	}
	// Listing the members, by server, moves them with it.
	listed := clone(current)
	server(&listed, "i-web-2").Address = "10.20.1.22"
	for i := range *group(&listed, "rsp-web-http").Members {
		(*group(&listed, "rsp-web-http").Members)[i].Address = ""
	}
	(*group(&listed, "rsp-web-http").Members)[0].Address = "10.20.2.50" // the member given by address
	if ps := Validate(listed, current); len(ps) > 0 {
		t.Fatalf("listing the members by server is refused: %v", Problems(ps))
	}
}

func TestValidateRefusesMovingAGroupOrChangingItsKind(t *testing.T) {
	current := exported(validFleet(t))
	moved := Document{LoadBalancers: []LoadBalancer{*lb0(&current, "lb-int")}}
	moved.LoadBalancers[0].Groups = append(moved.LoadBalancers[0].Groups, *group(&current, "rsp-web-http"))
	ps := Validate(moved, current)
	if _, ok := findProblem(ps, "load_balancers[lb-int].groups[rsp-web-http].id", "belongs to load balancer lb-web"); !ok {
		t.Errorf("moving a group is not refused; got:\n%v", Problems(ps))
	}
	rekind := clone(current)
	grpc := group(&rekind, "rsp-int-grpc")
	grpc.Kind, grpc.Members = lb.KindDefault, &[]Member{}
	ps = Validate(rekind, current)
	if _, ok := findProblem(ps, "load_balancers[lb-int].groups[rsp-int-grpc].kind", "its kind cannot change"); !ok {
		t.Errorf("changing a group's kind is not refused; got:\n%v", Problems(ps))
	}
}

func TestValidateRefusesASecondDefaultListFromTheDatabase(t *testing.T) {
	current := exported(validFleet(t))
	file := Document{LoadBalancers: []LoadBalancer{*lb0(&current, "lb-web")}}
	file.LoadBalancers[0].Groups = []Group{{ID: "dfl-web-2", Name: "default", Kind: lb.KindDefault, DefaultPort: intp(80)}}
	ps := Validate(file, current)
	if _, ok := findProblem(ps, "load_balancers[lb-web].groups[dfl-web-2].kind", "already has default server list dfl-web in the database"); !ok {
		t.Errorf("a second default list is not refused; got:\n%v", Problems(ps))
	}
}
