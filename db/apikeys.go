package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	// Label says what the key is for ("deploy pipeline"); it may be empty.
	Label string
	// Expires is when the key stops working by itself; zero means never.
	Expires time.Time
	// LastUsed is when an API last accepted the key, to the minute; zero means never.
	LastUsed time.Time
}

// Active reports whether the key was not revoked. An active key may still have expired.
func (k APIKey) Active() bool { return k.Revoked.IsZero() }

// ExpiredAt reports whether the key has expired at now.
func (k APIKey) ExpiredAt(now time.Time) bool { return !k.Expires.IsZero() && !now.Before(k.Expires) }

// KeySpec is what a new key is made with besides its credentials: both optional.
type KeySpec struct {
	Label   string
	Expires time.Time
}

// MaxKeyLabelLen is the longest label a key takes, in characters.
const MaxKeyLabelLen = 64

// CreateAPIKey stores new credentials for a user, without a label or an expiry; see
// CreateAPIKeyWith.
func (d *DB) CreateAPIKey(ctx context.Context, o Origin, userID int64, cred auth.APICredentials) (APIKey, error) {
	return d.CreateAPIKeyWith(ctx, o, userID, cred, KeySpec{})
}

// CreateAPIKeyWith stores new credentials for a user, the secret sealed with a key kept outside
// the database, the token as a hash, with spec's label and expiry, and audits it in the same
// transaction. An unknown user is an *lb.Error of kind not found; a label that is too long or
// holds control characters, or an expiry that is not in the future, one of kind invalid.
func (d *DB) CreateAPIKeyWith(ctx context.Context, o Origin, userID int64, cred auth.APICredentials, spec KeySpec) (APIKey, error) {
	k := APIKey{UserID: userID, AccessKeyID: cred.AccessKeyID, Created: d.now().UTC(), Label: strings.TrimSpace(spec.Label), Expires: spec.Expires}
	if err := checkKeySpec(k); err != nil {
		return k, err
	}
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
		err = tx.QueryRowContext(ctx, `INSERT INTO api_keys (user_id, access_key_id, secret_sealed, token_hash, created, label, expires)
			VALUES (?,?,?,?,?,?,?) RETURNING id`, userID, cred.AccessKeyID, sealed, auth.HashToken(cred.Token), formatTime(k.Created),
			k.Label, optionalTime(k.Expires)).Scan(&k.ID)
		if err != nil {
			return fmt.Errorf("db: unable to store an API key: %w", err)
		}
		return d.auditAccount(ctx, tx, o, ActionCreateKey, fmt.Sprintf("create API key %d (%s) for %s%s", k.ID, k.AccessKeyID, u.Name, keySpecText(k)))
	})
	return k, err
}

// checkKeySpec checks a new key's label and expiry.
func checkKeySpec(k APIKey) error {
	switch n := utf8.RuneCountInString(k.Label); {
	case !utf8.ValidString(k.Label) || strings.ContainsFunc(k.Label, unicode.IsControl):
		return lb.Errorf(lb.KindInvalid, FieldKeyLabel, "the label holds a control character or is not valid UTF-8")
	case n > MaxKeyLabelLen:
		return lb.Errorf(lb.KindInvalid, FieldKeyLabel, "the label is %d characters long: at most %d are allowed", n, MaxKeyLabelLen)
	case !k.Expires.IsZero() && !k.Expires.After(k.Created):
		return lb.Errorf(lb.KindInvalid, FieldKeyExpires, "the expiry %s is not in the future", k.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// keySpecText is a new key's label and expiry as the audit log records them.
func keySpecText(k APIKey) string {
	var out string
	if k.Label != "" {
		out += fmt.Sprintf(" labelled %q", k.Label)
	}
	if !k.Expires.IsZero() {
		out += ", expiring " + k.Expires.UTC().Format(time.RFC3339)
	}
	return out
}

const apiKeyColumns = `k.id, k.user_id, k.access_key_id, k.created, k.revoked, k.label, k.expires, k.last_used`

func apiKeyDest(k *APIKey) []any {
	return []any{&k.ID, &k.UserID, &k.AccessKeyID, (*timeText)(&k.Created), (*timeText)(&k.Revoked), &k.Label,
		(*timeText)(&k.Expires), (*timeText)(&k.LastUsed)}
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
	// FieldKeyLabel and FieldKeyExpires are a new key's label and expiry.
	FieldKeyLabel   = "label"
	FieldKeyExpires = "expires"
)

// keyOwner is a live key with its owner and, for the SLB API, its sealed secret.
type keyOwner struct {
	key    APIKey
	owner  User
	sealed []byte
}

// keyOwnerQuery selects a live key: not revoked, not expired (its expiry after the time given
// last), its owner enabled.
const keyOwnerQuery = "SELECT " + apiKeyColumns + ", k.secret_sealed, %s FROM api_keys k JOIN users u ON u.id = k.user_id " +
	"WHERE %s AND k.revoked = '' AND u.disabled = 0 AND (k.expires = '' OR k.expires > ?)"

func keyOwnerDest(r *keyOwner) []any {
	return append(append(apiKeyDest(&r.key), &r.sealed), userDest(&r.owner)...)
}

// APIKeyByAccessKeyID returns a live key, its owner and its secret, for checking an SLB API
// signature: the caller notes the key's use (NoteAPIKeyUse) once the signature matches. An
// unknown, revoked or expired key, or a disabled owner, is an *lb.Error of kind
// unauthenticated: the caller cannot be told which.
func (d *DB) APIKeyByAccessKeyID(ctx context.Context, accessKeyID string) (APIKey, User, string, error) {
	r, err := queryOne(ctx, d.read, "API key "+accessKeyID,
		lb.Errorf(lb.KindUnauthenticated, FieldAccessKeyID, "AccessKeyId %s does not exist, was revoked, has expired, or belongs to a disabled user", lb.Clip(accessKeyID)),
		keyOwnerDest, fmt.Sprintf(keyOwnerQuery, prefixed("u.", userColumns), "k.access_key_id = ?"), accessKeyID, formatTime(d.now()))
	if err != nil {
		return r.key, r.owner, "", err
	}
	secret, err := auth.Open(d.sealKey, r.sealed)
	if err != nil {
		return r.key, r.owner, "", fmt.Errorf("db: unable to open the secret of %s: %w", accessKeyID, err)
	}
	return r.key, r.owner, string(secret), nil
}

// APIKeyByToken returns a live key and its owner for a REST API token, and notes the key's
// use. An unknown, revoked or expired token, or a disabled owner, is an *lb.Error of kind
// unauthenticated.
func (d *DB) APIKeyByToken(ctx context.Context, token string) (APIKey, User, error) {
	r, err := queryOne(ctx, d.read, "an API key by token",
		lb.Errorf(lb.KindUnauthenticated, FieldToken, "the API token is unknown or revoked, or has expired, or its owner is disabled"),
		keyOwnerDest, fmt.Sprintf(keyOwnerQuery, prefixed("u.", userColumns), "k.token_hash = ?"), auth.HashToken(token), formatTime(d.now()))
	if err == nil {
		d.noteKeyUse(ctx, r.key)
	}
	return r.key, r.owner, err
}

// keyUseResolution is how stale a key's last use may get before a use is written again: one
// write a minute per busy key, not one per call.
const keyUseResolution = time.Minute

// NoteAPIKeyUse records that an API accepted k now, unless it did less than keyUseResolution
// ago. It is a note for people (the keys pages' "last used"): a failure to write it must not
// fail the call the key signed, so it is dropped, and the next use writes it again.
func (d *DB) NoteAPIKeyUse(ctx context.Context, k APIKey) { d.noteKeyUse(ctx, k) }

func (d *DB) noteKeyUse(ctx context.Context, k APIKey) {
	now := d.now()
	if now.Sub(k.LastUsed) < keyUseResolution {
		return
	}
	_ = d.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE api_keys SET last_used = ? WHERE id = ? AND last_used < ?",
			formatTime(now), k.ID, formatTime(now.Add(-keyUseResolution)))
		return err
	})
}

// prefixed qualifies each of a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
