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
}

// Controller runs a reconciler per bound HAProxy node until its Run ends.
type Controller struct {
	cfg    Config
	resync chan struct{}

	mu      sync.Mutex
	runners map[db.Node]*runner
	ctx     context.Context // Run's, under mu: the parent of every runner
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
	return &Controller{cfg: cfg, resync: make(chan struct{}, 1), runners: map[db.Node]*runner{}}, nil
}

// Run starts a reconciler for every bound node and keeps the set in step with the store until
// ctx ends; it then stops every reconciler, waits for them, and returns nil.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	c.ctx = ctx
	c.mu.Unlock()
	defer c.stopAll()
	tick := time.NewTicker(c.cfg.Interval)
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

// sync starts a reconciler for each bound node without one, and stops those of nodes no longer
// bound. A failed read changes nothing: reconcilers are never stopped for want of an answer.
func (c *Controller) sync(ctx context.Context) {
	nodes, err := c.cfg.Store.DataplaneNodes(ctx)
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
	var gone []*runner
	for n, r := range c.runners {
		if !bound[n] {
			gone = append(gone, r)
			delete(c.runners, n)
		}
	}
	for _, n := range nodes {
		if _, ok := c.runners[n]; ok || ctx.Err() != nil {
			continue
		}
		if r := c.start(c.ctx, n); r != nil {
			c.runners[n] = r
		}
	}
	c.mu.Unlock()
	// Stopped outside the lock: a pass finishing its report must not hold up DataplaneChanged.
	for _, r := range gone {
		r.stop()
		c.cfg.Metrics.forget(r.node)
		c.cfg.Logger.Info("data plane: node unbound, no longer reconciled", "lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI)
	}
}

func (c *Controller) stopAll() {
	c.mu.Lock()
	all := c.runners
	c.runners = map[db.Node]*runner{}
	c.mu.Unlock()
	for _, r := range all {
		r.stop()
	}
}
