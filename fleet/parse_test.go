package fleet

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/lb"
)

// The schema as the issue writes it parses into what it says.
func TestParseReadsTheIssueExample(t *testing.T) {
	doc := loadFleet(t, "example.yaml")
	l := doc.LoadBalancers[0]
	g := l.Groups[0]
	switch {
	case doc.VPCs[0].CIDR != "10.20.0.0/16" || doc.Servers[0].Status != lb.StatusRunning:
		t.Errorf("inventory: %+v %+v", doc.VPCs, doc.Servers)
	case l.AddressType != AddressInternet || l.Status != lb.LBActive:
		t.Errorf("load balancer: %+v", l)
	case !reflect.DeepEqual(l.DataPlane.HAProxy.RuntimeAPI, []string{"unix:/run/haproxy/admin.sock", "tcp:127.0.0.1:9999"}):
		t.Errorf("runtime_api = %q", l.DataPlane.HAProxy.RuntimeAPI)
	case g.Kind != lb.KindVServer || g.Backend != "web-http" || *g.DrainTimeout != Duration(30*time.Second):
		t.Errorf("group: %+v", g)
	case *g.HealthCheck != (HealthCheck{Type: CheckHTTP, Path: "/healthz", Interval: Dur(2 * time.Second), Rise: intp(2), Fall: intp(3)}) &&
		!reflect.DeepEqual(*g.HealthCheck, HealthCheck{Type: CheckHTTP, Path: "/healthz", Interval: Dur(2 * time.Second), Rise: intp(2), Fall: intp(3)}):
		t.Errorf("health check: %+v", g.HealthCheck)
	case !reflect.DeepEqual(*g.Members, []Member{
		{Server: "i-web-1", Port: 80, Weight: intp(100)},
		{Address: "10.20.1.12", Port: 80, Weight: intp(50), Description: strp("canary")}}):
		t.Errorf("members: %+v", *g.Members)
	}
}

// JSON is read by the JSON grammar (escapes such as \/ and \u0061, tabs) into the same fleet.
func TestParseJSONGivesTheSameFleetAsYAML(t *testing.T) {
	fromYAML, fromJSON := loadFleet(t, "example.yaml"), loadFleet(t, "example.json")
	if !reflect.DeepEqual(fromYAML, fromJSON) {
		t.Errorf("JSON and YAML differ:\n%+v\n%+v", fromJSON, fromYAML)
	}
}

// Members left out (or null) are left alone; an empty list removes them all. The two must not
// be confused.
func TestParseTellsAbsentMembersFromAnEmptyList(t *testing.T) {
	for _, tc := range []struct {
		name, members string
		want          *[]Member
	}{
		{"Absent", "", nil},
		{"Null", "members:\n", nil},
		{"Empty", "members: []\n", &[]Member{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte("load_balancers:\n  - id: lb-1\n    groups:\n      - id: g-1\n        " + tc.members))
			if err != nil {
				t.Fatal(err)
			}
			got := doc.LoadBalancers[0].Groups[0].Members
			if (got == nil) != (tc.want == nil) || got != nil && len(*got) != 0 {
				t.Errorf("members = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseAcceptsAByteOrderMark(t *testing.T) {
	if _, err := Parse([]byte("\xef\xbb\xbfregions: [{id: r, name: R}]\n")); err != nil {
		t.Fatal(err)
	}
}

// TestParseRefusesMalformedFiles: each shape mistake is refused with its line, where it is, and
// what is wrong; a misspelt field is never dropped.
func TestParseRefusesMalformedFiles(t *testing.T) {
	const lbHead = "load_balancers:\n  - id: lb-1\n    groups:\n      - id: g-1\n"
	const m0 = "load_balancers[lb-1].groups[g-1].members[0]"
	tests := []struct {
		name, file string
		line       int
		where, msg string
	}{
		{"MisspeltMemberField", lbHead + "        members:\n          - {server: i-1, port: 80, wieght: 5}\n", 6, m0 + ".wieght", `unknown field "wieght" (did you mean "weight"?): a member takes server, address, port, weight, description`},
		{"MisspeltTopLevelKey", "regions: []\nloadbalancers: []\n", 2, "loadbalancers", `(did you mean "load_balancers"?)`},
		{"UnknownNestedField", lbHead + "        health_check: {type: http, timeout: 1s}\n", 5, "load_balancers[lb-1].groups[g-1].health_check.timeout", "health_check takes type, path, interval, rise, fall"},
		{"KeyGivenTwice", "servers:\n  - id: i-1\n    address: 10.0.0.1\n    address: 10.0.0.2\n", 4, "servers[i-1].address", "given twice (first on line 3)"},
		{"KeyGivenTwiceInJSON", "{\"servers\": [{\"id\": \"i-1\",\n \"id\": \"i-2\"}]}", 2, "servers[i-1].id", "given twice (first on line 1)"},
		{"UnknownFieldInJSON", "{\n  \"regions\": [\n    {\"id\": \"r\", \"nmae\": \"R\"}\n  ]\n}", 3, "regions[r].nmae", `(did you mean "name"?)`},
		{"PortAsString", lbHead + "        members: [{server: i-1, port: \"80\"}]\n", 5, m0 + ".port", `"80" is not a whole number`},
		{"PortAsFraction", lbHead + "        members: [{server: i-1, port: 80.5}]\n", 5, m0 + ".port", "80.5 is not a whole number"},
		{"MaintenanceAsYes", lbHead + "        members: [{server: i-1, port: 80, maintenance: yes}]\n", 5, m0 + ".maintenance", `"yes" is not true or false`},
		{"BackupAsString", lbHead + "        members: [{server: i-1, port: 80, backup: \"true\"}]\n", 5, m0 + ".backup", `"true" is not true or false`},
		{"PortInHex", lbHead + "        members: [{server: i-1, port: 0x50}]\n", 5, m0 + ".port", "write whole numbers in decimal"},
		{"WeightFarOutOfRange", lbHead + "        members: [{server: i-1, port: 80, weight: 99999999999999999999999}]\n", 5, m0 + ".weight", "not a whole number"},
		{"DurationWithoutUnit", lbHead + "        drain_timeout: 30\n", 5, "load_balancers[lb-1].groups[g-1].drain_timeout", "30 has no unit: write a duration such as 30s or 30ms"},
		{"DurationInWords", lbHead + "        health_check: {interval: 2 seconds}\n", 5, "load_balancers[lb-1].groups[g-1].health_check.interval", `"2 seconds" is not a duration`},
		{"ListForAMapping", lbHead + "        health_check: [http]\n", 5, "load_balancers[lb-1].groups[g-1].health_check", "expected a mapping of type, path, interval, rise, fall, found a list"},
		{"MappingForAList", "regions: {id: r}\n", 1, "regions", "expected a list, found a mapping"},
		{"WordForAList", lbHead + "        members: all\n", 5, "load_balancers[lb-1].groups[g-1].members", `expected a list, found "all"`},
		{"ListForAValue", "regions: [{id: [a, b]}]\n", 1, "regions[#0].id", "expected a single value, found a list"},
		{"Anchor", "regions: &r [{id: a, name: b}]\n", 1, "regions", "anchors and aliases"},
		{"MergeKey", "regions:\n  - &r {id: a, name: b}\n  - {<<: *r, id: c}\n", 2, "regions[a]", "anchors and aliases"},
		{"CustomTag", "regions: [{id: !shell a, name: b}]\n", 1, "regions[a].id", "the tag !shell is not supported"},
		{"SecondDocument", "regions: []\n---\nvpcs: []\n", 2, "", "second YAML document"},
		{"EmptyFile", "", 0, "", "the file is empty"},
		{"OnlyComments", "# nothing here\n", 0, "", "the file is empty"},
		{"TopLevelList", "- {id: a}\n", 1, "", "the file must be a mapping of regions, vpcs, subnets, servers, load_balancers, found a list"},
		{"NotUTF8", "regions:\n  - {id: a, name: \"\xff\"}\n", 2, "", "not valid UTF-8"},
		{"YAMLScannerError", "regions: []\nvpcs: []\nsubnets: [{id: \"\\q\"}]\n", 3, "", "found unknown escape character"},
		{"YAMLParserError", "regions: []\nvpcs: [{id: a\nsubnets: []\n", 2, "", "did not find expected"},
		{"BrokenJSONGoesToTheYAMLReader", "{\"regions\": [}\n", 1, "", "did not find expected node content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.file))
			problems := AsProblems(err)
			for _, p := range problems {
				if p.Line == tc.line && p.Where() == tc.where && strings.Contains(p.Message, tc.msg) {
					return
				}
			}
			t.Errorf("no problem on line %d at %q saying %q; got:\n%v", tc.line, tc.where, tc.msg, err)
		})
	}
}

// Every shape problem is reported at once, in the order of the file.
func TestParseReportsEveryShapeProblem(t *testing.T) {
	_, err := Parse([]byte("regions: [{id: r, nmae: R}]\nservers:\n  - {id: i-1, wieght: 3, port: 80}\nvpcs: {}\n"))
	got := AsProblems(err)
	var lines []int
	for _, p := range got {
		lines = append(lines, p.Line)
	}
	if !reflect.DeepEqual(lines, []int{1, 3, 3, 4}) {
		t.Errorf("problems on lines %v, want 1, 3, 3, 4:\n%v", lines, err)
	}
}
