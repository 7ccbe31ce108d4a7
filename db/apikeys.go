package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lbconsole/auth"
	"lbconsole/lb"
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
// database, the token as a hash, and audits it in the same transaction. An unknown user is an
// *lb.Error of kind not found.
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
// its owner's name, revoked or not; an unknown one is an *lb.Error of kind not found.
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
		return APIKey{}, lb.Errorf(lb.KindNotFound, FieldAPIKey, "API key %s does not exist", lb.Clip(ref))
	}
	return keys[0], nil
}

// RevokeAPIKey ends any user's key at once, as admins and the command line may. It returns the
// key as it was: one already revoked is left as it is, and nothing is audited. An unknown key is
// an *lb.Error of kind not found.
func (d *DB) RevokeAPIKey(ctx context.Context, o Origin, keyID int64) (APIKey, error) {
	return d.revoke(ctx, o, lb.Errorf(lb.KindNotFound, FieldAPIKey, "API key %d does not exist", keyID), "k.id = ?", keyID)
}

// RevokeOwnAPIKey is RevokeAPIKey for the signed-in user's own keys: another user's key is not
// found, as an unknown one is, so that a key number tells nothing about other people's keys.
func (d *DB) RevokeOwnAPIKey(ctx context.Context, o Origin, keyID int64) (APIKey, error) {
	missing := lb.Errorf(lb.KindNotFound, FieldAPIKey, "%s has no API key %d", o.Actor, keyID)
	if o.ActorID == 0 {
		return APIKey{}, missing
	}
	return d.revoke(ctx, o, missing, "k.id = ? AND k.user_id = ?", keyID, o.ActorID)
}

// revoke revokes the key cond selects, or returns missing when it selects none.
func (d *DB) revoke(ctx context.Context, o Origin, missing *lb.Error, cond string, args ...any) (APIKey, error) {
	var k APIKey
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		keys, err := listKeys(ctx, tx, cond, args...)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return missing
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

// Fields of API keys that errors name.
const (
	// FieldAPIKey is a key named by its number or its AccessKeyId.
	FieldAPIKey = "ApiKey"
	// FieldAccessKeyID is the key that signed an SLB API call, as the API names the parameter.
	FieldAccessKeyID = "AccessKeyId"
	// FieldToken is the token of a REST API call, as the header that carries it is named.
	FieldToken = "X-Auth-Token"
)

// keyOwner is a live key with its owner and, for the SLB API, its sealed secret.
type keyOwner struct {
	key    APIKey
	owner  User
	sealed []byte
}

const keyOwnerQuery = "SELECT " + apiKeyColumns + ", k.secret_sealed, %s FROM api_keys k JOIN users u ON u.id = k.user_id " +
	"WHERE %s AND k.revoked = '' AND u.disabled = 0"

func keyOwnerDest(r *keyOwner) []any {
	return append(append(apiKeyDest(&r.key), &r.sealed), userDest(&r.owner)...)
}

// APIKeyByAccessKeyID returns a live key, its owner and its secret, for checking an SLB API
// signature. An unknown or revoked key, or a disabled owner, is an *lb.Error of kind
// unauthenticated: the caller cannot be told which.
func (d *DB) APIKeyByAccessKeyID(ctx context.Context, accessKeyID string) (APIKey, User, string, error) {
	r, err := queryOne(ctx, d.read, "API key "+accessKeyID,
		lb.Errorf(lb.KindUnauthenticated, FieldAccessKeyID, "AccessKeyId %s does not exist, was revoked, or belongs to a disabled user", lb.Clip(accessKeyID)),
		keyOwnerDest, fmt.Sprintf(keyOwnerQuery, prefixed("u.", userColumns), "k.access_key_id = ?"), accessKeyID)
	if err != nil {
		return r.key, r.owner, "", err
	}
	secret, err := auth.Open(d.sealKey, r.sealed)
	if err != nil {
		return r.key, r.owner, "", fmt.Errorf("db: unable to open the secret of %s: %w", accessKeyID, err)
	}
	return r.key, r.owner, string(secret), nil
}

// APIKeyByToken returns a live key and its owner for a REST API token. An unknown or revoked
// token, or a disabled owner, is an *lb.Error of kind unauthenticated.
func (d *DB) APIKeyByToken(ctx context.Context, token string) (APIKey, User, error) {
	r, err := queryOne(ctx, d.read, "an API key by token",
		lb.Errorf(lb.KindUnauthenticated, FieldToken, "the API token is unknown or revoked, or its owner is disabled"),
		keyOwnerDest, fmt.Sprintf(keyOwnerQuery, prefixed("u.", userColumns), "k.token_hash = ?"), auth.HashToken(token))
	return r.key, r.owner, err
}

// prefixed qualifies each of a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
