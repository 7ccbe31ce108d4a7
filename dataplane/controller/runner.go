package controller

import (
	"context"
	"fmt"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/db"
)

// recordTimeout bounds writing one pass's findings.
const recordTimeout = 10 * time.Second

// runner is one node's reconciler, running on a goroutine of its own.
type runner struct {
	node   db.Node
	rec    *dataplane.Reconciler
	cancel context.CancelFunc
	done   chan struct{}
	last   dataplane.Status // the previous pass's, on the runner's goroutine only
	// followed says that the previous pass was a follow-up (see followUp), on the runner's
	// goroutine only.
	followed bool
	// deadline is when the reconciler stops unless its lease is renewed meanwhile, and guard
	// the timer that stops it then (see expire); both under the controller's mu.
	deadline time.Time
	guard    *time.Timer
}

// start makes and starts the reconciler of node n under parent. A node whose address cannot be
// used (which the fleet's checks should have refused) is recorded as held, and not started.
func (c *Controller) start(parent context.Context, n db.Node) *runner {
	client, err := haproxy.New(n.RuntimeAPI, n.RuntimeAPI)
	if err != nil {
		c.recordHeld(n, err)
		return nil
	}
	r := &runner{node: n, done: make(chan struct{})}
	rec, err := dataplane.NewReconciler(dataplane.Config{
		Node:     n.String(),
		Client:   client,
		Desired:  func(ctx context.Context) (dataplane.Desired, error) { return c.cfg.Store.NodeDesired(ctx, n) },
		Store:    c.cfg.Store.NodeState(n),
		Report:   func(rep dataplane.Report) { c.report(r, rep) },
		Period:   c.cfg.Interval,
		Settle:   c.cfg.Settle,
		Attempts: c.cfg.Attempts,
		Backoff:  c.cfg.Backoff,
	})
	if err != nil {
		c.recordHeld(n, err)
		return nil
	}
	r.rec = rec
	ctx, cancel := context.WithCancel(parent)
	r.cancel = cancel
	c.running.Add(1)
	go func() {
		defer c.running.Done()
		defer close(r.done)
		rec.Run(ctx)
	}()
	c.cfg.Logger.Info("data plane: reconciling", "lb", n.LoadBalancerID, "node", n.RuntimeAPI)
	return r
}

// stop ends the reconciler and waits for it: a pass under way is cut short, safely.
func (r *runner) stop() {
	if r.guard != nil {
		r.guard.Stop()
	}
	r.cancel()
	<-r.done
}

// recordHeld records that node n cannot be reconciled at all, so that its status says why.
func (c *Controller) recordHeld(n db.Node, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	rep := dataplane.Report{Node: n.String(), Status: dataplane.StatusHeld, Err: fmt.Errorf("cannot reconcile: %w", err), Started: time.Now()}
	if _, rerr := c.cfg.Store.RecordPass(ctx, n, rep); rerr != nil {
		c.cfg.Logger.Warn("data plane: unable to record a node's status", "lb", n.LoadBalancerID, "node", n.RuntimeAPI, "err", rerr)
	}
	c.cfg.Logger.Warn("data plane: node not reconciled", "lb", n.LoadBalancerID, "node", n.RuntimeAPI, "err", err)
}

// report records one pass, counts it and logs what changed.
func (c *Controller) report(r *runner, rep dataplane.Report) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	converged, err := c.cfg.Store.RecordPass(ctx, r.node, rep)
	if err != nil {
		c.cfg.Logger.Warn("data plane: unable to record a pass", "lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI, "err", err)
	}
	c.cfg.Metrics.pass(r.node, rep, converged)
	c.logPass(r, rep)
	r.last = rep.Status
	r.followUp(rep)
}

// followUp asks for the next pass at once, rather than after the settle wait, when this one
// applied every one of its operations and nothing waits: the node has most likely converged,
// and the next pass confirms it (and records the version) a settle wait sooner. A follow-up
// never follows a follow-up, so operations that HAProxy takes without effect cannot make the
// passes run flat out.
func (r *runner) followUp(rep dataplane.Report) {
	progressed := len(rep.Outcomes) > 0 && rep.Pending == 0 && len(rep.Problems) == 0 &&
		(rep.Status == dataplane.StatusConverging || rep.Status == dataplane.StatusDriftCorrected)
	if progressed && !r.followed {
		r.followed = true
		r.rec.Kick()
		return
	}
	r.followed = false
}

// logPass logs a change of status, drift corrected and failed operations; a quiet pass logs
// nothing.
func (c *Controller) logPass(r *runner, rep dataplane.Report) {
	log := c.cfg.Logger.With("lb", r.node.LoadBalancerID, "node", r.node.RuntimeAPI)
	switch {
	case rep.Status == dataplane.StatusUnreachable && r.last != dataplane.StatusUnreachable:
		log.Warn("data plane: node unreachable", "since", rep.Since, "err", rep.Err)
	case rep.Status == dataplane.StatusHeld && r.last != dataplane.StatusHeld:
		log.Warn("data plane: pass held", "err", rep.Err)
	case rep.Status == dataplane.StatusInSync && r.last != dataplane.StatusInSync:
		log.Info("data plane: node in sync")
	}
	for _, d := range rep.Drift {
		log.Info("data plane: drift found", "backend", d.Backend, "server", d.Server, "what", d.What)
	}
	for _, o := range rep.Outcomes {
		if o.Err != nil && o.Attempts > 0 {
			log.Warn("data plane: operation failed", "op", o.Op.String(), "err", o.Err)
		}
	}
	for _, p := range rep.Problems {
		if r.last != rep.Status {
			log.Warn("data plane: needs a person", "backend", p.Backend, "server", p.Server, "problem", p.Message)
		}
	}
}
