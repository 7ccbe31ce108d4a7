package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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
	// Owner is the name of the user the key acts as.
	Owner string
}

// Active reports whether the key still works.
func (k APIKey) Active() bool { return k.Revoked.IsZero() }

// CreateAPIKey stores new credentials for a user, the secret sealed with a key kept outside the
// database, the token as a hash, and audits it in the same transaction. An unknown user is
// ErrNotFound.
func (d *DB) CreateAPIKey(ctx context.Context, o Origin, userID int64, cred auth.APICredentials) (APIKey, error) {
	k := APIKey{UserID: userID, AccessKeyID: cred.AccessKeyID, Created: d.now().UTC()}
	sealed, err := auth.Seal(d.sealKey, []byte(cred.AccessKeySecret))
	if err != nil {
		return k, fmt.Errorf("db: unable to seal an API secret: %w", err)
	}
	err = d.inWriteTx(ctx, func(tx *sql.Tx) error {
		u, err := loadUser(ctx, tx, "id = ?", userID)
		if err != nil {
			return err
		}
		k.Owner = u.Name
		err = tx.QueryRowContext(ctx, `INSERT INTO api_keys (user_id, access_key_id, secret_sealed, token_hash, created)
			VALUES (?,?,?,?,?) RETURNING id`, userID, cred.AccessKeyID, sealed, auth.HashToken(cred.Token), formatTime(k.Created)).Scan(&k.ID)
		if err != nil {
			return fmt.Errorf("db: unable to store an API key: %w", err)
		}
		return d.auditAccount(ctx, tx, o, ActionCreateKey, fmt.Sprintf("create API key %d (%s) for %s", k.ID, k.AccessKeyID, u.Name))
	})
	return k, err
}

const apiKeyColumns = `k.id, k.user_id, k.access_key_id, k.created, k.revoked`

func apiKeyDest(k *APIKey) []any {
	return []any{&k.ID, &k.UserID, &k.AccessKeyID, (*timeText)(&k.Created), (*timeText)(&k.Revoked)}
}

// ownedKeys selects keys with their owner's name; the caller adds the condition.
const ownedKeys = "SELECT " + apiKeyColumns + ", u.name FROM api_keys k JOIN users u ON u.id = k.user_id WHERE "

// ListAPIKeys returns a user's keys, newest first, revoked ones included.
func (d *DB) ListAPIKeys(ctx context.Context, userID int64) ([]APIKey, error) {
	return listKeys(ctx, d.read, "k.user_id = ? ORDER BY k.id DESC", userID)
}

// ListEveryAPIKey returns every user's keys, or only owner's when owner is not empty, by owner
// and then newest first, revoked ones included: what admins look through.
func (d *DB) ListEveryAPIKey(ctx context.Context, owner string) ([]APIKey, error) {
	if owner == "" {
		return listKeys(ctx, d.read, "1 = 1 ORDER BY u.name, k.id DESC")
	}
	return listKeys(ctx, d.read, "u.name = ? ORDER BY k.id DESC", owner)
}

func listKeys(ctx context.Context, q queryer, cond string, args ...any) ([]APIKey, error) {
	return queryAll(ctx, q, "API keys", func(k *APIKey) []any { return append(apiKeyDest(k), &k.Owner) }, ownedKeys+cond, args...)
}

// FindAPIKey returns a key by its number or its AccessKeyId (which never is a number), with
// its owner's name, revoked or not; an unknown one is ErrNotFound.
func (d *DB) FindAPIKey(ctx context.Context, ref string) (APIKey, error) {
	cond := "k.access_key_id = ?"
	var arg any = ref
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		cond, arg = "k.id = ?", id
	}
	keys, err := listKeys(ctx, d.read, cond, arg)
	if err != nil {
		return APIKey{}, err
	}
	if len(keys) == 0 {
		return APIKey{}, ErrNotFound
	}
	return keys[0], nil
}

// RevokeAPIKey ends any user's key at once, as admins and the command line may. It returns the
// key as it was: one already revoked is left as it is, and nothing is audited. An unknown key is
// ErrNotFound.
func (d *DB) RevokeAPIKey(ctx context.Context, o Origin, keyID int64) (APIKey, error) {
	return d.revoke(ctx, o, "k.id = ?", keyID)
}

// RevokeOwnAPIKey is RevokeAPIKey for the signed-in user's own keys: another user's key is
// ErrNotFound, so that a key number tells nothing about other people's keys.
func (d *DB) RevokeOwnAPIKey(ctx context.Context, o Origin, keyID int64) (APIKey, error) {
	if o.ActorID == 0 {
		return APIKey{}, ErrNotFound
	}
	return d.revoke(ctx, o, "k.id = ? AND k.user_id = ?", keyID, o.ActorID)
}

func (d *DB) revoke(ctx context.Context, o Origin, cond string, args ...any) (APIKey, error) {
	var k APIKey
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		keys, err := listKeys(ctx, tx, cond, args...)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return ErrNotFound
		}
		if k = keys[0]; !k.Active() {
			return nil
		}
		return d.revokeKey(ctx, tx, o, k)
	})
	return k, err
}

// activeKeys returns a user's live keys inside the caller's transaction.
func activeKeys(ctx context.Context, tx *sql.Tx, userID int64) ([]APIKey, error) {
	return listKeys(ctx, tx, "k.user_id = ? AND k.revoked = '' ORDER BY k.id", userID)
}

// revokeKey revokes a live key and audits it, in the caller's transaction.
func (d *DB) revokeKey(ctx context.Context, tx *sql.Tx, o Origin, k APIKey) error {
	_, err := tx.ExecContext(ctx, "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked = ''", formatTime(d.now()), k.ID)
	if err != nil {
		return fmt.Errorf("db: unable to revoke API key %d: %w", k.ID, err)
	}
	return d.auditAccount(ctx, tx, o, ActionRevokeKey, fmt.Sprintf("revoke API key %d (%s) of %s", k.ID, k.AccessKeyID, k.Owner))
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
