package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A lease names work that one holder at a time may do among every console on the database,
// such as driving one HAProxy node: TryLease takes or renews it for a while; a holder that
// stops renewing (a console that died) loses it when it expires, and another takes it over.
// Expiry is judged by the clock of the console that asks, so the consoles' clocks must agree
// to well within a lease's ttl.

// TryLease takes the lease name for holder until ttl from now, or renews it when holder has
// it already, and reports whether holder has it now. A lease another holder has, unexpired,
// is not taken: false, and no error.
func (d *DB) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("db: unable to take lease %q for %q for %s: a lease needs a name, a holder and a positive ttl", name, holder, ttl)
	}
	res, err := d.leaseExec(ctx, func() (string, []any) {
		// Now, once the statement's turn has come: the lease lasts ttl from its write, and
		// another holder's has expired by then or not.
		now := d.now()
		return `INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
			WHERE leases.holder = excluded.holder OR leases.expires <= ?`,
			[]any{name, holder, formatTime(now.Add(ttl)), formatTime(now)}
	})
	if err != nil {
		return false, fmt.Errorf("db: unable to take lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("db: unable to take lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up holder's lease name at once, so that another holder need not wait for
// it to expire. A lease holder does not have (any more) is left as it is.
func (d *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := d.leaseExec(ctx, func() (string, []any) {
		return "DELETE FROM leases WHERE name = ? AND holder = ?", []any{name, holder}
	})
	if err != nil {
		return fmt.Errorf("db: unable to release lease %s: %w", name, err)
	}
	return nil
}

// leaseExec runs the one statement that stmt gives. On PostgreSQL it runs on its own, outside
// the write lock: the statement is atomic (it locks the lease's row), and a renewal must not
// wait behind every console's writes, since a long fleet apply, or a console cut off in the
// middle of a write (which keeps the lock until the server ends its transaction), would
// otherwise make every console give its nodes up. On SQLite it takes its turn as every write
// does. stmt is called once the turn has come, so that the times it writes are read then.
func (d *DB) leaseExec(ctx context.Context, stmt func() (string, []any)) (sql.Result, error) {
	if d.dialect.writeLock != "" {
		query, args := stmt()
		return d.write.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		query, args := stmt()
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// LeaseHolder returns who holds the lease name and until when, or "" when nobody holds it
// (never taken, released, or expired).
func (d *DB) LeaseHolder(ctx context.Context, name string) (string, time.Time, error) {
	var holder string
	var expires time.Time
	err := d.read.QueryRowContext(ctx, "SELECT holder, expires FROM leases WHERE name = ? AND expires > ?", name, formatTime(d.now())).
		Scan(&holder, (*timeText)(&expires))
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("db: unable to read lease %s: %w", name, err)
	}
	return holder, expires, nil
}
