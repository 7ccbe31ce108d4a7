package controller

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"lbconsole/db"
)

// DefaultInterval is the time between two periodic passes of a node, and between two reads of
// which nodes there are.
const DefaultInterval = 5 * time.Second

// maxSettle bounds the time before the next pass while a node converges: a new server's first
// check or a drain usually settles within it, and the latency from a commit to a node in sync
// is mostly this wait.
const maxSettle = 250 * time.Millisecond

// Config is what a Controller needs. Store is required.
type Config struct {
	Store *db.DB
	// Interval is the time between periodic passes (DefaultInterval when zero).
	Interval time.Duration
	// Settle is the time before the next pass while a node converges (the smaller of Interval
	// and 250 ms when zero).
	Settle time.Duration
	// Logger receives what changes: a node becoming unreachable, drift corrected, operations
	// refused (discarded when nil).
	Logger *slog.Logger
	// Metrics, when set, counts passes, operations and drift, and measures reachability and
	// the latency from a commit to the nodes running it.
	Metrics *Metrics
	// Attempts and Backoff configure each pass's executor (its defaults when zero).
	Attempts int
	Backoff  time.Duration
	// Holder names this console among those on the database, in the nodes' leases (NewHolder
	// when empty). LeaseTTL is how long a lease lasts unrenewed (DefaultLeaseTTL when zero):
	// see leases.go.
	Holder   string
	LeaseTTL time.Duration
}

// Controller runs a reconciler per bound HAProxy node until its Run ends.
type Controller struct {
	cfg    Config
	resync chan struct{}

	mu      sync.Mutex
	runners map[db.Node]*runner
	ctx     context.Context // Run's, under mu: the parent of every runner
	// running counts the reconcilers' goroutines, those stopped by their guard (see expire)
	// included, so that Run waits for every one.
	running sync.WaitGroup
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Controller, error) {
	if cfg.Store == nil {
		return nil, errors.New("controller: a store is required")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Settle <= 0 {
		cfg.Settle = min(cfg.Interval, maxSettle)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Holder == "" {
		cfg.Holder = NewHolder()
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	cfg.Metrics.identify(cfg.Holder)
	return &Controller{cfg: cfg, resync: make(chan struct{}, 1), runners: map[db.Node]*runner{}}, nil
}

// Run starts a reconciler for every bound node whose lease it takes, and keeps the set in step
// with the store and the leases until ctx ends; it then stops every reconciler, waits for
// them, gives their leases up, and returns nil. Meanwhile it hears of other consoles' changes
// through the store's WatchChanges.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	c.ctx = ctx
	c.mu.Unlock()
	defer c.stopAll()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		c.cfg.Store.WatchChanges(ctx, c)
	}()
	defer func() { <-watched }()
	tick := time.NewTicker(min(c.cfg.Interval, c.cfg.LeaseTTL/3))
	defer tick.Stop()
	for {
		c.sync(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-c.resync:
		}
	}
}

// DataplaneChanged is the store's db.ChangeListener: it kicks the reconcilers of the named load
// balancers, or with none named reads the nodes again and kicks every reconciler. It never
// blocks.
func (c *Controller) DataplaneChanged(lbIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(lbIDs) == 0 {
		select {
		case c.resync <- struct{}{}:
		default:
		}
	}
	want := map[string]bool{}
	for _, id := range lbIDs {
		want[id] = true
	}
	for n, r := range c.runners {
		if len(lbIDs) == 0 || want[n.LoadBalancerID] {
			r.rec.Kick()
		}
	}
}

// Nodes lists the nodes reconciled now.
func (c *Controller) Nodes() []db.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]db.Node, 0, len(c.runners))
	for n := range c.runners {
		out = append(out, n)
	}
	return out
}

// sync stops the reconcilers of nodes no longer bound, and renews or takes the lease of every
// bound node, starting and stopping reconcilers as the leases go (see lead). A failed read of
// the nodes changes nothing: a reconciler is stopped for want of an answer by its own guard,
// when its lease could expire. The read is bounded by LeaseTTL, so that a database that
// answers nothing does not keep the leases from being tried again.
func (c *Controller) sync(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.LeaseTTL)
	nodes, err := c.cfg.Store.DataplaneNodes(rctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			c.cfg.Logger.Warn("data plane: unable to read the HAProxy nodes", "err", err)
		}
		return
	}
	bound := make(map[db.Node]bool, len(nodes))
	for _, n := range nodes {
		bound[n] = true
	}
	c.mu.Lock()
	var unbound []*runner
	for n, r := range c.runners {
		if !bound[n] {
			unbound = append(unbound, r)
			delete(c.runners, n)
		}
	}
	c.mu.Unlock()
	c.stop(unbound)
	for _, r := range unbound {
		c.cfg.Logger.Info("data plane: node unbound, no longer reconciled", "lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI)
	}
	c.release(unbound)
	c.stop(c.lead(ctx, nodes))
}

// stop ends the reconcilers rs, outside the lock: a pass finishing its report must not hold
// up DataplaneChanged.
func (c *Controller) stop(rs []*runner) {
	for _, r := range rs {
		r.stop()
		c.cfg.Metrics.forget(r.node)
	}
}

func (c *Controller) stopAll() {
	c.mu.Lock()
	all := make([]*runner, 0, len(c.runners))
	for _, r := range c.runners {
		all = append(all, r)
	}
	c.runners = map[db.Node]*runner{}
	c.mu.Unlock()
	c.stop(all)
	c.running.Wait()
	c.release(all)
}
