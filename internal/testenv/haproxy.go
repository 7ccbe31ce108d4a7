package testenv

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
	"lbconsole/lb"
)

// The names of a Rig: load balancer RigLB, whose VServer group RigGroup drives the HAProxy
// backend RigBackend.
const (
	RigLB      = "lb-hx"
	RigGroup   = "rsp-web"
	RigBackend = "web"
)

// RigOptions say what a Rig runs; zero values take the defaults in brackets.
type RigOptions struct {
	Nodes    int           // haproxy processes, each a node of the load balancer [1]
	Backends int           // HTTP backends on 127.0.0.2 and up [2]
	Members  int           // how many of the backends are the group's first members [all]
	Interval time.Duration // the reconcile interval [200ms]
	Check    time.Duration // the health check interval [200ms]
	Fall     int           // failed checks before down [2]
	Drain    time.Duration // the group's drain timeout [10s]
}

// Rig is a console (the real router on a copy of the demo database) whose load balancer RigLB
// is bound to real haproxy processes with real HTTP backends, and the data plane's controller
// running on its store, as `console serve` runs it. Everything stops when the test ends. Tests
// that use it skip without haproxy, except in CI (see haproxytest.Binary).
type Rig struct {
	Opts     RigOptions
	Console  *Console
	Proxies  []*haproxytest.HAProxy
	Clients  []*haproxy.Client
	Nodes    []db.Node
	Backends []*haproxytest.Backend
	// Controller reconciles the nodes; its metrics are on the console's /metrics.
	Controller *controller.Controller
}

// NewRig starts haproxy, the backends, the console and the controller, and binds the load
// balancer through a fleet file.
func NewRig(tb testing.TB, opts RigOptions) *Rig {
	tb.Helper()
	opts = opts.withDefaults()
	r := &Rig{Opts: opts, Backends: haproxytest.StartBackends(tb, opts.Backends)}
	for range opts.Nodes {
		h := haproxytest.Start(tb, haproxytest.Config{Backends: []haproxytest.Section{{Name: RigBackend, Lines: []string{"balance roundrobin"}}}})
		c, err := haproxy.New(h.Unix, h.Unix)
		if err != nil {
			tb.Fatal(err)
		}
		r.Proxies, r.Clients = append(r.Proxies, h), append(r.Clients, c)
		r.Nodes = append(r.Nodes, db.Node{LoadBalancerID: RigLB, RuntimeAPI: h.Unix})
	}
	r.Console = NewConsole(tb, Options{})
	if _, err := r.Console.Store.ApplyFleet(context.Background(), Origin, r.Fleet(tb), db.ApplyOptions{}); err != nil {
		tb.Fatalf("apply the rig's fleet: %v", err)
	}
	r.Controller = RunController(tb, r.Console, opts.Interval)
	return r
}

func (o RigOptions) withDefaults() RigOptions {
	o.Nodes, o.Backends = max(o.Nodes, 1), max(o.Backends, 2)
	if o.Members == 0 {
		o.Members = o.Backends
	}
	if o.Interval == 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.Check == 0 {
		o.Check = 200 * time.Millisecond
	}
	if o.Fall == 0 {
		o.Fall = 2
	}
	if o.Drain == 0 {
		o.Drain = 10 * time.Second
	}
	return o
}

// RunController runs a controller on the console's store until the test ends, as `console
// serve` runs it: heard by the store after each commit, its metrics served by the console's
// /metrics.
func RunController(tb testing.TB, c *Console, interval time.Duration) *controller.Controller {
	tb.Helper()
	m := controller.NewMetrics()
	if err := c.Metrics.Register(m.Collectors()...); err != nil {
		tb.Fatal(err)
	}
	ctrl, err := controller.New(controller.Config{Store: c.Store, Interval: interval, Metrics: m, Backoff: 10 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	c.Store.SetChangeListener(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ctrl.Run(ctx) }()
	tb.Cleanup(func() {
		c.Store.SetChangeListener(nil)
		cancel()
		<-done
	})
	return ctrl
}

// Fleet is the rig's fleet file: the backends as inventory servers of a loopback subnet, and
// the load balancer bound to every haproxy, its group holding the first members.
func (r *Rig) Fleet(tb testing.TB) fleet.Document {
	tb.Helper()
	var b strings.Builder
	// The demo's region, which the SDK clients of testenv are made for.
	b.WriteString("vpcs: [{id: vpc-l, region: " + Region + ", name: l, cidr: 127.0.0.0/16}]\n")
	b.WriteString("subnets: [{id: vsw-l, vpc: vpc-l, name: l, cidr: 127.0.0.0/24}]\nservers:\n")
	for _, be := range r.Backends {
		fmt.Fprintf(&b, "  - {id: %s, address: %s, subnet: vsw-l}\n", RigServerID(be), be.IP)
	}
	var apis []string
	for _, n := range r.Nodes {
		apis = append(apis, n.RuntimeAPI)
	}
	fmt.Fprintf(&b, `load_balancers:
  - id: %s
    name: hx
    region: %s
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
`, RigLB, Region, strings.Join(apis, ", "), RigGroup, RigBackend, r.Opts.Check, r.Opts.Fall, r.Opts.Drain)
	for _, be := range r.Backends[:r.Opts.Members] {
		fmt.Fprintf(&b, "          - {server: %s, port: %d, weight: 100}\n", RigServerID(be), be.Port)
	}
	doc, err := fleet.Parse([]byte(b.String()))
	if err != nil {
		tb.Fatalf("%v\n%s", err, b.String())
	}
	return doc
}

// RigServerID is the inventory id of backend b's server.
func RigServerID(b *haproxytest.Backend) string { return "i-" + strings.ReplaceAll(b.IP, ".", "-") }

// GroupURL is the group page's address.
func (r *Rig) GroupURL() string { return "/lbs/" + RigLB + "/groups/" + RigGroup }

// URL is where the first node's frontend takes requests for the group.
func (r *Rig) URL() string { return r.Proxies[0].URL(RigBackend) }

// Group is the group and its members as the store has them now.
func (r *Rig) Group(tb testing.TB) (lb.Group, []lb.Member) {
	tb.Helper()
	g, err := r.Console.Store.GetGroup(context.Background(), RigLB, RigGroup)
	if err != nil {
		tb.Fatal(err)
	}
	ms, err := r.Console.Store.ListMembers(context.Background(), RigGroup)
	if err != nil {
		tb.Fatal(err)
	}
	return g, ms
}

// Member is the member at backend b.
func (r *Rig) Member(tb testing.TB, b *haproxytest.Backend) lb.Member {
	tb.Helper()
	_, ms := r.Group(tb)
	for _, m := range ms {
		if m.Address == b.IP && m.Port == b.Port {
			return m
		}
	}
	tb.Fatalf("no member at %s", b.Name)
	return lb.Member{}
}

// Converged waits until every node runs the group's current version, in sync, with every
// member meant to serve up.
func (r *Rig) Converged(tb testing.TB) {
	tb.Helper()
	Eventually(tb, "every node in sync on the group's version, every member up", func() string {
		g, ms := r.Group(tb)
		versions, err := r.Console.Store.GroupVersions(context.Background(), RigGroup)
		if err != nil {
			tb.Fatal(err)
		}
		for _, v := range versions {
			if v.Version < g.Version || v.Node.Status != dataplane.StatusInSync {
				return fmt.Sprintf("%s runs version %d (%s); want %d in sync", v.Node.RuntimeAPI, v.Version, v.Node.Status, g.Version)
			}
		}
		health, err := r.Console.Store.MemberHealth(context.Background(), RigGroup)
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range ms {
			for _, o := range health[m.ID].Nodes {
				if m.Weight > 0 && !m.Maintenance && o.Observed.Health != dataplane.HealthUp {
					return fmt.Sprintf("member %s is %s on %s", m.Address, o.Observed.Health, o.Node.RuntimeAPI)
				}
			}
		}
		return ""
	})
}

// Servers lists node i's servers in the rig's backend, by name.
func (r *Rig) Servers(tb testing.TB, i int) map[string]haproxy.Server {
	tb.Helper()
	list, err := r.Clients[i].Servers(context.Background(), RigBackend)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]haproxy.Server{}
	for _, s := range list {
		out[s.Name] = s
	}
	return out
}

// Eventually polls cond every 20 ms until it returns "" (it says what it waits for otherwise),
// and fails the test after a generous 30 s: tests assert states, never how long they took.
func Eventually(tb testing.TB, what string, cond func() string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s: %s", what, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
