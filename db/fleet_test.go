package db

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// An empty database takes a whole file in one apply, and the same file again changes nothing.
func TestApplyFleetToAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	doc := fleetFile(t, "fleet.yaml")

	p := applyFleet(t, d, doc, ApplyOptions{})
	if create, update, del, lists := p.Counts(); create != 17 || update+del != 0 || lists != 3 {
		t.Fatalf("first apply: %s; want 17 creates and 3 member lists", p.Summary())
	}

	t.Run("the database holds the file", func(t *testing.T) {
		page, err := d.ListLoadBalancers(ctx, LBFilter{})
		if err != nil || page.Total != 2 {
			t.Fatalf("load balancers: %+v, %v; want 2", page, err)
		}
		got := memberWeights(t, d, "rsp-web-http")
		want := map[string]int{"i-web-1:80": 100, "i-web-2:80": 100, "10.20.2.50:80": 50}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("members of rsp-web-http = %v, want %v", got, want)
		}
		if servers, err := d.ListServers(ctx, ServerFilter{}); err != nil || servers.Total != 5 {
			t.Errorf("servers: %d, %v; want 5", servers.Total, err)
		}
	})

	t.Run("every change is audited with source fleet and the chain verifies", func(t *testing.T) {
		entries := fleetAudit(t, d, AuditFilter{Source: SourceFleet})
		if len(entries) != 20 || auditTotal(t, d) != 20 {
			t.Fatalf("%d fleet entries of %d, want 20 of 20: %v", len(entries), auditTotal(t, d), actions(entries))
		}
		want := []string{"create_region", "create_region", "create_vpc", "create_vpc", "create_subnet", "create_subnet", "create_subnet",
			"create_server", "create_server", "create_server", "create_server", "create_server", "create_load_balancer", "create_load_balancer",
			"create_group", "create_group", "create_group", "replace_all", "replace_all", "replace_all"}
		if got := actions(entries); !reflect.DeepEqual(got, want) {
			t.Errorf("actions = %v, want %v", got, want)
		}
		for _, e := range entries {
			if e.Actor != "ops" || e.RequestID != "req-fleet" || e.Outcome != OutcomeOK {
				t.Errorf("entry %d: actor %q, request id %q, outcome %q", e.Seq, e.Actor, e.RequestID, e.Outcome)
			}
		}
		web := fleetAudit(t, d, AuditFilter{Action: "create_load_balancer", LoadBalancer: "lb-web"})
		if len(web) != 1 || web[0].Region != "eu-west-1" || web[0].Message != "create load balancer lb-web" || !strings.Contains(web[0].Request, `"runtime_api":["unix:/run/haproxy/admin.sock","tcp:127.0.0.1:9999"]`) {
			t.Errorf("the entry of lb-web: %+v", web)
		}
		list := fleetAudit(t, d, AuditFilter{Action: string(lb.ActionReplaceAll), Group: "rsp-web-http"})
		if len(list) != 1 || list[0].Count != 3 || list[0].GroupVersion != 2 || len(list[0].Diff().Added) != 3 {
			t.Errorf("the member list of rsp-web-http: %+v", list)
		}
		verifyChain(t, d)
	})

	t.Run("the same file again changes nothing", func(t *testing.T) {
		before := takeSnapshot(t, d)
		if p := applyFleet(t, d, doc, ApplyOptions{Prune: true}); !p.Empty() {
			t.Errorf("second apply: %s", p.Summary())
		}
		before.unchanged(t, d)
	})
}

// Export then apply changes nothing, in YAML and in JSON, even with prune: the export is the
// whole fleet, in the schema apply reads.
func TestExportFleetRoundTrip(t *testing.T) {
	for _, name := range []string{"fleet.yaml", "example.yaml", "example.json"} {
		t.Run(name, func(t *testing.T) {
			d, _ := emptyDB(t, Options{})
			applyFleet(t, d, fleetFile(t, name), ApplyOptions{})
			exported := exportFleetOf(t, d)
			before := takeSnapshot(t, d)
			for _, format := range []string{fleet.FormatYAML, fleet.FormatJSON} {
				if p := applyFleet(t, d, roundTrip(t, exported, format), ApplyOptions{Prune: true}); !p.Empty() {
					t.Errorf("%s export applied: %s", format, p.Summary())
				}
			}
			before.unchanged(t, d)
		})
	}
	t.Run("the README's complete example", func(t *testing.T) {
		data, err := os.ReadFile("../docs/fleet-example.yaml")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := fleet.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := emptyDB(t, Options{})
		if p := applyFleet(t, d, doc, ApplyOptions{}); len(p.Members) != 3 || len(p.LoadBalancers.Create) != 2 {
			t.Errorf("plan: %s", planText(t, p))
		}
		before := takeSnapshot(t, d)
		for _, again := range []fleet.Document{doc, roundTrip(t, before.fleet, fleet.FormatJSON)} {
			if p := applyFleet(t, d, again, ApplyOptions{Prune: true}); !p.Empty() {
				t.Errorf("applied again: %s", planText(t, p))
			}
		}
		before.unchanged(t, d)
	})
	t.Run("the demo, after batches from every interface", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		apply(t, d, weightReq(big, "alice", members(t, d, big.Group.ID)[0].ID, 7))
		if _, err := d.CreateVServerGroup(context.Background(), CreateGroupRequest{LoadBalancerID: big.LB.ID, Name: "made by the API",
			Actor: "bob", Source: SourceSLBAPI}); err != nil {
			t.Fatal(err)
		}
		before := takeSnapshot(t, d)
		if p := applyFleet(t, d, roundTrip(t, before.fleet, fleet.FormatYAML), ApplyOptions{Prune: true}); !p.Empty() {
			t.Errorf("export applied: %s", planText(t, p))
		}
		before.unchanged(t, d)
	})
}

// What the file says about the data plane is stored as given and exported back: the reconciler
// will drive HAProxy from exactly these.
func TestFleetStoresTheDataPlane(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	doc := fleetFile(t, "fleet.yaml")
	g := groupOf(&doc, "rsp-web-http")
	g.Backend = "be_web"
	g.HealthCheck = &fleet.HealthCheck{Type: fleet.CheckHTTP, Path: "/healthz?full=1", Interval: fleet.Dur(1500 * time.Millisecond), Rise: intp(5), Fall: intp(1)}
	g.DrainTimeout = fleet.Dur(90*time.Second + 500*time.Microsecond)
	lbOf(&doc, "lb-web").DataPlane.HAProxy.RuntimeAPI = []string{"tcp:127.0.0.1:9999", "unix:/run/haproxy/b.sock", "unix:/run/haproxy/a.sock"}
	applyFleet(t, d, doc, ApplyOptions{})

	got := exportFleetOf(t, d)
	if nodes := lbOf(&got, "lb-web").DataPlane.HAProxy.RuntimeAPI; !reflect.DeepEqual(nodes, []string{"tcp:127.0.0.1:9999", "unix:/run/haproxy/b.sock", "unix:/run/haproxy/a.sock"}) {
		t.Errorf("runtime_api = %v, want the file's, in its order", nodes)
	}
	eg := groupOf(&got, "rsp-web-http")
	if eg.Backend != "be_web" || !reflect.DeepEqual(eg.HealthCheck, g.HealthCheck) || *eg.DrainTimeout != *g.DrainTimeout {
		t.Errorf("group settings exported as %+v %+v %v", eg, eg.HealthCheck, eg.DrainTimeout)
	}
	if dfl := groupOf(&got, "dfl-web"); dfl.DefaultPort == nil || *dfl.DefaultPort != 8080 || dfl.HealthCheck != nil || dfl.DrainTimeout != nil || dfl.Backend != "" {
		t.Errorf("default list exported as %+v: want port 8080 and nothing else the defaults give", dfl)
	}
	if n := count(t, d, "SELECT count(*) FROM groups WHERE id = 'rsp-web-http' AND check_interval_ns = 1500000000 AND drain_timeout_ns = 90000500000 AND check_path = '/healthz?full=1'"); n != 1 {
		t.Error("the stored settings are not the file's")
	}

	t.Run("changing them is an update of the group, audited with the fields", func(t *testing.T) {
		doc := got
		*groupOf(&doc, "rsp-web-http").HealthCheck.Rise = 3
		lbOf(&doc, "lb-web").DataPlane.HAProxy.RuntimeAPI = []string{"unix:/run/haproxy/a.sock"}
		p := applyFleet(t, d, doc, ApplyOptions{})
		if len(p.Groups.Update) != 1 || len(p.LoadBalancers.Update) != 1 || len(p.Members) != 0 {
			t.Fatalf("plan %s", p.Summary())
		}
		e := fleetAudit(t, d, AuditFilter{Action: "update_group"})
		if len(e) != 1 || e[0].Message != `update group rsp-web-http in load balancer lb-web: health_check.rise "5" → "3"` || e[0].Group != "rsp-web-http" {
			t.Errorf("update_group entries: %+v", e)
		}
		var change struct{ Before, After map[string]any }
		if len(e) == 1 {
			if err := json.Unmarshal([]byte(e[0].Request), &change); err != nil || change.Before == nil || change.After == nil {
				t.Errorf("request %s: want the group before and after (%v)", e[0].Request, err)
			}
		}
		if nodes := lbOf(ptr(exportFleetOf(t, d)), "lb-web").DataPlane.HAProxy.RuntimeAPI; !reflect.DeepEqual(nodes, []string{"unix:/run/haproxy/a.sock"}) {
			t.Errorf("runtime_api after the update = %v", nodes)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// A rename, a weight, a server taken out of a list and, with prune, deleted: each change is
// what the file says, and the member list's change is a batch like any other.
func TestApplyFleetEdits(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	doc := exportFleetOf(t, d)
	version := groupVersion(t, d, target{LB: lb.LoadBalancer{ID: "lb-web"}, Group: GroupSummary{Group: lb.Group{ID: "rsp-web-http"}}})

	lbOf(&doc, "lb-web").Name = "web-renamed"
	web := groupOf(&doc, "rsp-web-http")
	list := slices.DeleteFunc(slices.Clone(*web.Members), func(m fleet.Member) bool { return m.Server == "i-web-2" })
	for i := range list {
		if list[i].Server == "i-web-1" {
			list[i].Weight = intp(30)
		}
	}
	web.Members = &list
	doc.Servers = slices.DeleteFunc(doc.Servers, func(s fleet.Server) bool { return s.ID == "i-web-2" })

	t.Run("without prune the server stays", func(t *testing.T) {
		p := applyFleet(t, d, doc, ApplyOptions{DryRun: true})
		if len(p.Servers.Delete) != 0 || len(p.LoadBalancers.Update) != 1 || len(p.Members) != 1 {
			t.Errorf("plan: %s", planText(t, p))
		}
	})

	before := auditTotal(t, d)
	p := applyFleet(t, d, doc, ApplyOptions{Prune: true})
	if len(p.Servers.Delete) != 1 || len(p.LoadBalancers.Update) != 1 || len(p.Members) != 1 {
		t.Fatalf("plan: %s", planText(t, p))
	}
	if got, want := memberWeights(t, d, "rsp-web-http"), map[string]int{"i-web-1:80": 30, "10.20.2.50:80": 50}; !reflect.DeepEqual(got, want) {
		t.Errorf("members = %v, want %v", got, want)
	}
	if l, err := d.GetLoadBalancer(context.Background(), "lb-web"); err != nil || l.Name != "web-renamed" {
		t.Errorf("load balancer = %+v, %v; want renamed", l, err)
	}
	if _, err := d.GetServer(context.Background(), "i-web-2"); lb.ErrorKind(err) != lb.KindNotFound {
		t.Errorf("GetServer(i-web-2) = %v, want not found", err)
	}
	entries := fleetAudit(t, d, AuditFilter{})[before:]
	if got, want := actions(entries), []string{"update_load_balancer", "replace_all", "delete_server"}; !reflect.DeepEqual(got, want) {
		t.Errorf("actions = %v, want %v", got, want)
	}
	batch := entries[1]
	if d := batch.Diff(); len(d.Removed) != 1 || len(d.Changed) != 1 || batch.GroupVersion != version+1 {
		t.Errorf("the member list's entry: diff %+v, version %d (was %d)", d, batch.GroupVersion, version)
	}
	if entries[2].Servers != "i-web-2" || entries[2].Count != 1 || !strings.Contains(entries[2].Request, `"before":{"id":"i-web-2"`) {
		t.Errorf("delete_server entry: %+v", entries[2])
	}
	verifyChain(t, d)
}

// A prune refuses to delete what something staying still refers to, naming what does, and
// changes nothing.
func TestApplyFleetPruneRefusesWhatIsReferredTo(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	before := takeSnapshot(t, d)

	doc := exportFleetOf(t, d)
	doc.Servers = slices.DeleteFunc(doc.Servers, func(s fleet.Server) bool { return s.ID == "i-web-1" })
	_, err := d.ApplyFleet(context.Background(), fleetOrigin, doc, ApplyOptions{Prune: true})
	wantProblem(t, err, "servers[i-web-1]", "group dfl-web")
	wantProblem(t, err, "servers[i-web-1]", "rsp-web-http")

	doc = exportFleetOf(t, d)
	doc.Subnets = slices.DeleteFunc(doc.Subnets, func(s fleet.Subnet) bool { return s.ID == "vsw-b" })
	_, err = d.ApplyFleet(context.Background(), fleetOrigin, doc, ApplyOptions{Prune: true})
	wantProblem(t, err, "subnets[vsw-b]", "server i-off-1")
	before.unchanged(t, d)
}

// A dry run plans and tries the whole apply, and leaves everything as it was.
func TestApplyFleetDryRunChangesNothing(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	doc := fleetFile(t, "fleet.yaml")
	before := takeSnapshot(t, d)
	dry := applyFleet(t, d, doc, ApplyOptions{DryRun: true})
	before.unchanged(t, d)
	real := applyFleet(t, d, doc, ApplyOptions{})
	if dry.Summary() != real.Summary() || planText(t, dry) != planText(t, real) {
		t.Errorf("dry run planned\n%s\nthe apply\n%s", planText(t, dry), planText(t, real))
	}
}

// A file that breaks a rule changes nothing, is not audited, and says what is wrong.
func TestApplyFleetRefusesABadFileWhole(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	before := takeSnapshot(t, d)
	doc := exportFleetOf(t, d)
	lbOf(&doc, "lb-web").Name = "fine"                                          // a good change …
	(*groupOf(&doc, "rsp-web-http").Members)[0].Weight = intp(101)              // … with a bad one
	doc.Regions = append(doc.Regions, fleet.Region{ID: "eu-south-1", Name: ""}) // and another
	_, err := d.ApplyFleet(context.Background(), fleetOrigin, doc, ApplyOptions{})
	wantProblem(t, err, "load_balancers[lb-web].groups[rsp-web-http].members[0].weight", "101")
	wantProblem(t, err, "regions[eu-south-1].name", "missing")
	before.unchanged(t, d)
}

// A locked load balancer keeps as it is: a file that changes it is refused.
func TestApplyFleetLockedLoadBalancer(t *testing.T) {
	d, _ := seededDB(t, Options{})
	locked := lockedGroup(t, d)
	before := takeSnapshot(t, d)
	doc := exportFleetOf(t, d)
	lbOf(&doc, locked.LB.ID).Name = "renamed"
	_, err := d.ApplyFleet(context.Background(), fleetOrigin, doc, ApplyOptions{})
	wantProblem(t, err, "load_balancers["+locked.LB.ID+"]", "locked")
	before.unchanged(t, d)
}

// The demo keeps stopped servers in groups; a file that changes such a group's list but keeps
// the stopped member applies, and the member stays.
func TestApplyFleetKeepsAStoppedMember(t *testing.T) {
	d, _ := seededDB(t, Options{})
	doc := exportFleetOf(t, d)
	stopped := map[string]bool{}
	for _, s := range doc.Servers {
		if s.Status == lb.StatusStopped {
			stopped[s.ID] = true
		}
	}
	for _, l := range doc.LoadBalancers {
		if l.Status == lb.LBLocked {
			continue
		}
		for _, g := range l.Groups {
			i := slices.IndexFunc(*g.Members, func(m fleet.Member) bool { return stopped[m.Server] })
			if i < 0 {
				continue
			}
			keep := (*g.Members)[i].Server
			other := slices.IndexFunc(*g.Members, func(m fleet.Member) bool { return !stopped[m.Server] })
			(*g.Members)[other].Weight = intp(1)
			p := applyFleet(t, d, doc, ApplyOptions{})
			if len(p.Members) != 1 || len(p.Members[0].Diff.Changed) != 1 {
				t.Fatalf("plan: %s", planText(t, p))
			}
			if !slices.ContainsFunc(members(t, d, g.ID), func(m lb.Member) bool { return m.ServerID == keep }) {
				t.Errorf("stopped member %s left group %s", keep, g.ID)
			}
			return
		}
	}
	t.Fatal("the demo has no group with a stopped member")
}

// planText is the plan as the command line prints it.
func planText(t *testing.T, p fleet.Plan) string {
	t.Helper()
	var b strings.Builder
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A member's maintenance and backup settings are applied from the file, exported back (only
// when on), and kept when a later file leaves them out.
func TestFleetMemberSettings(t *testing.T) {
	t.Parallel()
	const file = `regions: [{id: r1, name: r}]
vpcs: [{id: v1, region: r1, name: v, cidr: 10.9.0.0/16}]
subnets: [{id: s1, vpc: v1, name: s, cidr: 10.9.1.0/24}]
servers: [{id: i-a, address: 10.9.1.10, subnet: s1}, {id: i-b, address: 10.9.1.11, subnet: s1}]
load_balancers:
  - id: lb-x
    name: x
    region: r1
    vpc: v1
    address: 10.9.1.2
    address_type: intranet
    groups:
      - id: g-x
        name: x
        kind: vserver
        members: [{server: i-a, port: 80%s}, {server: i-b, port: 80}]
`
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, parseFleet(t, fmt.Sprintf(file, ", maintenance: true, backup: true")), ApplyOptions{})
	settings := func() map[string][2]bool {
		out := map[string][2]bool{}
		for _, m := range members(t, d, "g-x") {
			out[m.ServerID] = [2]bool{m.Maintenance, m.Backup}
		}
		return out
	}
	if got := settings(); got["i-a"] != [2]bool{true, true} || got["i-b"] != [2]bool{} {
		t.Errorf("after apply: %v; want i-a in maintenance and a backup, i-b neither", got)
	}
	exported := *groupOf(ptr(exportFleetOf(t, d)), "g-x").Members
	if a := exported[0]; a.Maintenance == nil || !*a.Maintenance || a.Backup == nil || !*a.Backup || exported[1].Maintenance != nil || exported[1].Backup != nil {
		t.Errorf("exported members %+v; want the settings on i-a only", exported)
	}
	for _, format := range []string{fleet.FormatYAML, fleet.FormatJSON} {
		if p := applyFleet(t, d, roundTrip(t, exportFleetOf(t, d), format), ApplyOptions{Prune: true}); !p.Empty() {
			t.Errorf("the %s export applied changed something: %s", format, planText(t, p))
		}
	}
	if p := applyFleet(t, d, parseFleet(t, fmt.Sprintf(file, "")), ApplyOptions{}); !p.Empty() {
		t.Errorf("a file without the settings changed something: %s", planText(t, p))
	}
	applyFleet(t, d, parseFleet(t, fmt.Sprintf(file, ", maintenance: false")), ApplyOptions{})
	if got := settings(); got["i-a"] != [2]bool{false, true} {
		t.Errorf("after maintenance: false: %v; want i-a out of maintenance, still a backup", got)
	}
}
