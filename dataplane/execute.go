package dataplane

import (
	"context"
	"fmt"
	"time"

	"lbconsole/dataplane/haproxy"
)

// Executor runs operations on one node.
type Executor struct {
	Client *haproxy.Client
	// Attempts is how many times an operation is tried when the node cannot be reached or does
	// not answer in time (default 3). A refusal is not tried again in the same pass: HAProxy
	// would refuse at once again. The next pass plans it afresh.
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each further one (default
	// 100 ms).
	Backoff time.Duration
}

// Outcome is what became of one operation.
type Outcome struct {
	Op       Operation
	Err      error // nil: applied
	Attempts int   // 0: not tried (an earlier operation on the same server failed, or the node went away)
}

// Apply runs ops in order and reports an Outcome for each. When HAProxy refuses an operation,
// the later operations on the same server are not tried (each depends on the ones before it);
// operations on other servers go on. When the node cannot be reached even after retries, no
// further operation is tried: Unreachable reports it.
func (e Executor) Apply(ctx context.Context, ops []Operation) []Outcome {
	failed := map[string]error{}
	var unreachable error
	out := make([]Outcome, 0, len(ops))
	for _, op := range ops {
		key := ServerKey(op.Backend, op.Server)
		if unreachable != nil {
			out = append(out, Outcome{Op: op, Err: fmt.Errorf("not tried: %w", unreachable)})
			continue
		}
		if err, ok := failed[key]; ok {
			out = append(out, Outcome{Op: op, Err: fmt.Errorf("not tried: an earlier operation on %s failed: %w", key, err)})
			continue
		}
		o := e.run(ctx, op)
		switch {
		case o.Err == nil:
		case haproxy.IsRefused(o.Err):
			failed[key] = o.Err
		default:
			unreachable = o.Err
		}
		out = append(out, o)
	}
	return out
}

// Unreachable returns the error that stopped Apply because the node could not be reached, or nil.
func Unreachable(outcomes []Outcome) error {
	for _, o := range outcomes {
		if o.Err != nil && o.Attempts > 0 && !haproxy.IsRefused(o.Err) {
			return o.Err
		}
	}
	return nil
}

func (e Executor) run(ctx context.Context, op Operation) Outcome {
	attempts, backoff := e.Attempts, e.Backoff
	if attempts < 1 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 100 * time.Millisecond
	}
	o := Outcome{Op: op}
	for o.Attempts < attempts {
		if o.Attempts > 0 {
			select {
			case <-ctx.Done():
				return o
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		o.Attempts++
		o.Err = e.do(ctx, op)
		if o.Err == nil || haproxy.IsRefused(o.Err) || ctx.Err() != nil {
			return o
		}
	}
	return o
}

func (e Executor) do(ctx context.Context, op Operation) error {
	c := e.Client
	switch op.Kind {
	case OpAdd:
		s := haproxy.NewServer{Name: op.Server, Address: op.Address, Port: op.Port, Weight: op.Weight, Backup: op.Backup}
		if op.Check != nil {
			s.Check = &haproxy.HealthCheck{Interval: op.Check.Interval, Rise: op.Check.Rise, Fall: op.Check.Fall}
		}
		return c.AddServer(ctx, op.Backend, s)
	case OpEnableHealth:
		return c.EnableHealth(ctx, op.Backend, op.Server)
	case OpDisableHealth:
		return c.DisableHealth(ctx, op.Backend, op.Server)
	case OpStage:
		return c.SetState(ctx, op.Backend, op.Server, haproxy.StateDrain)
	case OpReady:
		return c.SetState(ctx, op.Backend, op.Server, haproxy.StateReady)
	case OpWeight:
		return c.SetWeight(ctx, op.Backend, op.Server, op.Weight)
	case OpAddr:
		return c.SetAddr(ctx, op.Backend, op.Server, op.Address, op.Port)
	case OpDrain:
		return c.SetState(ctx, op.Backend, op.Server, haproxy.StateDrain)
	case OpMaint:
		return c.SetState(ctx, op.Backend, op.Server, haproxy.StateMaint)
	case OpShutdown:
		return c.ShutdownSessions(ctx, op.Backend, op.Server)
	case OpDelete:
		return c.DelServer(ctx, op.Backend, op.Server)
	}
	return fmt.Errorf("dataplane: unknown operation %q", op.Kind)
}

// ReadActual reads what the node has of the backends desired names. It reads the whole node in
// two commands (see haproxy.Client.Snapshot), whatever the number of backends, and keeps the
// desired ones. Any failure fails the whole read: a pass acts on all of what it needs or on
// nothing.
func ReadActual(ctx context.Context, c *haproxy.Client, desired Desired) (Actual, error) {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return Actual{}, err
	}
	a := Actual{Backends: map[string][]haproxy.Server{}}
	for _, be := range desired.Backends {
		if b, ok := snap.Backend(be.Name); ok {
			a.Backends[be.Name] = b.Servers
		}
	}
	return a, nil
}
