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
	var held bool
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		// Now, with the write lock: the lease lasts ttl from its write, however long the
		// turn took to come, and another holder's has expired by then or not.
		now := d.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
			WHERE leases.holder = excluded.holder OR leases.expires <= ?`,
			name, holder, formatTime(now.Add(ttl)), formatTime(now))
		if err != nil {
			return fmt.Errorf("db: unable to take lease %s: %w", name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("db: unable to take lease %s: %w", name, err)
		}
		held = n == 1
		return nil
	})
	return held, err
}

// ReleaseLease gives up holder's lease name at once, so that another holder need not wait for
// it to expire. A lease holder does not have (any more) is left as it is.
func (d *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder); err != nil {
			return fmt.Errorf("db: unable to release lease %s: %w", name, err)
		}
		return nil
	})
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
