package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lbconsole/lb"
)

// User is a person who signs in.
type User struct {
	ID           int64
	Name         string
	Role         lb.Role
	PasswordHash string
	Disabled     bool
	Created      time.Time
}

const userColumns = `id, name, role, password_hash, disabled, created`

func userDest(u *User) []any {
	return []any{&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, (*timeText)(&u.Created)}
}

// CountUsers returns how many users exist.
func (d *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count users: %w", err)
	}
	return n, nil
}

// UserByName returns a user; an unknown name is an *lb.Error of kind not found.
func (d *DB) UserByName(ctx context.Context, name string) (User, error) {
	return loadUser(ctx, d.read, "name = ?", name)
}

// UserByID returns a user; an unknown id is an *lb.Error of kind not found.
func (d *DB) UserByID(ctx context.Context, id int64) (User, error) {
	return loadUser(ctx, d.read, "id = ?", id)
}

// loadUser reads one user inside or outside a transaction; key is the name or the id that cond
// compares.
func loadUser(ctx context.Context, q queryer, cond string, key any) (User, error) {
	return queryOne(ctx, q, fmt.Sprintf("user %v", key), lb.Errorf(lb.KindNotFound, lb.FieldUser, "user %v does not exist", key),
		userDest, "SELECT "+userColumns+" FROM users WHERE "+cond, key)
}

// UserSummary is a user with what the users page shows about them.
type UserSummary struct {
	User
	// Sessions is how many live (unexpired) sessions the user has.
	Sessions int
	// Keys is how many API keys the user has that still work.
	Keys int
}

// ListUsers returns every user, by name, with their live sessions and working API keys.
func (d *DB) ListUsers(ctx context.Context) ([]UserSummary, error) {
	return queryAll(ctx, d.read, "the users", func(u *UserSummary) []any { return append(userDest(&u.User), &u.Sessions, &u.Keys) },
		"SELECT "+userColumns+`,
		(SELECT count(*) FROM sessions s WHERE s.user_id = users.id AND s.expires > ?),
		(SELECT count(*) FROM api_keys k WHERE k.user_id = users.id AND k.revoked = '')
		FROM users ORDER BY name`, formatTime(d.now()))
}

// endSessions ends every session of a user but keep (an id hash; "" keeps none), inside the
// caller's transaction, and reports how many ended. DeleteUserSessions cannot be used inside a
// write transaction: it would wait for the one writer connection the transaction holds.
func endSessions(ctx context.Context, tx *sql.Tx, userID int64, keep string) (int, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", userID, keep)
	if err != nil {
		return 0, fmt.Errorf("db: unable to end the sessions of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("db: unable to count the ended sessions of user %d: %w", userID, err)
	}
	return int(n), nil
}

// LiveSessions returns how many unexpired sessions a user has.
func (d *DB) LiveSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE user_id = ? AND expires > ?", userID, formatTime(d.now())).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: unable to count the sessions of user %d: %w", userID, err)
	}
	return n, nil
}
