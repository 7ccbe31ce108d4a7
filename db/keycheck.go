package db

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"lbconsole/auth"
)

// ErrWrongKey is returned by Open when the key is not the one the database was made with.
// Opening it anyway would write audit rows that no one could verify with the right key, and
// leave API secrets that the right key could not open.
var ErrWrongKey = errors.New("db: this database was made with another key")

// masterCheck names the check of the master key in key_checks.
const masterCheck = "master"

// keyCheckMAC is what a key leaves in the database to be recognised by: a MAC of a constant,
// under a key derived for nothing else, so that it tells nothing about the audit or sealing keys.
func keyCheckMAC(master []byte) string {
	m := hmac.New(sha256.New, auth.DeriveKey(master, "key-check"))
	m.Write([]byte("lbconsole: the master key of this database"))
	return hex.EncodeToString(m.Sum(nil))
}

// checkKey refuses a key that is not the database's own. A database without a stored check
// (new, or made before checks were stored) gets one, if the key fits what it already holds.
func (d *DB) checkKey(ctx context.Context, master []byte) error {
	mac := keyCheckMAC(master)
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		stored, err := storedKeyCheck(ctx, tx)
		if err == nil && stored == "" {
			if err := d.keyFitsHistory(ctx, tx); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO key_checks (purpose, mac, created) VALUES (?,?,?) ON CONFLICT (purpose) DO NOTHING",
				masterCheck, mac, formatTime(d.now()))
			if err != nil {
				return fmt.Errorf("db: unable to store the key check: %w", err)
			}
			// Read it back: another process starting at the same moment may have stored its own.
			stored, err = storedKeyCheck(ctx, tx)
		}
		if err != nil {
			return err
		}
		if !hmac.Equal([]byte(stored), []byte(mac)) {
			return wrongKey("it does not match the key check stored when the database was made")
		}
		return nil
	})
}

// storedKeyCheck returns the stored key check, or "" when none is stored yet.
func storedKeyCheck(ctx context.Context, tx *sql.Tx) (string, error) {
	var mac string
	err := tx.QueryRowContext(ctx, "SELECT mac FROM key_checks WHERE purpose = ?", masterCheck).Scan(&mac)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: unable to read the key check: %w", err)
	}
	return mac, nil
}

// keyFitsHistory decides for a database without a key check. The first audit row says which key
// the history began with: if the key verifies it, the key is the database's own. The first row
// rather than the last, because a database already started once with a wrong key has rows under
// both, and only the first key lets `audit verify` check the history from its beginning. Without
// audit rows, the oldest sealed API secret must open with the key. A database with neither has
// never used its key for anything that lasts, so any key may become its own.
func (d *DB) keyFitsHistory(ctx context.Context, tx *sql.Tx) error {
	var first AuditEntry
	err := tx.QueryRowContext(ctx, "SELECT "+auditColumns+" FROM audit_log ORDER BY seq LIMIT 1").Scan(auditDest(&first)...)
	switch {
	case err == nil:
		if !hmac.Equal([]byte(first.Hash), []byte(d.chainHash(first))) {
			return wrongKey(fmt.Sprintf("audit row %d was not written with it", first.Seq))
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("db: unable to read the first audit row: %w", err)
	}
	var accessKeyID string
	var sealed []byte
	err = tx.QueryRowContext(ctx, "SELECT access_key_id, secret_sealed FROM api_keys ORDER BY id LIMIT 1").Scan(&accessKeyID, &sealed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("db: unable to read the oldest API key: %w", err)
	}
	if _, err := auth.Open(d.sealKey, sealed); err != nil {
		return wrongKey("the secret of API key " + accessKeyID + " does not open with it")
	}
	return nil
}

func wrongKey(why string) error {
	return fmt.Errorf("%w (%s): start with the key the database was made with; nothing was written with this one", ErrWrongKey, why)
}
