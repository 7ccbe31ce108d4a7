package controller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"lbconsole/db"
)

// Several consoles may share one database (replicas on PostgreSQL, or two processes on one
// SQLite file), and each node must be driven by one of them at a time. A console reconciles
// a node only while it holds the node's lease in the store: it takes or renews every lease
// each third of LeaseTTL, stops a node's reconciler as soon as it learns the lease is
// another's, and stops it on its own, before the lease can expire, when it has not managed
// to renew it for two thirds of LeaseTTL (the database unreachable). A console that dies
// stops renewing; within LeaseTTL another takes its nodes over. One that stops cleanly gives
// its leases up at once.

// DefaultLeaseTTL is how long a node's lease lasts without renewal.
const DefaultLeaseTTL = 6 * time.Second

// releaseTimeout bounds giving the leases up on the way out.
const releaseTimeout = 2 * time.Second

// leaseName is the name in the store of node n's lease.
func leaseName(n db.Node) string { return "dataplane " + n.String() }

// NewHolder names this process among the consoles on a database: host, process id and a
// random part, so that a restarted console is a new holder.
func NewHolder() string {
	host, err := os.Hostname()
	if err != nil {
		host = "console"
	}
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// lead takes or renews the lease of each bound node, starts a reconciler for each node whose
// lease it has and no reconciler yet, and returns the reconcilers to stop: those of nodes it
// learned another console leads, and those whose lease it has not renewed for too long.
func (c *Controller) lead(ctx context.Context, nodes []db.Node) []*runner {
	var gone []*runner
	for _, n := range nodes {
		if ctx.Err() != nil {
			break
		}
		held, err := c.cfg.Store.TryLease(ctx, leaseName(n), c.cfg.Holder, c.cfg.LeaseTTL)
		if err != nil && ctx.Err() == nil {
			c.cfg.Logger.Warn("data plane: unable to renew a node's lease", "lb", n.LoadBalancerID, "node", n.RuntimeAPI, "err", err)
		}
		c.mu.Lock()
		r := c.runners[n]
		switch {
		case err != nil:
		case held && r != nil:
			r.renewed = time.Now()
		case held && ctx.Err() == nil:
			if r = c.start(c.ctx, n); r != nil {
				r.renewed = time.Now()
				c.runners[n] = r
				c.cfg.Metrics.leading(n)
			}
		case r != nil:
			delete(c.runners, n)
			gone = append(gone, r)
			c.cfg.Logger.Info("data plane: another console leads the node", "lb", n.LoadBalancerID, "node", n.RuntimeAPI)
		}
		c.mu.Unlock()
	}
	return append(gone, c.expiring()...)
}

// expiring removes and returns the reconcilers whose lease was last renewed two thirds of
// LeaseTTL ago or more: by the time it could expire, they have stopped.
func (c *Controller) expiring() []*runner {
	c.mu.Lock()
	defer c.mu.Unlock()
	var gone []*runner
	for n, r := range c.runners {
		if time.Since(r.renewed) >= c.cfg.LeaseTTL*2/3 {
			delete(c.runners, n)
			gone = append(gone, r)
			c.cfg.Logger.Warn("data plane: lease not renewed, node no longer reconciled here", "lb", n.LoadBalancerID, "node", n.RuntimeAPI)
		}
	}
	return gone
}

// release gives up the leases of nodes this console no longer reconciles, so that another
// console need not wait for them to expire.
func (c *Controller) release(rs []*runner) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	for _, r := range rs {
		if err := c.cfg.Store.ReleaseLease(ctx, leaseName(r.node), c.cfg.Holder); err != nil {
			c.cfg.Logger.Warn("data plane: unable to give a node's lease up", "lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI, "err", err)
		}
	}
}
