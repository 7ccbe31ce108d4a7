package testenv

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
)

// Password is every test user's password.
const Password = "correct-horse-battery-staple"

// The users of each role that DemoUsers holds.
const (
	Admin    = "alice"
	Operator = "oscar"
	Viewer   = "vera"
)

// Roles are the users DemoUsers holds, by name.
var Roles = map[string]lb.Role{Admin: lb.RoleAdmin, Operator: lb.RoleOperator, Viewer: lb.RoleViewer}

// Origin is who the tests' own accounts and keys are recorded as made by.
var Origin = db.Origin{Actor: "test", Source: db.SourceCLI}

var hash struct {
	once sync.Once
	text string
	err  error
}

// passwordHash hashes Password once per test binary: argon2id is slow on purpose.
func passwordHash() (string, error) {
	hash.once.Do(func() { hash.text, hash.err = auth.HashPassword(Password) })
	return hash.text, hash.err
}

// PasswordHash is Password's argon2id hash, made once per test binary.
func PasswordHash(tb testing.TB) string {
	tb.Helper()
	h, err := passwordHash()
	if err != nil {
		tb.Fatalf("hash the test password: %v", err)
	}
	return h
}

// AddUser adds a user whose password is Password.
func AddUser(ctx context.Context, store *db.DB, name string, role lb.Role) (db.User, error) {
	h, err := passwordHash()
	if err != nil {
		return db.User{}, err
	}
	u, err := store.CreateUser(ctx, Origin, name, role, h)
	if err != nil {
		return db.User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	return u, nil
}

// addUsers adds the users of Roles.
func addUsers(ctx context.Context, store *db.DB) error {
	for _, name := range []string{Admin, Operator, Viewer} {
		if _, err := AddUser(ctx, store, name, Roles[name]); err != nil {
			return err
		}
	}
	return nil
}

// APIKey makes an API key for the named user and returns its credentials.
func APIKey(tb testing.TB, store *db.DB, user string) auth.APICredentials {
	tb.Helper()
	ctx := context.Background()
	u, err := store.UserByName(ctx, user)
	if err != nil {
		tb.Fatalf("UserByName(%s): %v", user, err)
	}
	cred := auth.NewAPICredentials()
	if _, err := store.CreateAPIKey(ctx, Origin, u.ID, cred); err != nil {
		tb.Fatalf("CreateAPIKey(%s): %v", user, err)
	}
	return cred
}
