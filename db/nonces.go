package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lbconsole/lb"
)

// The SLB API's nonces live here rather than in a console's memory, so that a restart
// forgets none and every console on the database refuses the same replay.

// FieldNonce names the nonce of an SLB API call in errors, as the API names the parameter.
const FieldNonce = "SignatureNonce"

// UseNonce remembers accessKeyID's nonce until expires. A nonce the key used before, that has
// not expired, is a replay: an *lb.Error of kind conflict. A key that already has limit nonces
// remembered is making calls faster than it may: kind too many. In both cases nothing is
// remembered. The unique key on (key, nonce) makes the check and the insert one step, whichever
// console sends the replay.
func (d *DB) UseNonce(ctx context.Context, accessKeyID, nonce string, expires time.Time, limit int) error {
	now := d.now()
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		// An expired nonce still waiting to be pruned may be used again: its call can no
		// longer pass the Timestamp check, so this one is not its replay.
		res, err := tx.ExecContext(ctx, `INSERT INTO slb_nonces (access_key_id, nonce, expires) VALUES (?,?,?)
			ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires = excluded.expires WHERE slb_nonces.expires < ?`,
			accessKeyID, nonce, formatTime(expires), formatTime(now))
		if err != nil {
			return fmt.Errorf("db: unable to remember a nonce: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("db: unable to remember a nonce: %w", err)
		} else if n == 0 {
			return lb.Errorf(lb.KindConflict, FieldNonce, "SignatureNonce %s was already used: send every request with a new nonce", nonce)
		}
		var live int
		// The minute now falls in is counted whole: a few nonces that just expired count
		// against the key a little longer, never the other way round.
		err = tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(nonces), 0) FROM slb_nonce_counts WHERE access_key_id = ? AND minute >= ?",
			accessKeyID, unixMinute(now)).Scan(&live)
		if err != nil {
			return fmt.Errorf("db: unable to count a key's nonces: %w", err)
		}
		if live >= limit {
			return lb.Errorf(lb.KindTooMany, FieldNonce,
				"AccessKeyId %s made %d calls whose nonces are still remembered, the most one key may make: try again in a minute", accessKeyID, limit)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO slb_nonce_counts (access_key_id, minute, nonces) VALUES (?,?,1)
			ON CONFLICT (access_key_id, minute) DO UPDATE SET nonces = slb_nonce_counts.nonces + 1`, accessKeyID, unixMinute(expires))
		if err != nil {
			return fmt.Errorf("db: unable to count a nonce: %w", err)
		}
		return nil
	})
}

// PruneNonces forgets at most batch of the nonces that expired before cutoff, oldest first,
// and the counts of the minutes before it, and reports how many nonces it forgot. A small
// batch holds the writer only briefly; call it again while it forgets a full batch.
func (d *DB) PruneNonces(ctx context.Context, cutoff time.Time, batch int) (int, error) {
	var forgot int64
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM slb_nonces WHERE (access_key_id, nonce) IN
			(SELECT access_key_id, nonce FROM slb_nonces WHERE expires < ? ORDER BY expires LIMIT ?)`, formatTime(cutoff), batch)
		if err != nil {
			return fmt.Errorf("db: unable to prune nonces: %w", err)
		}
		if forgot, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("db: unable to prune nonces: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM slb_nonce_counts WHERE minute < ?", unixMinute(cutoff)); err != nil {
			return fmt.Errorf("db: unable to prune nonce counts: %w", err)
		}
		return nil
	})
	return int(forgot), err
}

// unixMinute numbers the minute t falls in.
func unixMinute(t time.Time) int64 { return t.Unix() / 60 }
