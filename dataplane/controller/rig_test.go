package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/controller"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// The rig's names: load balancer lbID, whose group groupID drives backend "web".
const (
	lbID    = "lb-hx"
	groupID = "rsp-web"
	backend = "web"
)

// rigOptions say what a rig runs; zero values take the defaults in brackets.
type rigOptions struct {
	nodes    int           // haproxy processes, each a node of the load balancer [1]
	backends int           // HTTP backends on 127.0.0.2 and up [2]
	members  int           // how many of the backends are the group's first members [all]
	interval time.Duration // the reconcile interval [200ms]
	check    time.Duration // the health check interval [200ms]
	fall     int           // failed checks before down [2]
	drain    time.Duration // the group's drain timeout [10s]
}

// rig is a console (the real router on a copy of the demo database) whose load balancer lbID
// is bound to real haproxy processes, with real HTTP backends, and a controller running.
type rig struct {
	opts     rigOptions
	c        *testenv.Console
	proxies  []*haproxytest.HAProxy
	clients  []*haproxy.Client
	nodes    []db.Node
	backends []*haproxytest.Backend
	ctrl     *controller.Controller
}

func newRig(t testing.TB, opts rigOptions) *rig {
	t.Helper()
	opts = withDefaults(opts)
	r := &rig{opts: opts, backends: haproxytest.StartBackends(t, opts.backends)}
	for range opts.nodes {
		h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: backend, Lines: []string{"balance roundrobin"}}}})
		c, err := haproxy.New(h.Unix, h.Unix)
		if err != nil {
			t.Fatal(err)
		}
		r.proxies, r.clients = append(r.proxies, h), append(r.clients, c)
		r.nodes = append(r.nodes, db.Node{LoadBalancerID: lbID, RuntimeAPI: h.Unix})
	}
	r.c = testenv.NewConsole(t, testenv.Options{})
	if _, err := r.c.Store.ApplyFleet(context.Background(), testenv.Origin, r.fleet(t), db.ApplyOptions{}); err != nil {
		t.Fatalf("apply the rig's fleet: %v", err)
	}
	r.ctrl = startController(t, r.c, opts.interval)
	return r
}

func withDefaults(o rigOptions) rigOptions {
	o.nodes, o.backends = max(o.nodes, 1), max(o.backends, 2)
	if o.members == 0 {
		o.members = o.backends
	}
	if o.interval == 0 {
		o.interval = 200 * time.Millisecond
	}
	if o.check == 0 {
		o.check = 200 * time.Millisecond
	}
	if o.fall == 0 {
		o.fall = 2
	}
	if o.drain == 0 {
		o.drain = 10 * time.Second
	}
	return o
}

// startController runs a controller on the console's store, its metrics served by the
// console's /metrics, heard by the store after each commit, until the test ends.
func startController(t testing.TB, c *testenv.Console, interval time.Duration) *controller.Controller {
	t.Helper()
	m := controller.NewMetrics()
	if err := c.Metrics.Register(m.Collectors()...); err != nil {
		t.Fatal(err)
	}
	ctrl, err := controller.New(controller.Config{Store: c.Store, Interval: interval, Metrics: m, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.Store.SetChangeListener(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ctrl.Run(ctx) }()
	t.Cleanup(func() {
		c.Store.SetChangeListener(nil)
		cancel()
		<-done
	})
	return ctrl
}

// fleet is the rig's fleet file: the backends as inventory servers of a loopback subnet, and
// the load balancer bound to every haproxy, its group holding the first members.
func (r *rig) fleet(t testing.TB) fleet.Document {
	t.Helper()
	var b strings.Builder
	// Region cn-hangzhou is the demo's, which the SDK clients of testenv are made for.
	b.WriteString("vpcs: [{id: vpc-l, region: " + testenv.Region + ", name: l, cidr: 127.0.0.0/16}]\n")
	b.WriteString("subnets: [{id: vsw-l, vpc: vpc-l, name: l, cidr: 127.0.0.0/24}]\nservers:\n")
	for _, be := range r.backends {
		fmt.Fprintf(&b, "  - {id: %s, address: %s, subnet: vsw-l}\n", serverID(be), be.IP)
	}
	var apis []string
	for _, n := range r.nodes {
		apis = append(apis, n.RuntimeAPI)
	}
	fmt.Fprintf(&b, `load_balancers:
  - id: %s
    name: hx
    region: cn-hangzhou
    vpc: vpc-l
    address: 127.0.0.1
    address_type: intranet
    dataplane: {haproxy: {runtime_api: [%s]}}
    groups:
      - id: %s
        name: %s
        kind: vserver
        health_check: {type: tcp, interval: %s, rise: 1, fall: %d}
        drain_timeout: %s
        members:
`, lbID, strings.Join(apis, ", "), groupID, backend, r.opts.check, r.opts.fall, r.opts.drain)
	for _, be := range r.backends[:r.opts.members] {
		fmt.Fprintf(&b, "          - {server: %s, port: %d, weight: 100}\n", serverID(be), be.Port)
	}
	doc, err := fleet.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return doc
}

func serverID(b *haproxytest.Backend) string { return "i-" + strings.ReplaceAll(b.IP, ".", "-") }

// url is where the first node's frontend takes requests for the group.
func (r *rig) url() string { return r.proxies[0].URL(backend) }

// group is the group as the store has it now.
func (r *rig) group(t testing.TB) (lb.Group, []lb.Member) {
	t.Helper()
	g, err := r.c.Store.GetGroup(context.Background(), lbID, groupID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := r.c.Store.ListMembers(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	return g, ms
}

// member is the member at backend b.
func (r *rig) member(t testing.TB, b *haproxytest.Backend) lb.Member {
	t.Helper()
	_, ms := r.group(t)
	for _, m := range ms {
		if m.Address == b.IP && m.Port == b.Port {
			return m
		}
	}
	t.Fatalf("no member at %s", b.Name)
	return lb.Member{}
}

// apply applies a batch to the group as an operator would, through the store.
func (r *rig) apply(t testing.TB, batch lb.Batch) db.BatchResult {
	t.Helper()
	res, err := r.c.Store.ApplyBatch(context.Background(), db.BatchRequest{LoadBalancerID: lbID, GroupRef: groupID, Batch: batch,
		Actor: testenv.Operator, Source: db.SourceConsole, RequestID: "req-test"})
	if err != nil {
		t.Fatalf("ApplyBatch %s: %v", batch.Action, err)
	}
	return res
}

// setWeights sets the weight of the member at each backend.
func (r *rig) setWeights(t testing.TB, weights map[*haproxytest.Backend]int) db.BatchResult {
	t.Helper()
	var specs []lb.Spec
	for b, w := range weights {
		specs = append(specs, lb.Spec{MemberID: r.member(t, b).ID, Weight: &w})
	}
	return r.apply(t, lb.Batch{Action: lb.ActionSetWeights, New: specs})
}

// converged waits until every node runs the group's current version, in sync, with every
// member up.
func (r *rig) converged(t testing.TB) {
	t.Helper()
	eventually(t, "every node in sync on the group's version, every member up", func() string {
		g, ms := r.group(t)
		versions, err := r.c.Store.GroupVersions(context.Background(), groupID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range versions {
			if v.Version < g.Version || v.Node.Status != dataplane.StatusInSync {
				return fmt.Sprintf("%s runs version %d (%s); want %d in sync", v.Node.RuntimeAPI, v.Version, v.Node.Status, g.Version)
			}
		}
		health, err := r.c.Store.MemberHealth(context.Background(), groupID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			for _, o := range health[m.ID].Nodes {
				if m.Weight > 0 && o.Observed.Health != dataplane.HealthUp {
					return fmt.Sprintf("member %s is %s on %s", m.Address, o.Observed.Health, o.Node.RuntimeAPI)
				}
			}
		}
		return ""
	})
}

// eventually polls cond every 20 ms until it returns "" (it says what it waits for otherwise),
// and fails the test after a generous 20 s.
func eventually(t testing.TB, what string, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s: %s", what, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// servers lists node i's servers in the backend, by name.
func (r *rig) servers(t testing.TB, i int) map[string]haproxy.Server {
	t.Helper()
	list, err := r.clients[i].Servers(context.Background(), backend)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]haproxy.Server{}
	for _, s := range list {
		out[s.Name] = s
	}
	return out
}

// within checks a split of answers against the wanted share of each backend, ±10%.
func within(t testing.TB, tally haproxytest.Tally, want map[*haproxytest.Backend]int) {
	t.Helper()
	if tally.Failed != 0 {
		t.Fatalf("%d requests failed: %v", tally.Failed, tally.Errors)
	}
	for b, n := range want {
		got := tally.ByBackend[b.Name]
		if got < n*9/10 || got > n*11/10 {
			t.Errorf("%s answered %d, want %d ±10%% (%v)", b.Name, got, n, tally.ByBackend)
		}
	}
}
