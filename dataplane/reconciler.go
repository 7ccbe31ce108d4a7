package dataplane

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"lbconsole/dataplane/haproxy"
)

// Status sums up one pass.
type Status string

// The outcomes of a pass.
const (
	// StatusInSync: the node matches the desired state; nothing was done.
	StatusInSync Status = "in-sync"
	// StatusConverging: operations were applied, or are pending (failed, to be retried; or
	// waiting on a drain), or a Problem stands in the way.
	StatusConverging Status = "converging"
	// StatusDriftCorrected: the node had been changed outside lbconsole, and every correction
	// was applied.
	StatusDriftCorrected Status = "drift-corrected"
	// StatusUnreachable: the node's state could not be read; nothing was done.
	StatusUnreachable Status = "unreachable"
	// StatusHeld: the desired state, or the reconciler's saved State, could not be read or
	// saved, or the desired state is invalid; nothing was done.
	StatusHeld Status = "held"
)

// Report is the result of one pass, for the caller to record and show.
type Report struct {
	Node     string
	Status   Status
	Err      error     // why the pass did nothing (unreachable, held), or its first failed operation
	Since    time.Time // unreachable: since when, across passes
	Started  time.Time
	Duration time.Duration
	Outcomes []Outcome
	Pending  int // operations that failed, plus servers waiting
	Waiting  []Wait
	Drift    []Drift
	Foreign  []Foreign
	Problems []Problem
	Observed []Observed
	Leaving  []LeavingServer
	// Released lists the adopted names the node does not have, those this pass deleted
	// included: see Released and the package doc for what the caller does with them.
	Released []Released
	// Backends says, for each desired backend, whether the node had converged on it when the
	// pass read it, and echoes its Version. Empty when the pass did nothing (held, unreachable).
	Backends []BackendResult
}

// StateStore keeps a node's State between passes and across restarts; the console's keeps it in
// the database.
type StateStore interface {
	LoadState(ctx context.Context) (State, error)
	SaveState(ctx context.Context, s State) error
}

// Config is what a Reconciler needs. Node, Client and Desired are required.
type Config struct {
	Node   string
	Client *haproxy.Client
	// Desired returns the node's desired state. When it fails, the pass does nothing.
	Desired func(context.Context) (Desired, error)
	// Store keeps the State; nil keeps it in memory, which is lost on restart (see State).
	Store StateStore
	// Report receives every pass's Report, on the reconciler's goroutine.
	Report func(Report)
	// Period is the time between passes when nothing is under way (default 5 s).
	Period time.Duration
	// Settle is the time before the next pass while converging (default 1 s): a drain or a new
	// server's first check usually settles by then.
	Settle time.Duration
	// PassTimeout bounds one pass (default 30 s).
	PassTimeout time.Duration
	// Attempts and Backoff configure the Executor.
	Attempts int
	Backoff  time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Reconciler converges one node to its desired state: a pass at start, on Kick, and every
// Period (every Settle while converging).
type Reconciler struct {
	cfg  Config
	kick chan struct{}

	mu               sync.Mutex // one pass at a time
	memory           State
	unreachableSince time.Time
}

// NewReconciler checks cfg and fills in its defaults.
func NewReconciler(cfg Config) (*Reconciler, error) {
	if cfg.Node == "" || cfg.Client == nil || cfg.Desired == nil {
		return nil, errors.New("dataplane: a reconciler needs Node, Client and Desired")
	}
	if cfg.Period <= 0 {
		cfg.Period = 5 * time.Second
	}
	if cfg.Settle <= 0 {
		cfg.Settle = time.Second
	}
	if cfg.PassTimeout <= 0 {
		cfg.PassTimeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Report == nil {
		cfg.Report = func(Report) {}
	}
	return &Reconciler{cfg: cfg, kick: make(chan struct{}, 1)}, nil
}

// Kick asks for a pass as soon as the current one (if any) ends; it never blocks, and kicks
// that arrive during a pass fold into one.
func (r *Reconciler) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run makes passes until ctx ends, then returns ctx's error.
func (r *Reconciler) Run(ctx context.Context) error {
	for {
		rep := r.Pass(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.cfg.Report(rep)
		wait := r.cfg.Period
		if rep.Status == StatusConverging || rep.Status == StatusDriftCorrected {
			wait = r.cfg.Settle
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-r.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// Pass reads the desired and the actual state, plans, saves the next State, applies the plan
// and reports. It does nothing but report when something it needs cannot be read.
func (r *Reconciler) Pass(ctx context.Context) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.PassTimeout)
	defer cancel()
	rep := Report{Node: r.cfg.Node, Started: r.cfg.Now()}
	r.pass(ctx, &rep)
	rep.Duration = r.cfg.Now().Sub(rep.Started)
	return rep
}

func (r *Reconciler) pass(ctx context.Context, rep *Report) {
	desired, err := r.cfg.Desired(ctx)
	if err != nil {
		r.hold(rep, fmt.Errorf("desired state: %w", err))
		return
	}
	prev, err := r.load(ctx)
	if err != nil {
		r.hold(rep, fmt.Errorf("saved state: %w", err))
		return
	}
	actual, err := ReadActual(ctx, r.cfg.Client, desired)
	if err != nil {
		r.unreachable(rep, err)
		return
	}
	r.unreachableSince = time.Time{}
	plan, err := Plan(desired, actual, rep.Started, prev)
	if err != nil {
		r.hold(rep, err)
		return
	}
	if err := r.save(ctx, plan.State); err != nil {
		r.hold(rep, fmt.Errorf("saving state: %w", err))
		return
	}
	exec := Executor{Client: r.cfg.Client, Attempts: r.cfg.Attempts, Backoff: r.cfg.Backoff}
	rep.Outcomes = exec.Apply(ctx, plan.Ops)
	rep.Waiting, rep.Drift, rep.Foreign, rep.Problems, rep.Observed = plan.Waiting, plan.Drift, plan.Foreign, plan.Problems, plan.Observed
	rep.Leaving, rep.Backends = plan.Leaving, plan.Backends
	rep.Released = append(plan.Released, deletedAdopted(desired, rep.Outcomes)...)
	rep.Status = summarize(rep, plan)
	if err := Unreachable(rep.Outcomes); err != nil {
		r.unreachable(rep, err)
	}
}

// unreachable marks the pass as stopped by a node that cannot be reached, since the first pass
// that found it so.
func (r *Reconciler) unreachable(rep *Report, err error) {
	if r.unreachableSince.IsZero() {
		r.unreachableSince = rep.Started
	}
	rep.Status, rep.Err, rep.Since = StatusUnreachable, err, r.unreachableSince
}

// summarize names the pass's outcome and counts what is pending.
func summarize(rep *Report, plan Result) Status {
	rep.Pending = len(plan.Waiting)
	driftFailed := false
	for _, o := range rep.Outcomes {
		if o.Err == nil {
			continue
		}
		rep.Pending++
		if rep.Err == nil {
			rep.Err = o.Err
		}
		driftFailed = driftFailed || o.Op.Drift
	}
	switch {
	case plan.InSync():
		return StatusInSync
	case len(plan.Drift) > 0 && !driftFailed:
		return StatusDriftCorrected
	}
	return StatusConverging
}

func (r *Reconciler) hold(rep *Report, err error) {
	rep.Status, rep.Err = StatusHeld, err
}

func (r *Reconciler) load(ctx context.Context) (State, error) {
	if r.cfg.Store == nil {
		return r.memory, nil
	}
	return r.cfg.Store.LoadState(ctx)
}

func (r *Reconciler) save(ctx context.Context, s State) error {
	if r.cfg.Store == nil {
		r.memory = s
		return nil
	}
	return r.cfg.Store.SaveState(ctx, s)
}
