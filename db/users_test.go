package db

import (
	"context"
	"testing"
	"time"

	"lbconsole/lb"
)

// The store takes password hashes as given, so these tests use fixed strings instead of
// running argon2.
func TestUsersAndSessions(t *testing.T) {
	ctx := context.Background()

	setup := func(t *testing.T) (*DB, *clock, User) {
		t.Helper()
		clk := newClock()
		d, _ := emptyDB(t, Options{Now: clk.Now})
		u, err := d.CreateUser(ctx, testOrigin, "alice", lb.RoleOperator, "hash-1")
		if err != nil {
			t.Fatal(err)
		}
		return d, clk, u
	}
	session := func(t *testing.T, d *DB, clk *clock, idHash string, userID int64, ttl time.Duration) {
		t.Helper()
		now := clk.Now()
		if err := d.CreateSession(ctx, Session{IDHash: idHash, UserID: userID, Created: now, LastSeen: now, Expires: now.Add(ttl)}); err != nil {
			t.Fatal(err)
		}
	}
	live := func(t *testing.T, d *DB, idHash string) (User, error) {
		t.Helper()
		_, u, err := d.SessionUser(ctx, idHash)
		if err != nil && lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Fatalf("SessionUser(%s): %v", idHash, err)
		}
		return u, err
	}

	t.Run("a user name can be taken once", func(t *testing.T) {
		d, _, u := setup(t)
		if u.ID == 0 || u.Name != "alice" || u.Role != lb.RoleOperator {
			t.Errorf("CreateUser = %+v, want alice, operator, with an id", u)
		}
		if _, err := d.CreateUser(ctx, testOrigin, "alice", lb.RoleAdmin, "hash-2"); lb.ErrorKind(err) != lb.KindConflict {
			t.Errorf("second CreateUser(alice) = %v, want a conflict", err)
		}
		if n, err := d.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("CountUsers = %d, %v; want 1", n, err)
		}
		got, err := d.UserByName(ctx, "alice")
		if err != nil || got.Role != lb.RoleOperator || got.PasswordHash != "hash-1" {
			t.Errorf("UserByName(alice) = %+v, %v; want the first alice unchanged", got, err)
		}
	})

	t.Run("an unknown user is not found", func(t *testing.T) {
		d, _, _ := setup(t)
		if _, err := d.UserByName(ctx, "nobody"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("UserByName(nobody) = %v, want not found", err)
		}
		if _, err := d.UserByID(ctx, 999); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("UserByID(999) = %v, want not found", err)
		}
	})

	t.Run("a live session finds its user", func(t *testing.T) {
		d, clk, u := setup(t)
		session(t, d, clk, "s1", u.ID, time.Hour)
		got, err := live(t, d, "s1")
		if err != nil || got.ID != u.ID || got.Name != "alice" || got.Role != lb.RoleOperator {
			t.Errorf("SessionUser(s1) = %+v, %v; want alice", got, err)
		}
	})

	t.Run("an unknown session is not found", func(t *testing.T) {
		d, _, _ := setup(t)
		if _, err := live(t, d, "nope"); lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Errorf("SessionUser(nope) = %v, want unauthenticated", err)
		}
	})

	t.Run("an expired session is not found", func(t *testing.T) {
		d, clk, u := setup(t)
		session(t, d, clk, "s1", u.ID, time.Hour)
		clk.Advance(59 * time.Minute)
		if _, err := live(t, d, "s1"); err != nil {
			t.Errorf("SessionUser one minute before expiry = %v, want the session", err)
		}
		clk.Advance(time.Minute)
		if _, err := live(t, d, "s1"); lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Errorf("SessionUser at expiry = %v, want unauthenticated", err)
		}
	})

	t.Run("a disabled user's session is not found", func(t *testing.T) {
		d, clk, u := setup(t)
		session(t, d, clk, "s1", u.ID, time.Hour)
		if _, err := d.write.ExecContext(ctx, "UPDATE users SET disabled = 1 WHERE id = ?", u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := live(t, d, "s1"); lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Errorf("SessionUser of a disabled user = %v, want unauthenticated", err)
		}
		got, err := d.UserByID(ctx, u.ID)
		if err != nil || !got.Disabled {
			t.Errorf("UserByID = %+v, %v; want Disabled", got, err)
		}
	})

	t.Run("DeleteSession ends that session only", func(t *testing.T) {
		d, clk, u := setup(t)
		session(t, d, clk, "s1", u.ID, time.Hour)
		session(t, d, clk, "s2", u.ID, time.Hour)
		if err := d.DeleteSession(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		if _, err := live(t, d, "s1"); lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Errorf("SessionUser(s1) after DeleteSession = %v, want unauthenticated", err)
		}
		if _, err := live(t, d, "s2"); err != nil {
			t.Errorf("SessionUser(s2) = %v, want the other session alive", err)
		}
	})

	t.Run("DeleteUserSessions ends every session of that user only", func(t *testing.T) {
		d, clk, u := setup(t)
		bob, err := d.CreateUser(ctx, testOrigin, "bob", lb.RoleViewer, "hash-b")
		if err != nil {
			t.Fatal(err)
		}
		session(t, d, clk, "a1", u.ID, time.Hour)
		session(t, d, clk, "a2", u.ID, time.Hour)
		session(t, d, clk, "b1", bob.ID, time.Hour)
		if err := d.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"a1", "a2"} {
			if _, err := live(t, d, id); lb.ErrorKind(err) != lb.KindUnauthenticated {
				t.Errorf("SessionUser(%s) = %v, want unauthenticated", id, err)
			}
		}
		if got, err := live(t, d, "b1"); err != nil || got.Name != "bob" {
			t.Errorf("SessionUser(b1) = %+v, %v; want bob's session alive", got, err)
		}
	})

	t.Run("ResetPassword changes the hash and ends the user's sessions", func(t *testing.T) {
		d, clk, u := setup(t)
		session(t, d, clk, "s1", u.ID, time.Hour)
		if _, _, err := d.ResetPassword(ctx, testOrigin, u.ID, "hash-new", false); err != nil {
			t.Fatal(err)
		}
		if _, err := live(t, d, "s1"); lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Errorf("SessionUser after ResetPassword = %v, want unauthenticated", err)
		}
		got, err := d.UserByName(ctx, "alice")
		if err != nil || got.PasswordHash != "hash-new" {
			t.Errorf("password hash = %q, %v; want hash-new", got.PasswordHash, err)
		}
	})

	t.Run("ResetPassword of an unknown user is not found", func(t *testing.T) {
		d, _, _ := setup(t)
		if _, _, err := d.ResetPassword(ctx, testOrigin, 999, "hash", false); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("ResetPassword(999) = %v, want not found", err)
		}
	})
}
