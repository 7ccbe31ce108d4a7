package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lbconsole/auth"
)

// ErrTooManyExports is returned when a user already runs as many exports as allowed.
var ErrTooManyExports = errors.New("db: too many exports running")

// ErrLeaseLost is returned when a lease expired and another export took its slot.
var ErrLeaseLost = errors.New("db: the export's lease expired and its slot was taken")

// ExportLease is one of a user's export slots, held while an export runs. It lives in the
// database, so every console process on it counts the same exports.
type ExportLease struct {
	UserID int64
	Slot   int
	token  string // tells this holder from one that took the slot after it expired
}

// AcquireExportLease takes one of the user's limit slots until ttl from now, or returns
// ErrTooManyExports when every slot is held and unexpired. Each slot is one row under a
// unique key, so two processes can never both take the same slot.
func (d *DB) AcquireExportLease(ctx context.Context, userID int64, limit int, ttl time.Duration) (ExportLease, error) {
	l := ExportLease{UserID: userID, token: auth.RandomToken(16)}
	now := d.now()
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		for slot := 0; slot < limit; slot++ {
			res, err := tx.ExecContext(ctx, `INSERT INTO export_leases (user_id, slot, token, started, expires) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id, slot) DO UPDATE SET token = excluded.token, started = excluded.started, expires = excluded.expires
				WHERE export_leases.expires <= ?`,
				userID, slot, l.token, formatTime(now), formatTime(now.Add(ttl)), formatTime(now))
			if err != nil {
				return fmt.Errorf("db: unable to take an export slot: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("db: unable to take an export slot: %w", err)
			} else if n == 1 {
				l.Slot = slot
				return nil
			}
		}
		return ErrTooManyExports
	})
	return l, err
}

// RenewExportLease holds l until ttl from now. It returns ErrLeaseLost when l expired and
// another export took its slot: the caller is over the cap and must stop.
func (d *DB) RenewExportLease(ctx context.Context, l ExportLease, ttl time.Duration) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE export_leases SET expires = ? WHERE user_id = ? AND slot = ? AND token = ?",
			formatTime(d.now().Add(ttl)), l.UserID, l.Slot, l.token)
		if err != nil {
			return fmt.Errorf("db: unable to renew an export slot: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("db: unable to renew an export slot: %w", err)
		} else if n == 0 {
			return ErrLeaseLost
		}
		return nil
	})
}

// ReleaseExportLease frees l's slot, unless another export took it since l expired.
func (d *DB) ReleaseExportLease(ctx context.Context, l ExportLease) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM export_leases WHERE user_id = ? AND slot = ? AND token = ?", l.UserID, l.Slot, l.token)
		if err != nil {
			return fmt.Errorf("db: unable to release an export slot: %w", err)
		}
		return nil
	})
}
