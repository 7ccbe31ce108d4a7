package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lbconsole/auth"
)

// APIKey is one user's API credential, without its secrets.
type APIKey struct {
	ID          int64
	UserID      int64
	AccessKeyID string
	Created     time.Time
	Revoked     time.Time
}

// Active reports whether the key still works.
func (k APIKey) Active() bool { return k.Revoked.IsZero() }

// CreateAPIKey stores new credentials for a user: the secret sealed with a key kept outside the
// database, the token as a hash.
func (d *DB) CreateAPIKey(ctx context.Context, userID int64, cred auth.APICredentials) (APIKey, error) {
	k := APIKey{UserID: userID, AccessKeyID: cred.AccessKeyID, Created: d.now().UTC()}
	sealed, err := auth.Seal(d.sealKey, []byte(cred.AccessKeySecret))
	if err != nil {
		return k, fmt.Errorf("db: unable to seal an API secret: %w", err)
	}
	err = d.write.QueryRowContext(ctx, `INSERT INTO api_keys (user_id, access_key_id, secret_sealed, token_hash, created)
		VALUES (?,?,?,?,?) RETURNING id`, userID, cred.AccessKeyID, sealed, auth.HashToken(cred.Token), formatTime(k.Created)).Scan(&k.ID)
	if err != nil {
		return k, fmt.Errorf("db: unable to store an API key: %w", err)
	}
	return k, nil
}

const apiKeyColumns = `k.id, k.user_id, k.access_key_id, k.created, k.revoked`

func apiKeyDest(k *APIKey) []any {
	return []any{&k.ID, &k.UserID, &k.AccessKeyID, (*timeText)(&k.Created), (*timeText)(&k.Revoked)}
}

// ListAPIKeys returns a user's keys, newest first, revoked ones included.
func (d *DB) ListAPIKeys(ctx context.Context, userID int64) ([]APIKey, error) {
	rows, err := d.read.QueryContext(ctx, "SELECT "+apiKeyColumns+" FROM api_keys k WHERE k.user_id = ? ORDER BY k.id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list API keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		var k APIKey
		if err := rows.Scan(apiKeyDest(&k)...); err != nil {
			return nil, fmt.Errorf("db: unable to read an API key: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey ends one of a user's keys at once. Another user's key is ErrNotFound.
func (d *DB) RevokeAPIKey(ctx context.Context, userID, keyID int64) error {
	res, err := d.write.ExecContext(ctx, "UPDATE api_keys SET revoked = ? WHERE id = ? AND user_id = ? AND revoked = ''",
		formatTime(d.now()), keyID, userID)
	if err != nil {
		return fmt.Errorf("db: unable to revoke API key %d: %w", keyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// APIKeyByAccessKeyID returns a live key, its owner and its secret, for checking an SLB API
// signature. A revoked key or a disabled owner is ErrNotFound.
func (d *DB) APIKeyByAccessKeyID(ctx context.Context, accessKeyID string) (APIKey, User, string, error) {
	var k APIKey
	var u User
	var sealed []byte
	err := d.read.QueryRowContext(ctx, "SELECT "+apiKeyColumns+", k.secret_sealed, "+prefixed("u.", userColumns)+
		" FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.access_key_id = ? AND k.revoked = '' AND u.disabled = 0", accessKeyID).
		Scan(append(append(apiKeyDest(&k), &sealed), userDest(&u)...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return k, u, "", ErrNotFound
	}
	if err != nil {
		return k, u, "", fmt.Errorf("db: unable to load API key %s: %w", accessKeyID, err)
	}
	secret, err := auth.Open(d.sealKey, sealed)
	if err != nil {
		return k, u, "", fmt.Errorf("db: unable to open the secret of %s: %w", accessKeyID, err)
	}
	return k, u, string(secret), nil
}

// APIKeyByToken returns a live key and its owner for a REST API token. A revoked key or a
// disabled owner is ErrNotFound.
func (d *DB) APIKeyByToken(ctx context.Context, token string) (APIKey, User, error) {
	var k APIKey
	var u User
	err := d.read.QueryRowContext(ctx, "SELECT "+apiKeyColumns+", "+prefixed("u.", userColumns)+
		" FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ? AND k.revoked = '' AND u.disabled = 0", auth.HashToken(token)).
		Scan(append(apiKeyDest(&k), userDest(&u)...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return k, u, ErrNotFound
	}
	if err != nil {
		return k, u, fmt.Errorf("db: unable to load an API key by token: %w", err)
	}
	return k, u, nil
}

// prefixed qualifies each of a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
