package controller_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/dataplane/controller"
	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// leaseLB is the load balancer of the lease tests.
const leaseLB = "lb-lease"

// console is one console's data-plane controller, running on a store of its own as `console
// serve` runs it, until stop.
type console struct {
	name   string
	store  *db.DB
	ctrl   *controller.Controller
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// startConsole runs a controller named holder on store with the lease ttl; a second interval
// between passes keeps the node's passes (which find no HAProxy) from filling the log.
func startConsole(t testing.TB, store *db.DB, holder string, ttl time.Duration) *console {
	t.Helper()
	ctrl, err := controller.New(controller.Config{Store: store, Interval: time.Second, Holder: holder, LeaseTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	store.SetChangeListener(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	c := &console{name: holder, store: store, ctrl: ctrl, cancel: cancel, done: make(chan struct{})}
	go func() { defer close(c.done); ctrl.Run(ctx) }()
	t.Cleanup(c.stop)
	return c
}

// stop stops the console cleanly, as SIGTERM does, and waits until its Run has returned.
func (c *console) stop() {
	c.once.Do(func() {
		c.cancel()
		<-c.done
		c.store.SetChangeListener(nil)
	})
}

// leads reports whether the console reconciles node n now.
func (c *console) leads(n db.Node) bool { return slices.Contains(c.ctrl.Nodes(), n) }

// leaseNodes binds load balancer leaseLB to n HAProxy nodes in store. Nothing listens on their
// sockets: the leases are the point, and a reconciler runs (finding its node unreachable)
// whether or not HAProxy answers.
func leaseNodes(t testing.TB, store *db.DB, n int) []db.Node {
	t.Helper()
	dir := t.TempDir()
	var nodes []db.Node
	var apis []string
	for i := range n {
		api := "unix:" + filepath.Join(dir, fmt.Sprintf("node%d.sock", i))
		nodes = append(nodes, db.Node{LoadBalancerID: leaseLB, RuntimeAPI: api})
		apis = append(apis, api)
	}
	doc, err := fleet.Parse([]byte(fmt.Sprintf(`regions: [{id: local, name: Local}]
vpcs: [{id: vpc-l, region: local, name: l, cidr: 127.0.0.0/16}]
load_balancers:
  - {id: %s, name: lease, region: local, vpc: vpc-l, address: 127.0.0.1, address_type: intranet,
     dataplane: {haproxy: {runtime_api: [%s]}}}
`, leaseLB, strings.Join(apis, ", "))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyFleet(context.Background(), testenv.Origin, doc, db.ApplyOptions{}); err != nil {
		t.Fatalf("bind the nodes: %v", err)
	}
	return nodes
}

// twoStores opens one SQLite file twice, as two consoles on one machine would, and binds
// nodes HAProxy nodes in it.
func twoStores(t testing.TB, nodes int) (*db.DB, *db.DB, []db.Node) {
	t.Helper()
	one, path := testenv.EmptyUsers.Open(t, db.Options{})
	two := testenv.OpenStore(t, path, db.Options{})
	return one, two, leaseNodes(t, one, nodes)
}

// leaders says, for each node, which of cs reconcile it: "" when all is as it should be
// (each node led by exactly one), what is wrong otherwise.
func leaders(nodes []db.Node, cs ...*console) string {
	var wrong []string
	for _, n := range nodes {
		var by []string
		for _, c := range cs {
			if c.leads(n) {
				by = append(by, c.name)
			}
		}
		if len(by) != 1 {
			wrong = append(wrong, fmt.Sprintf("%s led by %v", n.RuntimeAPI, by))
		}
	}
	return strings.Join(wrong, "; ")
}

// overlapWatch samples which of two consoles reconcile each node, as often as it can, and
// keeps every proof that both did at once.
type overlapWatch struct {
	mu      sync.Mutex
	pair    [2]*console
	samples int
	proofs  []string
	stop    chan struct{}
	done    chan struct{}
}

// watchOverlap starts sampling the consoles pair[0] and pair[1] (see set) over nodes. A
// sample reads one console, the other, then the first again: if all three say they lead the
// node, both led it at the moment of the middle read. Only a console that lost its lease and
// took it back within the sample could make that look so wrongly, and a sample is far
// shorter than a lease: slower ones (the machine stalled) are not counted.
func watchOverlap(nodes []db.Node, ttl time.Duration, pair [2]*console) *overlapWatch {
	w := &overlapWatch{pair: pair, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			w.mu.Lock()
			a, b := w.pair[0], w.pair[1]
			w.mu.Unlock()
			for _, n := range nodes {
				w.sample(n, a, b, ttl)
				w.sample(n, b, a, ttl)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return w
}

func (w *overlapWatch) sample(n db.Node, a, b *console, ttl time.Duration) {
	start := time.Now()
	first, other, again := a.leads(n), b.leads(n), a.leads(n)
	if time.Since(start) > ttl/10 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.samples++
	if first && other && again && len(w.proofs) < 10 {
		w.proofs = append(w.proofs, fmt.Sprintf("%s and %s both reconciled %s", a.name, b.name, n.RuntimeAPI))
	}
}

// set replaces the console at i, which the watch samples from then on.
func (w *overlapWatch) set(i int, c *console) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pair[i] = c
}

// end stops the sampling and fails the test if both consoles ever reconciled one node.
func (w *overlapWatch) end(t testing.TB) int {
	t.Helper()
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.proofs {
		t.Error(p)
	}
	return w.samples
}
