package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Roles, from least to most allowed.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
	RoleAdmin    = "admin"
)

// ValidRole reports whether r is one of the three roles.
func ValidRole(r string) bool { return r == RoleViewer || r == RoleOperator || r == RoleAdmin }

// ErrNameTaken is returned when a user name is already in use.
var ErrNameTaken = errors.New("db: the name is already taken")

// User is a person who signs in.
type User struct {
	ID           int64
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	Created      time.Time
}

const userColumns = `id, name, role, password_hash, disabled, created`

func userDest(u *User) []any {
	return []any{&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, (*timeText)(&u.Created)}
}

// CreateUser adds a user with an already hashed password.
func (d *DB) CreateUser(ctx context.Context, name, role, passwordHash string) (User, error) {
	u := User{Name: name, Role: role, PasswordHash: passwordHash, Created: d.now().UTC()}
	err := d.write.QueryRowContext(ctx, "INSERT INTO users (name, role, password_hash, created) VALUES (?,?,?,?) RETURNING id",
		name, role, passwordHash, formatTime(u.Created)).Scan(&u.ID)
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return u, ErrNameTaken
	}
	if err != nil {
		return u, fmt.Errorf("db: unable to create user %s: %w", name, err)
	}
	return u, nil
}

// CountUsers returns how many users exist.
func (d *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count users: %w", err)
	}
	return n, nil
}

// UserByName returns a user, or ErrNotFound.
func (d *DB) UserByName(ctx context.Context, name string) (User, error) {
	return d.user(ctx, "name = ?", name)
}

// UserByID returns a user, or ErrNotFound.
func (d *DB) UserByID(ctx context.Context, id int64) (User, error) {
	return d.user(ctx, "id = ?", id)
}

func (d *DB) user(ctx context.Context, cond string, arg any) (User, error) {
	var u User
	err := d.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond, arg).Scan(userDest(&u)...)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("db: unable to load a user: %w", err)
	}
	return u, nil
}

// SetPassword replaces a user's password hash and ends their sessions, in one transaction.
func (d *DB) SetPassword(ctx context.Context, name, passwordHash string) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "UPDATE users SET password_hash = ? WHERE name = ? RETURNING id", passwordHash, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("db: unable to set the password of %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return fmt.Errorf("db: unable to end the sessions of %s: %w", name, err)
		}
		return nil
	})
}
