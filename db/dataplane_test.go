package db

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/fleet"
	"lbconsole/lb"
)

// boundFleet is a load balancer with two HAProxy nodes, a default list on port 8080 and a
// VServer group with an http check, one of whose members adopts a server of haproxy.cfg.
const boundFleet = `
regions: [{id: local, name: Local}]
vpcs: [{id: vpc-l, region: local, name: l, cidr: 127.0.0.0/16}]
subnets: [{id: vsw-l, vpc: vpc-l, name: l, cidr: 127.0.0.0/24}]
servers:
  - {id: i-a, address: 127.0.0.2, subnet: vsw-l}
  - {id: i-b, address: 127.0.0.3, subnet: vsw-l}
load_balancers:
  - id: lb-hx
    name: hx
    region: local
    vpc: vpc-l
    address: 127.0.0.1
    address_type: intranet
    dataplane: {haproxy: {runtime_api: [unix:/run/hx/a.sock, tcp:127.0.0.1:9999]}}
    groups:
      - id: g-default
        name: default
        kind: default
        backend: be_default
        default_port: 8080
        drain_timeout: 5s
        members: [{server: i-a, weight: 10}]
      - id: g-web
        name: web
        kind: vserver
        health_check: {type: http, path: /healthz, interval: 500ms, rise: 1, fall: 2}
        members:
          - {server: i-a, port: 81, weight: 7, haproxy_server: web1}
          - {address: 127.0.0.3, port: 82, weight: 0}
`

var nodeA = Node{LoadBalancerID: "lb-hx", RuntimeAPI: "unix:/run/hx/a.sock"}
var nodeB = Node{LoadBalancerID: "lb-hx", RuntimeAPI: "tcp:127.0.0.1:9999"}

func boundDB(t *testing.T, opts Options) *DB {
	t.Helper()
	d, _ := emptyDB(t, opts)
	applyFleet(t, d, parseFleet(t, boundFleet), ApplyOptions{})
	return d
}

// The desired state of a node is the load balancer's groups as backends: ports, weights,
// checks, drain timeouts, versions and adopted names, read whole.
func TestNodeDesiredIsTheGroupsAsBackends(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	nodes, err := d.DataplaneNodes(ctx)
	if err != nil || !reflect.DeepEqual(nodes, []Node{nodeA, nodeB}) {
		t.Fatalf("DataplaneNodes = %v, %v; want both nodes in the file's order", nodes, err)
	}
	des, err := d.NodeDesired(ctx, nodeB)
	if err != nil {
		t.Fatal(err)
	}
	if len(des.Backends) != 2 {
		t.Fatalf("backends %+v; want be_default and web", des.Backends)
	}
	def, web := des.Backends[0], des.Backends[1]
	if def.Name != "be_default" || def.DrainTimeout != 5*time.Second || len(def.Servers) != 1 || def.Servers[0].Port != 8080 ||
		def.Servers[0].Weight != 10 || def.Servers[0].Check.Type != dataplane.CheckTCP || def.Version != 2 {
		t.Errorf("default list as %+v (server %+v); want be_default, 5s, one server on the default port 8080 at weight 10, version 2", def, def.Servers)
	}
	wantCheck := dataplane.Check{Type: dataplane.CheckHTTP, Path: "/healthz", Interval: 500 * time.Millisecond, Rise: 1, Fall: 2}
	if web.Name != "web" || web.DrainTimeout != 30*time.Second || len(web.Servers) != 2 {
		t.Fatalf("web as %+v; want backend web with two servers and the default drain", web)
	}
	for _, s := range web.Servers {
		if *s.Check != wantCheck {
			t.Errorf("server %s check %+v; want %+v", s.Address, *s.Check, wantCheck)
		}
	}
	if s := web.Servers[0]; s.Address != "127.0.0.2" || s.Port != 81 || s.Weight != 7 || s.Adopted != "web1" {
		t.Errorf("first web server %+v; want 127.0.0.2:81 weight 7 adopting web1", s)
	}
	if s := web.Servers[1]; s.Weight != 0 || s.Adopted != "" {
		t.Errorf("second web server %+v; want weight 0 (drained), not adopted", s)
	}
	if err := des.Validate(); err != nil {
		t.Errorf("the desired state does not validate: %v", err)
	}
	_, err = d.NodeDesired(ctx, Node{LoadBalancerID: "lb-hx", RuntimeAPI: "unix:/run/hx/other.sock"})
	if kind := lb.ErrorKind(err); kind != lb.KindNotFound {
		t.Errorf("desired state of a node not bound: %v; want not found", err)
	}
}

// A name once adopted stays owned: re-applying the file changes nothing, a new name for the
// member leaves the old one to be removed, and a removed member's name too.
func TestAdoptedNamesStayOwned(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	doc := exportFleetOf(t, d)
	if m := (*groupOf(&doc, "g-web").Members)[0]; m.HAProxyServer != "web1" {
		t.Fatalf("exported member %+v; want haproxy_server web1", m)
	}
	if p := applyFleet(t, d, doc, ApplyOptions{}); !p.Empty() {
		t.Fatalf("re-applying the export plans %+v; want nothing", p)
	}
	if p := applyFleet(t, d, parseFleet(t, boundFleet), ApplyOptions{}); !p.Empty() {
		t.Fatalf("re-applying the file plans %+v; want nothing", p)
	}
	renamed := strings.Replace(boundFleet, "haproxy_server: web1", "haproxy_server: web1b", 1)
	p := applyFleet(t, d, parseFleet(t, renamed), ApplyOptions{})
	if len(p.Adoptions) != 1 || p.Adoptions[0].Name != "web1b" {
		t.Fatalf("renaming plans %+v; want one adoption of web1b", p.Adoptions)
	}
	des, err := d.NodeDesired(ctx, nodeA)
	if err != nil {
		t.Fatal(err)
	}
	web := des.Backends[1]
	if web.Servers[0].Adopted != "web1b" || !reflect.DeepEqual(web.Adopt, []string{"web1"}) {
		t.Errorf("after renaming: server adopts %q, backend adopts %v; want web1b, and web1 left to remove", web.Servers[0].Adopted, web.Adopt)
	}
	removed := strings.Replace(renamed, "- {server: i-a, port: 81, weight: 7, haproxy_server: web1b}\n", "", 1)
	applyFleet(t, d, parseFleet(t, removed), ApplyOptions{})
	des, err = d.NodeDesired(ctx, nodeA)
	if err != nil {
		t.Fatal(err)
	}
	if web := des.Backends[1]; len(web.Servers) != 1 || !reflect.DeepEqual(web.Adopt, []string{"web1", "web1b"}) {
		t.Errorf("after removing the member: %d servers, adopt %v; want 1, and both names left to remove", len(web.Servers), web.Adopt)
	}
	entries := fleetAudit(t, d, AuditFilter{Action: ActionAdoptServer})
	if len(entries) != 2 || entries[0].Servers != "i-a:81" {
		t.Errorf("adoption entries %+v; want two, naming i-a:81", entries)
	}
	verifyChain(t, d)
}

func TestHAProxyServerRefusals(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	before := takeSnapshot(t, d)
	cases := []struct{ name, from, to, want string }{
		{"NotAName", "haproxy_server: web1", "haproxy_server: 'web 1'", "is not an HAProxy server name"},
		{"Twice", "{address: 127.0.0.3, port: 82, weight: 0}", "{address: 127.0.0.3, port: 82, weight: 0, haproxy_server: web1}", "one server is one member"},
		{"NoDataPlane", "    dataplane: {haproxy: {runtime_api: [unix:/run/hx/a.sock, tcp:127.0.0.1:9999]}}\n", "", "only to a load balancer with a dataplane"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(boundFleet, c.from, c.to, 1)
			if c.name == "NoDataPlane" {
				text = strings.Replace(text, "        backend: be_default\n        default_port: 8080\n", "", 1)
			}
			_, err := d.ApplyFleet(context.Background(), fleetOrigin, parseFleet(t, text), ApplyOptions{})
			var ps fleet.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("ApplyFleet = %v; want problems", err)
			}
			for _, p := range ps {
				if p.Field == "haproxy_server" && strings.Contains(p.Message, c.want) {
					return
				}
			}
			t.Errorf("problems %v; want one of haproxy_server saying %q", ps, c.want)
		})
	}
	before.unchanged(t, d)
}

// report is a pass of node n that observed the members of g-web.
func webReport(t *testing.T, d *DB, n Node, status dataplane.Status, started time.Time) dataplane.Report {
	t.Helper()
	des, err := d.NodeDesired(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	rep := dataplane.Report{Node: n.String(), Status: status, Started: started, Duration: 3 * time.Millisecond}
	for _, be := range des.Backends {
		rep.Backends = append(rep.Backends, dataplane.BackendResult{Name: be.Name, Version: be.Version, Owner: be.Owner,
			Converged: status == dataplane.StatusInSync})
		for _, s := range be.Servers {
			rep.Observed = append(rep.Observed, dataplane.Observed{Backend: be.Name, Server: s.Name(), MemberID: s.ID,
				Health: dataplane.HealthUp, CheckHealth: dataplane.HealthUp, State: haproxy.StateReady, Status: "UP", Sessions: 2, Weight: s.Weight})
		}
	}
	return rep
}

func recordPass(t *testing.T, d *DB, n Node, rep dataplane.Report) []Converged {
	t.Helper()
	c, err := d.RecordPass(context.Background(), n, rep)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func nodeStatus(t *testing.T, d *DB, n Node) NodeStatus {
	t.Helper()
	all, err := d.NodeStatuses(context.Background(), n.LoadBalancerID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Node == n {
			return s
		}
	}
	t.Fatalf("no status of %v in %+v", n, all)
	return NodeStatus{}
}

// A node's status keeps when it became unreachable across passes, forgets it once reached, and
// its last observations stop counting as health while it cannot be read.
func TestNodeStatusAndHealthAcrossPasses(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	if s := nodeStatus(t, d, nodeA); s.Status != "" || s.Fresh() {
		t.Fatalf("status before any pass %+v; want none", s)
	}
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, t0))
	members := members(t, d, "g-web")
	health, err := d.MemberHealth(ctx, "g-web")
	if err != nil || len(health) != 2 {
		t.Fatalf("MemberHealth = %+v, %v; want both members", health, err)
	}
	h := health[members[0].ID]
	if h.SLBHealth() != dataplane.SLBNormal || h.OperatingStatus() != dataplane.OperatingOnline || h.Sessions() != 2 || !h.Nodes[0].Fresh() {
		t.Errorf("health %+v: %s %s; want normal, ONLINE, 2 sessions, fresh", h, h.SLBHealth(), h.OperatingStatus())
	}
	for i := 1; i <= 3; i++ {
		rep := dataplane.Report{Node: nodeA.String(), Status: dataplane.StatusUnreachable, Err: errors.New("connection refused"),
			Since: t0.Add(time.Duration(i) * time.Second), Started: t0.Add(time.Duration(i) * time.Second)}
		recordPass(t, d, nodeA, rep)
	}
	s := nodeStatus(t, d, nodeA)
	if s.Status != dataplane.StatusUnreachable || !s.UnreachableSince.Equal(t0.Add(time.Second)) || s.Error != "connection refused" || s.Fresh() {
		t.Errorf("after 3 unreachable passes %+v; want unreachable since the first, with its error", s)
	}
	health, _ = d.MemberHealth(ctx, "g-web")
	if h := health[members[0].ID]; h.SLBHealth() != dataplane.SLBUnavailable || h.OperatingStatus() != dataplane.OperatingNoMonitor {
		t.Errorf("while unreachable: %s %s; want unavailable and NO_MONITOR: old observations are not health", h.SLBHealth(), h.OperatingStatus())
	}
	recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, t0.Add(time.Minute)))
	if s := nodeStatus(t, d, nodeA); !s.UnreachableSince.IsZero() || !s.InSyncSince.Equal(t0.Add(time.Minute)) || s.Error != "" {
		t.Errorf("reached again %+v; want in sync since then, no longer unreachable", s)
	}
	stuck := webReport(t, d, nodeA, dataplane.StatusConverging, t0.Add(2*time.Minute))
	stuck.Problems = []dataplane.Problem{{Backend: "be_default", Message: "the node has no backend be_default: add it to haproxy.cfg"}}
	recordPass(t, d, nodeA, stuck)
	if s := nodeStatus(t, d, nodeA); s.Status != dataplane.StatusConverging || s.Error != stuck.Problems[0].Message || !s.InSyncSince.IsZero() {
		t.Errorf("held up by a missing backend %+v; want converging, saying what a person must do", s)
	}
}

// The audit entry of a batch says when each node first ran it, or why not yet; the latency is
// measured from the batch's commit.
func TestBatchNodesSayWhenEachNodeApplied(t *testing.T) {
	t.Parallel()
	clk := newClock()
	d := boundDB(t, Options{Now: clk.Now})
	ctx := context.Background()
	recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, clk.Now()))
	g, err := d.GetGroup(ctx, "lb-hx", "g-web")
	if err != nil {
		t.Fatal(err)
	}
	res := apply(t, d, weightReq(target{LB: lb.LoadBalancer{ID: "lb-hx"}, Group: GroupSummary{Group: g}}, "ops", members(t, d, "g-web")[0].ID, 9))
	clk.Advance(400 * time.Millisecond)
	converged := recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, clk.Now()))
	if len(converged) != 1 || converged[0].GroupID != "g-web" || converged[0].At.Sub(converged[0].Committed) != 400*time.Millisecond {
		t.Errorf("converged %+v; want g-web's new version, 400ms after its commit", converged)
	}
	recordPass(t, d, nodeB, dataplane.Report{Status: dataplane.StatusUnreachable, Err: errors.New("dial tcp: refused"), Started: clk.Now(), Since: clk.Now()})
	applied, err := d.BatchNodes(ctx, res.Seq)
	if err != nil || len(applied) != 2 {
		t.Fatalf("BatchNodes = %+v, %v; want both nodes", applied, err)
	}
	if a := applied[0]; !a.AppliedAt.Equal(clk.Now()) || a.Version != res.Group.Version {
		t.Errorf("node A %+v; want applied at the pass that found it converged on version %d", a, res.Group.Version)
	}
	if b := applied[1]; !b.AppliedAt.IsZero() || b.Node.Status != dataplane.StatusUnreachable || b.Node.Error != "dial tcp: refused" {
		t.Errorf("node B %+v; want not yet applied, because unreachable", b)
	}
	versions, err := d.GroupVersions(ctx, "g-web")
	if err != nil || versions[0].Version != res.Group.Version || versions[1].Version != 0 {
		t.Errorf("GroupVersions = %+v, %v; want A on version %d and B on none", versions, err, res.Group.Version)
	}
}

// Drift corrected is an audit entry of source dataplane naming the node and the server; drift
// whose correction failed is not recorded.
func TestDriftCorrectedIsAudited(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	rep := webReport(t, d, nodeA, dataplane.StatusDriftCorrected, time.Now())
	server := rep.Observed[1]
	rep.Drift = []dataplane.Drift{{Backend: "web", Server: server.Server, MemberID: server.MemberID, What: "weight 9, want 7"}}
	rep.Outcomes = []dataplane.Outcome{{Op: dataplane.Operation{Kind: dataplane.OpWeight, Backend: "web", Server: server.Server, Drift: true}, Attempts: 1}}
	recordPass(t, d, nodeA, rep)
	failed := rep
	failed.Outcomes = []dataplane.Outcome{{Op: rep.Outcomes[0].Op, Err: errors.New("refused"), Attempts: 1}}
	recordPass(t, d, nodeA, failed)
	entries := fleetAudit(t, d, AuditFilter{Source: SourceDataplane})
	if len(entries) != 1 {
		t.Fatalf("%d dataplane entries; want 1 (the failed correction is not one)", len(entries))
	}
	e := entries[0]
	if e.Action != ActionCorrectDrift || e.Group != "g-web" || e.LoadBalancer != "lb-hx" || e.Servers != "i-a:81" ||
		!strings.Contains(e.Message, nodeA.RuntimeAPI) || !strings.Contains(e.Message, "weight 9, want 7") {
		t.Errorf("entry %+v; want correct_drift of g-web naming the node, i-a:81 and what was set back", e)
	}
	if s := nodeStatus(t, d, nodeA); s.DriftCorrectedAt.IsZero() {
		t.Errorf("status %+v; want when drift was corrected", s)
	}
	verifyChain(t, d)
}

// The listener hears of each applied change, after its commit, with its load balancer; of a
// fleet apply without one; and of nothing refused.
func TestChangeListenerHearsCommits(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	var heard [][]string
	d.SetChangeListener(listenerFunc(func(ids ...string) { heard = append(heard, ids) }))
	g, _ := d.GetGroup(context.Background(), "lb-hx", "g-web")
	tg := target{LB: lb.LoadBalancer{ID: "lb-hx"}, Group: GroupSummary{Group: g}}
	m := members(t, d, "g-web")[0]
	apply(t, d, weightReq(tg, "ops", m.ID, 3))
	if _, err := d.ApplyBatch(context.Background(), weightReq(tg, "ops", m.ID, 300)); err == nil {
		t.Fatal("a weight of 300 was applied")
	}
	applyFleet(t, d, parseFleet(t, strings.Replace(boundFleet, "weight: 10", "weight: 11", 1)), ApplyOptions{})
	if want := [][]string{{"lb-hx"}, nil}; !reflect.DeepEqual(heard, want) {
		t.Errorf("heard %q; want %q", heard, want)
	}
}

type listenerFunc func(ids ...string)

func (f listenerFunc) DataplaneChanged(ids ...string) { f(ids...) }
