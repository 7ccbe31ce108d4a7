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
// each third of LeaseTTL, and stops a node's reconciler as soon as it learns the lease is
// another's. A reconciler also stops on its own, through a timer of its own, once two thirds
// of LeaseTTL have passed since the renewal before it was asked for: the database out of
// reach (an error, or a network that answers nothing and leaves the renewal hanging), the
// lease could expire and another console take the node over, so it stops before. A console
// that dies stops renewing; within LeaseTTL another takes its nodes over. One that stops
// cleanly gives its leases up at once.

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

// margin is how long a reconciler goes on after its lease was last renewed: two thirds of
// LeaseTTL, the last third left for stopping and for the consoles' clocks to disagree.
func (c *Controller) margin() time.Duration { return c.cfg.LeaseTTL * 2 / 3 }

// lead takes or renews the lease of each bound node, starts a reconciler for each node whose
// lease it has and no reconciler yet, and returns the reconcilers to stop: those of nodes it
// learned another console leads. A renewal counts from before it was asked for, since the
// lease runs from some moment after that; one that takes longer than the margin is no use
// and is given up on.
func (c *Controller) lead(ctx context.Context, nodes []db.Node) []*runner {
	var gone []*runner
	for _, n := range nodes {
		if ctx.Err() != nil {
			break
		}
		deadline := time.Now().Add(c.margin())
		tctx, cancel := context.WithDeadline(ctx, deadline)
		held, err := c.cfg.Store.TryLease(tctx, leaseName(n), c.cfg.Holder, c.cfg.LeaseTTL)
		cancel()
		if err != nil && ctx.Err() == nil {
			c.cfg.Logger.Warn("data plane: unable to renew a node's lease", "lb", n.LoadBalancerID, "node", n.RuntimeAPI, "err", err)
		}
		c.mu.Lock()
		r := c.runners[n]
		switch {
		case err != nil:
		case held && r != nil:
			r.deadline = deadline
		case held && ctx.Err() == nil && time.Now().Before(deadline):
			if r = c.start(c.ctx, n); r != nil {
				r.deadline = deadline
				r.guard = time.AfterFunc(time.Until(deadline), func() { c.expire(r) })
				c.runners[n] = r
				c.cfg.Metrics.leading(n)
			}
		case !held && r != nil:
			delete(c.runners, n)
			gone = append(gone, r)
			c.cfg.Logger.Info("data plane: another console leads the node", "lb", n.LoadBalancerID, "node", n.RuntimeAPI)
		}
		c.mu.Unlock()
	}
	return gone
}

// expire stops reconciler r, on its guard's timer, if its lease was not renewed in time; a
// renewal meanwhile sets the timer again. It does not wait for the loop of lead: that may
// hang on a database that answers nothing.
func (c *Controller) expire(r *runner) {
	c.mu.Lock()
	if c.runners[r.node] != r {
		c.mu.Unlock()
		return // stopped otherwise
	}
	if left := time.Until(r.deadline); left > 0 {
		r.guard.Reset(left)
		c.mu.Unlock()
		return
	}
	delete(c.runners, r.node)
	r.cancel()
	c.mu.Unlock()
	c.cfg.Logger.Warn("data plane: lease not renewed, node no longer reconciled here", "lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI)
	<-r.done
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runners[r.node] == nil { // not led again meanwhile
		c.cfg.Metrics.forget(r.node)
	}
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
