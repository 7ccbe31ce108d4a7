package fleet

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lbconsole/lb"
)

// badFile is one broken rule: a change to the valid fleet, and the problem it must cause.
type badFile struct {
	name   string
	mutate func(d *Document)
	where  string // Problem.Where()
	kind   Kind
	id     string
	msg    string // part of the message
}

func badFiles() []badFile {
	long := strings.Repeat("x", 65)
	web := func(d *Document) *LoadBalancer { return lb0(d, "lb-web") }
	http := func(d *Document) *Group { return group(d, "rsp-web-http") }
	members := func(d *Document) []Member { return *http(d).Members }
	const g = "load_balancers[lb-web].groups[rsp-web-http]"
	const m1 = g + ".members[1]"
	return []badFile{
		{"IDMissing", func(d *Document) { d.Regions[0].ID = "" }, "regions[#0].id", KindRegion, "#0", "id is missing"},
		{"IDHoldsSpace", func(d *Document) { d.Regions[1].ID = "eu north" }, "regions[#1].id", KindRegion, "eu north", "ids are letters, digits"},
		{"IDTooLong", func(d *Document) { d.Subnets[2].ID = long }, "subnets[#2].id", KindSubnet, long, "at most 64"},
		{"IDOnlyDots", func(d *Document) { http(d).ID = ".." }, "load_balancers[lb-web].groups[#1].id", KindGroup, "..", "only dots"},
		{"IDGivenTwice", func(d *Document) {
			d.Servers = append(d.Servers, Server{ID: "i-web-1", Address: "10.20.1.99", Subnet: "vsw-a"})
		}, "servers[i-web-1].id", KindServer, "i-web-1", "given twice"},
		{"GroupIDSharedBetweenLoadBalancers", func(d *Document) { group(d, "rsp-int-grpc").ID = "rsp-web-http" },
			"load_balancers[lb-int].groups[rsp-web-http].id", KindGroup, "rsp-web-http", "group rsp-web-http is given twice (first at load_balancers[lb-web].groups[rsp-web-http])"},
		{"GroupIDDefaultReserved", func(d *Document) { group(d, "rsp-int-grpc").ID = "default" },
			"load_balancers[lb-int].groups[default].id", KindGroup, "default", "choose another"},
		{"NameMissing", func(d *Document) { d.VPCs[0].Name = "" }, "vpcs[vpc-prod].name", KindVPC, "vpc-prod", "name is missing"},
		{"NameHoldsLineBreak", func(d *Document) { web(d).Name = "web\nEVIL" }, "load_balancers[lb-web].name", KindLoadBalancer, "lb-web", "control character"},
		{"GroupNameTooLong", func(d *Document) { http(d).Name = strings.Repeat("é", 81) }, g + ".name", KindGroup, "rsp-web-http", "81 characters long: at most 80"},
		{"CIDRNotNetworkAddress", func(d *Document) { d.VPCs[0].CIDR = "10.20.0.1/16" }, "vpcs[vpc-prod].cidr", KindVPC, "vpc-prod", "did you mean 10.20.0.0/16"},
		{"CIDRTooNarrow", func(d *Document) { d.Subnets[0].CIDR = "10.20.1.0/31" }, "subnets[vsw-a].cidr", KindSubnet, "vsw-a", "between /8 and /30"},
		{"CIDRNotIPv4", func(d *Document) { d.Subnets[0].CIDR = "fd00::/64" }, "subnets[vsw-a].cidr", KindSubnet, "vsw-a", "not an IPv4 range"},
		{"SubnetOutsideItsVPC", func(d *Document) { d.Subnets[1].CIDR = "10.21.2.0/24" }, "subnets[vsw-b].cidr", KindSubnet, "vsw-b", "not inside vpc vpc-prod's range 10.20.0.0/16"},
		{"SubnetOverlapsSibling", func(d *Document) { d.Subnets[1].CIDR = "10.20.1.128/25" }, "subnets[vsw-b].cidr", KindSubnet, "vsw-b", "overlaps subnet vsw-a (10.20.1.0/24)"},
		{"SubnetVPCUnknown", func(d *Document) { d.Subnets[2].VPC = "vpc-gone" }, "subnets[vsw-n].vpc", KindSubnet, "vsw-n", "vpc vpc-gone does not exist"},
		{"VPCRegionUnknown", func(d *Document) { d.VPCs[1].Region = "eu-south-9" }, "vpcs[vpc-north].region", KindVPC, "vpc-north", "region eu-south-9 does not exist"},
		{"ServerAddressOutsideSubnet", func(d *Document) { server(d, "i-web-2").Address = "10.20.2.12" }, "servers[i-web-2].address", KindServer, "i-web-2", "not in subnet vsw-a (10.20.1.0/24)"},
		{"ServerAddressTaken", func(d *Document) { server(d, "i-web-2").Address = "10.20.1.11" }, "servers[i-web-2].address", KindServer, "i-web-2", "also the address of server i-web-1"},
		{"ServerAddressNotIPv4", func(d *Document) { server(d, "i-web-2").Address = "10.20.1.300" }, "servers[i-web-2].address", KindServer, "i-web-2", "not an IPv4 address"},
		{"ServerTypeUnknown", func(d *Document) { server(d, "i-web-1").Type = "vm" }, "servers[i-web-1].type", KindServer, "i-web-1", "not one of ecs, eni, eci"},
		{"ServerStatusLowerCase", func(d *Document) { server(d, "i-web-1").Status = "running" }, "servers[i-web-1].status", KindServer, "i-web-1", "not one of Running, Stopped"},
		{"ServerSubnetUnknown", func(d *Document) { server(d, "i-north-1").Subnet = "vsw-z" }, "servers[i-north-1].subnet", KindServer, "i-north-1", "subnet vsw-z does not exist"},
		{"LoadBalancerVPCInAnotherRegion", func(d *Document) { lb0(d, "lb-int").Region = "eu-north-1" }, "load_balancers[lb-int].vpc", KindLoadBalancer, "lb-int", "vpc vpc-prod is in region eu-west-1, not in the load balancer's region eu-north-1"},
		{"LoadBalancerAddressTypeUnknown", func(d *Document) { web(d).AddressType = "public" }, "load_balancers[lb-web].address_type", KindLoadBalancer, "lb-web", "not one of internet, intranet"},
		{"LoadBalancerAddressTypeMissing", func(d *Document) { web(d).AddressType = "" }, "load_balancers[lb-web].address_type", KindLoadBalancer, "lb-web", "address_type is missing"},
		{"LoadBalancerStatusUnknown", func(d *Document) { web(d).Status = "enabled" }, "load_balancers[lb-web].status", KindLoadBalancer, "lb-web", "not one of active, inactive, locked"},
		{"IntranetAddressOutsideVPC", func(d *Document) { lb0(d, "lb-int").Address = "10.99.0.5" }, "load_balancers[lb-int].address", KindLoadBalancer, "lb-int", "must be inside vpc vpc-prod"},
		{"LoadBalancerAddressTaken", func(d *Document) {
			l := lb0(d, "lb-int")
			l.AddressType, l.Address = AddressInternet, "203.0.113.10"
		}, "load_balancers[lb-int].address", KindLoadBalancer, "lb-int", "also the address of load balancer lb-web"},
		{"RuntimeAPIRelativeSocket", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[0] = "unix:run/haproxy.sock" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[0]", KindLoadBalancer, "lb-web", "must be an absolute path"},
		{"RuntimeAPIUncleanSocket", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[0] = "unix:/run/../run/haproxy.sock" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[0]", KindLoadBalancer, "lb-web", "not a clean path"},
		{"RuntimeAPIUnknownScheme", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[1] = "http://127.0.0.1:9999" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[1]", KindLoadBalancer, "lb-web", "scheme must be unix or tcp"},
		{"RuntimeAPIPortOutOfRange", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[1] = "tcp:127.0.0.1:70000" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[1]", KindLoadBalancer, "lb-web", "not between 1 and 65535"},
		{"RuntimeAPIBadHost", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[1] = "tcp:bad_host!:9999" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[1]", KindLoadBalancer, "lb-web", "neither an IP address nor a DNS name"},
		{"RuntimeAPIListedTwice", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI[1] = "unix:/run/haproxy/admin.sock" },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[1]", KindLoadBalancer, "lb-web", "listed twice"},
		{"RuntimeAPIEmpty", func(d *Document) { web(d).DataPlane.HAProxy.RuntimeAPI = []string{} },
			"load_balancers[lb-web].dataplane.haproxy.runtime_api", KindLoadBalancer, "lb-web", "names no node"},
		{"DataPlaneWithoutProxy", func(d *Document) { web(d).DataPlane = &DataPlane{} }, "load_balancers[lb-web].dataplane", KindLoadBalancer, "lb-web", "names no data plane"},
		{"SecondDefaultList", func(d *Document) { http(d).Kind = lb.KindDefault }, g + ".kind", KindGroup, "rsp-web-http", "already has a default server list (dfl-web)"},
		{"GroupKindUnknown", func(d *Document) { http(d).Kind = "pool" }, g + ".kind", KindGroup, "rsp-web-http", "not one of vserver, default"},
		{"DefaultPortOnVServerGroup", func(d *Document) { http(d).DefaultPort = intp(80) }, g + ".default_port", KindGroup, "rsp-web-http", "applies only to the default server list"},
		{"DefaultPortMissingWithDataPlane", func(d *Document) { group(d, "dfl-web").DefaultPort = nil },
			"load_balancers[lb-web].groups[dfl-web].default_port", KindGroup, "dfl-web", "default_port is missing"},
		{"DefaultPortOutOfRange", func(d *Document) { group(d, "dfl-web").DefaultPort = intp(0) },
			"load_balancers[lb-web].groups[dfl-web].default_port", KindGroup, "dfl-web", "port 0 is out of range"},
		{"BackendNameInvalid", func(d *Document) { http(d).Backend = "web http" }, g + ".backend", KindGroup, "rsp-web-http", "not a valid HAProxy backend name"},
		{"NameCannotBeBackend", func(d *Document) { http(d).Name = "web http" }, g + ".backend", KindGroup, "rsp-web-http", "cannot name an HAProxy backend: give backend"},
		{"BackendSharedOnANode", func(d *Document) { http(d).Backend = "default" }, g + ".backend", KindGroup, "rsp-web-http", "is also group dfl-web's"},
		{"HealthCheckTypeUnknown", func(d *Document) { http(d).HealthCheck.Type = "icmp" }, g + ".health_check.type", KindGroup, "rsp-web-http", "not one of tcp, http"},
		{"HealthCheckPathWithoutSlash", func(d *Document) { http(d).HealthCheck.Path = "healthz" }, g + ".health_check.path", KindGroup, "rsp-web-http", "must start with /"},
		{"HealthCheckPathNotASCII", func(d *Document) { http(d).HealthCheck.Path = "/santé" }, g + ".health_check.path", KindGroup, "rsp-web-http", "outside printable ASCII"},
		{"HealthCheckPathWithSpace", func(d *Document) { http(d).HealthCheck.Path = "/a b HTTP/1.0" }, g + ".health_check.path", KindGroup, "rsp-web-http", "holds a space"},
		{"HealthCheckPathOnTCPCheck", func(d *Document) { http(d).HealthCheck.Type = CheckTCP }, g + ".health_check.path", KindGroup, "rsp-web-http", "applies only to an http check"},
		{"HealthCheckIntervalTooShort", func(d *Document) { http(d).HealthCheck.Interval = Dur(10 * time.Millisecond) }, g + ".health_check.interval", KindGroup, "rsp-web-http", "10ms is out of range: it must be between 100ms and 5m0s"},
		{"HealthCheckIntervalTooLong", func(d *Document) { http(d).HealthCheck.Interval = Dur(10 * time.Minute) }, g + ".health_check.interval", KindGroup, "rsp-web-http", "10m0s is out of range"},
		{"HealthCheckRiseZero", func(d *Document) { http(d).HealthCheck.Rise = intp(0) }, g + ".health_check.rise", KindGroup, "rsp-web-http", "0 is out of range: it must be between 1 and 50"},
		{"HealthCheckFallTooHigh", func(d *Document) { http(d).HealthCheck.Fall = intp(51) }, g + ".health_check.fall", KindGroup, "rsp-web-http", "51 is out of range"},
		{"DrainTimeoutNegative", func(d *Document) { http(d).DrainTimeout = Dur(-time.Second) }, g + ".drain_timeout", KindGroup, "rsp-web-http", "-1s is out of range: it must be between 0s and 1h0m0s"},
		{"DrainTimeoutTooLong", func(d *Document) { http(d).DrainTimeout = Dur(2 * time.Hour) }, g + ".drain_timeout", KindGroup, "rsp-web-http", "2h0m0s is out of range"},
		{"MemberPortOutOfRange", func(d *Document) { members(d)[1].Port = 70000 }, m1 + ".port", KindMember, "i-web-2:70000", "port 70000 is out of range: it must be between 1 and 65535"},
		{"MemberPortMissingInVServerGroup", func(d *Document) { members(d)[1].Port = 0 }, m1 + ".port", KindMember, "i-web-2", "port is missing"},
		{"MemberPortInDefaultList", func(d *Document) { (*group(d, "dfl-web").Members)[0].Port = 80 },
			"load_balancers[lb-web].groups[dfl-web].members[0].port", KindMember, "i-web-1:80", "takes no port (got 80)"},
		{"MemberWeightOutOfRange", func(d *Document) { members(d)[1].Weight = intp(101) }, m1 + ".weight", KindMember, "i-web-2:80", "weight 101 is out of range"},
		{"MemberDescriptionTooLong", func(d *Document) { members(d)[1].Description = strp(strings.Repeat("d", 256)) }, m1 + ".description", KindMember, "i-web-2:80", "256 characters long: at most 255"},
		{"MemberDescriptionControlCharacter", func(d *Document) { members(d)[1].Description = strp("a\x00b") }, m1 + ".description", KindMember, "i-web-2:80", "control character"},
		{"MemberNamesNothing", func(d *Document) { members(d)[1] = Member{Port: 80} }, m1 + ".server", KindMember, "entry:80", "names no server"},
		{"MemberListedTwice", func(d *Document) { members(d)[1].Server = "i-web-1" }, m1 + ".server", KindMember, "i-web-1:80", "listed twice in group rsp-web-http (also members[0])"},
		{"MemberSameAddressTwoWays", func(d *Document) { members(d)[1] = Member{Address: "10.20.1.11", Port: 80} },
			m1 + ".address", KindMember, "10.20.1.11:80", "the same member as members[0]"},
		{"MemberServerUnknown", func(d *Document) { members(d)[1].Server = "i-gone" }, m1 + ".server", KindMember, "i-gone:80", "server i-gone does not exist"},
		{"MemberServerStopped", func(d *Document) { members(d)[1].Server = "i-off-1" }, m1 + ".server", KindMember, "i-off-1:80", "server i-off-1 is Stopped: only Running servers can be added"},
		{"MemberServerInAnotherVPC", func(d *Document) { members(d)[1].Server = "i-north-1" }, m1 + ".server", KindMember, "i-north-1:80", "in vpc vpc-north, not in the load balancer's vpc vpc-prod"},
		{"MemberAddressNotItsServers", func(d *Document) { members(d)[1].Address = "10.20.1.13" }, m1 + ".address", KindMember, "i-web-2:80", "not the address of server i-web-2 (10.20.1.12)"},
		{"MemberAddressInNoSubnet", func(d *Document) { members(d)[2].Address = "10.20.9.9" }, g + ".members[2].address", KindMember, "10.20.9.9:80", "in no subnet of the load balancer's vpc vpc-prod"},
		{"TooManyMembers", func(d *Document) {
			list := make([]Member, MaxGroupMembers+1)
			http(d).Members = &list
		}, g + ".members", KindGroup, "rsp-web-http", "lists 5001 members: at most 5000"},
	}
}

// TestValidateRefusesEveryBrokenRule breaks one rule at a time in a valid fleet, writes it out
// as a YAML and as a JSON file, reads it back and checks that Validate names the object, its id
// and the field.
func TestValidateRefusesEveryBrokenRule(t *testing.T) {
	base := validFleet(t)
	for _, tc := range badFiles() {
		for _, format := range []string{FormatYAML, FormatJSON} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				doc := clone(base)
				tc.mutate(&doc)
				doc, err := Parse(inFileOrder(t, doc, format))
				if err != nil {
					t.Fatalf("the file no longer parses: %v", err)
				}
				problems := Validate(doc, Document{})
				for _, p := range problems {
					if p.Where() == tc.where && strings.Contains(p.Message, tc.msg) {
						if p.Kind != tc.kind || p.ID != tc.id {
							t.Errorf("the problem names %s %q, want %s %q", p.Kind, p.ID, tc.kind, tc.id)
						}
						return
					}
				}
				t.Errorf("no problem at %s saying %q; got:\n%v", tc.where, tc.msg, Problems(problems))
			})
		}
	}
}

// inFileOrder writes doc as a file without sorting it, so that indexes stay as written.
func inFileOrder(t *testing.T, doc Document, format string) []byte {
	t.Helper()
	if format == FormatJSON {
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var buf bytes.Buffer
	if err := writeYAML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	doc := validFleet(t)
	cases := badFiles()
	picked := []string{"NameMissing", "ServerTypeUnknown", "HealthCheckRiseZero", "MemberPortOutOfRange", "RuntimeAPIBadHost"}
	for _, tc := range cases {
		for _, name := range picked {
			if tc.name == name {
				tc.mutate(&doc)
			}
		}
	}
	problems := Validate(doc, Document{})
	if len(problems) != len(picked) {
		t.Fatalf("got %d problems, want one for each of %d broken rules:\n%v", len(problems), len(picked), Problems(problems))
	}
}

func TestProblemReadsAsPathFieldAndMessage(t *testing.T) {
	p := Problem{Line: 12, Kind: KindMember, ID: "i-web-2:70000", Path: "load_balancers[lb-web].groups[rsp-web-http].members[1]", Field: "port", Message: "port 70000 is out of range: it must be between 1 and 65535"}
	want := "line 12: load_balancers[lb-web].groups[rsp-web-http].members[1].port: port 70000 is out of range: it must be between 1 and 65535"
	if got := p.String(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A value quoted from the file cannot act on the terminal that prints the problem.
func TestProblemsCannotDriveATerminal(t *testing.T) {
	doc := validFleet(t)
	evil := "i-\x1b[2J\u202eevil"
	members := group(&doc, "rsp-web-http").Members
	(*members)[0].Server, (*members)[1].Server = evil, evil // unknown, and listed twice
	for _, p := range Validate(doc, Document{}) {
		if s := p.String(); strings.ContainsAny(s, "\x1b\u202e") {
			t.Errorf("printed raw: %q", s)
		}
	}
}
