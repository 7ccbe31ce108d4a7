package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// SourceFleet is the audit log's source for changes made by applying a fleet file.
const SourceFleet = "fleet"

// ApplyOptions say how ApplyFleet applies a file.
type ApplyOptions struct {
	// Prune deletes what the file does not name. It refuses, naming them, to delete an object
	// that something staying still refers to, and a locked load balancer.
	Prune bool
	// DryRun plans the file and applies it, then rolls everything back: the plan it returns,
	// or the error, is what the same apply would give, and nothing changes.
	DryRun bool
	// ExpectPlan, when set, is the Digest of the plan someone previewed: the apply is refused
	// with ErrPlanChanged, changing nothing, when the file plans otherwise on the database as
	// it is now. It is checked inside the transaction that applies the plan.
	ExpectPlan string
}

// ErrPlanChanged refuses an apply whose plan is no longer the one previewed.
var ErrPlanChanged = &lb.Error{Kind: lb.KindConflict, Field: "plan",
	Message: "the database has changed since the preview, and the file now plans other changes: nothing was applied; check the new plan and apply again"}

// ApplyFleet makes the database what the fleet file desired says, in one write transaction:
// it reads the current state, validates the whole file against it and plans the change with
// fleet.ValidateAndPlan, then applies the plan in its order (creates and updates from regions
// to groups, each group's member list as a replace-all batch, deletes in reverse) and commits.
// It returns the plan; an empty one means the database already matched the file and nothing
// was written.
//
// Every object created, updated or deleted gets an audit entry (see fleetAudit) and every
// member list one like any other batch, with the origin's actor and source (SourceFleet when
// the origin gives none). A file that breaks a rule changes nothing and is not audited: its
// problems are returned as fleet.Problems, each naming the object, its id and the field. Other
// refusals are *lb.Error.
func (d *DB) ApplyFleet(ctx context.Context, o Origin, desired fleet.Document, opts ApplyOptions) (fleet.Plan, error) {
	return d.changeFleet(ctx, o, opts.DryRun, func(current fleet.Document) (fleet.Plan, error) {
		p, err := fleet.ValidateAndPlan(current, desired, opts.Prune)
		if err == nil && opts.ExpectPlan != "" && p.Digest() != opts.ExpectPlan {
			return fleet.Plan{}, ErrPlanChanged
		}
		return p, err
	})
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("db: dry run")

// changeFleet is the one transaction shape of every fleet change: read the current state, let
// plan work out the change on it, apply the change with its audit entries, commit (or, for a
// dry run, roll back).
func (d *DB) changeFleet(ctx context.Context, o Origin, dryRun bool, plan func(current fleet.Document) (fleet.Plan, error)) (fleet.Plan, error) {
	if o.Source == "" {
		o.Source = SourceFleet
	}
	var p fleet.Plan
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = d.changeFleetIn(ctx, tx, &o, plan); err != nil {
			return err
		}
		if dryRun && !p.Empty() {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return p, nil
	}
	if err != nil {
		return fleet.Plan{}, err
	}
	for range p.Members {
		d.observe.BatchDone(o.Source, string(lb.ActionReplaceAll), OutcomeOK)
	}
	if !p.Empty() {
		d.dataplaneChanged()
	}
	return p, nil
}

// changeFleetIn is changeFleet inside a write transaction the caller holds, which must roll
// back on an error.
func (d *DB) changeFleetIn(ctx context.Context, tx *sql.Tx, o *Origin, plan func(current fleet.Document) (fleet.Plan, error)) (fleet.Plan, error) {
	current, err := exportFleet(ctx, tx)
	if err != nil {
		return fleet.Plan{}, err
	}
	p, err := plan(current)
	if err != nil || p.Empty() {
		return p, err
	}
	return p, newFleetApplier(d, tx, o, current, p).apply(ctx, p)
}

// SeedFleet fills an empty database (one without regions or load balancers) with the fleet
// files docs, each validated, planned and applied on the state the one before left, all in one
// transaction, and reports whether it did. A database that holds anything is left as it is.
// Seeding is not audited: it puts demo or fixture data into a database nobody has used yet,
// which is no change anyone made, and an audit log that starts empty is what every later
// entry is checked against. Several documents let the data hold what no single apply can
// make, such as a member whose server has stopped since it joined.
func (d *DB) SeedFleet(ctx context.Context, docs ...fleet.Document) (bool, error) {
	seeded := false
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM regions) + (SELECT count(*) FROM load_balancers)").Scan(&n); err != nil {
			return fmt.Errorf("db: unable to check for existing data: %w", err)
		}
		if n > 0 {
			return nil
		}
		for _, doc := range docs {
			current, err := exportFleet(ctx, tx)
			if err != nil {
				return err
			}
			p, err := fleet.ValidateAndPlan(current, doc, false)
			if err != nil {
				return err
			}
			a := newFleetApplier(d, tx, nil, current, p)
			if err := a.apply(ctx, p); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}
