package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// badFleets are files that fleet apply must refuse whole, each with the line of the refusal
// that names the object and field at fault (path.field) and part of its message. They are
// applied to a database that holds fleetV1, so they may refer to what it holds.
var badFleets = []struct {
	name  string
	args  []string // besides --db and the file
	file  string
	where string // the object and field, as the refusal names them
	says  string
}{
	{"UnknownField", nil, "regions: [{id: eu-north-1, name: North, nmae: typo}]\n",
		"regions[eu-north-1].nmae", "unknown field"},
	{"WrongType", nil, "servers: [{id: i-new-1, name: new, address: 10.20.1.30, subnet: vsw-a, status: [Running]}]\n",
		"servers[i-new-1].status", "list"},
	{"IDWithSpace", nil, "regions: [{id: eu north, name: North}]\n",
		"regions[#0].id", "ids are letters, digits"},
	{"IDTooLong", nil, "regions: [{id: " + strings.Repeat("r", 65) + ", name: Long}]\n",
		"regions[#0].id", "at most 64"},
	{"IDGivenTwice", nil, "regions:\n  - {id: eu-north-1, name: North}\n  - {id: eu-north-1, name: North again}\n",
		"regions[eu-north-1].id", "given twice"},
	{"CIDRNotANetwork", nil, "vpcs: [{id: vpc-new, region: eu-west-1, name: new, cidr: 10.50.1.0/16}]\n",
		"vpcs[vpc-new].cidr", "not a network address"},
	{"SubnetOutsideItsVPC", nil, "subnets: [{id: vsw-c, vpc: vpc-prod, name: c, cidr: 10.99.1.0/24}]\n",
		"subnets[vsw-c].cidr", "not inside vpc vpc-prod"},
	{"SubnetsOverlap", nil, "subnets: [{id: vsw-c, vpc: vpc-prod, name: c, cidr: 10.20.1.128/25}]\n",
		"subnets[vsw-c].cidr", "overlaps subnet vsw-a"},
	{"ServerOutsideItsSubnet", nil, "servers: [{id: i-new-1, name: new, address: 10.20.2.30, subnet: vsw-a}]\n",
		"servers[i-new-1].address", "not in subnet vsw-a"},
	{"ServerAddressTaken", nil, "servers: [{id: i-new-1, name: new, address: 10.20.1.11, subnet: vsw-a}]\n",
		"servers[i-new-1].address", "also the address of server i-web-1"},
	{"ServerInUnknownSubnet", nil, "servers: [{id: i-new-1, name: new, address: 10.20.1.30, subnet: vsw-nope}]\n",
		"servers[i-new-1].subnet", "does not exist"},
	{"ServerTypeUnknown", nil, "servers: [{id: i-new-1, name: new, address: 10.20.1.30, subnet: vsw-a, type: vm}]\n",
		"servers[i-new-1].type", "not one of ecs, eni, eci"},
	{"AddressTypeUnknown", nil, lbFile("lb-new", "address_type: public", ""),
		"load_balancers[lb-new].address_type", "not one of internet, intranet"},
	{"VPCOfAnotherRegion", nil, strings.Replace(lbFile("lb-new", "address_type: internet", ""), "vpc: vpc-prod", "vpc: vpc-asia", 1),
		"load_balancers[lb-new].vpc", "not in the load balancer's region"},
	{"TwoDefaultLists", nil, lbFile("lb-new", "address_type: internet",
		"      - {id: dfl-a, name: default, kind: default}\n      - {id: dfl-b, name: default, kind: default}\n"),
		"load_balancers[lb-new].groups[dfl-b].kind", "at most one"},
	{"GroupKindMissing", nil, lbFile("lb-new", "address_type: internet", "      - {id: rsp-new, name: new}\n"),
		"load_balancers[lb-new].groups[rsp-new].kind", "kind is missing"},
	{"MemberWithoutPort", nil, groupFile("{server: i-web-1}"),
		"load_balancers[lb-new].groups[rsp-new].members[0].port", "port is missing"},
	{"WeightOutOfRange", nil, groupFile("{server: i-web-1, port: 80, weight: 101}"),
		"load_balancers[lb-new].groups[rsp-new].members[0].weight", "between 0 and 100"},
	{"DescriptionTooLong", nil, groupFile("{server: i-web-1, port: 80, description: " + strings.Repeat("d", 256) + "}"),
		"load_balancers[lb-new].groups[rsp-new].members[0].description", "at most 255"},
	{"StoppedServerJoins", nil, "servers: [{id: i-off-1, name: off, address: 10.20.1.40, subnet: vsw-a, status: Stopped}]\n" +
		groupFile("{server: i-off-1, port: 80}"),
		"load_balancers[lb-new].groups[rsp-new].members[0].server", "only Running servers can be added"},
	{"MemberOutsideTheVPC", nil, groupFile("{server: i-asia-1, port: 80}"),
		"load_balancers[lb-new].groups[rsp-new].members[0].server", "not in the load balancer's vpc"},
	{"RuntimeAPIScheme", nil, lbFile("lb-new", "address_type: internet\n    dataplane: {haproxy: {runtime_api: [http://127.0.0.1:9999]}}", ""),
		"load_balancers[lb-new].dataplane.haproxy.runtime_api[0]", "scheme must be unix or tcp"},
	{"CheckIntervalTooShort", nil, groupFile("{server: i-web-1, port: 80}", "        health_check: {interval: 10ms}\n"),
		"load_balancers[lb-new].groups[rsp-new].health_check.interval", "out of range"},
	{"DrainTimeoutWithoutUnit", nil, groupFile("{server: i-web-1, port: 80}", "        drain_timeout: 30\n"),
		"load_balancers[lb-new].groups[rsp-new].drain_timeout", "has no unit"},
	{"DefaultPortOnAVServerGroup", nil, groupFile("{server: i-web-1, port: 80}", "        default_port: 80\n"),
		"load_balancers[lb-new].groups[rsp-new].default_port", "only to the default server list"},
	{"GroupMovesToAnotherLoadBalancer", nil, lbFile("lb-new", "address_type: internet", "      - {id: rsp-web-http, name: moved, kind: vserver}\n"),
		"load_balancers[lb-new].groups[rsp-web-http].id", "cannot move to another load balancer"},
	{"PruneWhatIsStillUsed", []string{"--prune"}, strings.Replace(fleetV1, "  - {id: vsw-b, vpc: vpc-prod, name: b, cidr: 10.20.2.0/24}\n", "", 1),
		"subnets[vsw-b]", "server eni-db-1, server i-web-3"},
	{"YAMLIndentation", nil, "regions:\n  - {id: eu-north-1, name: North}\n vpcs: []\n",
		"line 3", "did not find expected key"},
	{"JSONWrongType", nil, `{"regions": [{"id": "eu-north-1", "name": ["North"]}]}`,
		"regions[eu-north-1].name", "list"},
	{"EmptyFile", nil, "# nothing\n", "the file is empty", "describe the fleet"},
}

// lbFile is a file with one new load balancer in vpc-prod, with its address_type line (and
// what follows it) and its groups.
func lbFile(id, addressType, groups string) string {
	out := fmt.Sprintf("load_balancers:\n  - id: %s\n    name: new\n    region: eu-west-1\n    vpc: vpc-prod\n    address: 203.0.113.99\n    %s\n", id, addressType)
	if groups != "" {
		out += "    groups:\n" + groups
	}
	return out
}

// groupFile is a file with a new load balancer lb-new holding VServer group rsp-new with one
// member, and extra lines for the group.
func groupFile(member string, extra ...string) string {
	return lbFile("lb-new", "address_type: internet", "      - id: rsp-new\n        name: new\n        kind: vserver\n"+strings.Join(extra, "")+
		"        members:\n          - "+member+"\n")
}

// TestFleetApplyRefusesBadFiles applies each bad file with the real binary: each is refused
// with status 1, a line naming the object and field at fault, and nothing changes: neither
// the fleet nor the audit log.
func TestFleetApplyRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fleet.db")
	mustRun(t, "", "fleet", "apply", "--db", dbPath, writeFile(t, dir, "v1.yaml", fleetV1))
	exported := mustRun(t, "", "fleet", "export", "--db", dbPath)
	verified := mustRun(t, "", "audit", "verify", "--db", dbPath)
	if len(badFleets) < 20 {
		t.Fatalf("%d bad files, want at least 20", len(badFleets))
	}
	for _, tc := range badFleets {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "bad.yaml", tc.file)
			r := runBinary(t, "", append(append([]string{"fleet", "apply", "--db", dbPath}, tc.args...), file)...)
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("status %d, stdout %q, stderr:\n%s\nwant status 1 and nothing on stdout", r.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if !strings.HasPrefix(lines[0], file+" is refused, nothing was changed: ") {
				t.Errorf("first line %q, want it to say the file is refused", lines[0])
			}
			found := false
			for _, line := range lines[1:] {
				found = found || strings.Contains(line, tc.where) && strings.Contains(line, tc.says)
			}
			if !found {
				t.Errorf("no line names %s and says %q:\n%s", tc.where, tc.says, r.stderr)
			}
			if after := mustRun(t, "", "fleet", "export", "--db", dbPath); after != exported {
				t.Error("the fleet changed")
			}
			if after := mustRun(t, "", "audit", "verify", "--db", dbPath); after != verified {
				t.Errorf("audit verify says %q, was %q: the audit log changed", after, verified)
			}
		})
	}
}
