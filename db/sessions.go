package db

import (
	"context"
	"fmt"
	"time"

	"lbconsole/lb"
)

// Session is a signed-in browser. Only the hash of its id is stored.
type Session struct {
	IDHash   string
	UserID   int64
	Created  time.Time
	LastSeen time.Time
	Expires  time.Time
}

// CreateSession stores a new session for a user, and clears out sessions that have expired.
func (d *DB) CreateSession(ctx context.Context, s Session) error {
	if _, err := d.write.ExecContext(ctx, "DELETE FROM sessions WHERE expires <= ?", formatTime(d.now())); err != nil {
		return fmt.Errorf("db: unable to clear expired sessions: %w", err)
	}
	_, err := d.write.ExecContext(ctx, "INSERT INTO sessions (id_hash, user_id, created, last_seen, expires) VALUES (?,?,?,?,?)",
		s.IDHash, s.UserID, formatTime(s.Created), formatTime(s.LastSeen), formatTime(s.Expires))
	if err != nil {
		return fmt.Errorf("db: unable to create a session: %w", err)
	}
	return nil
}

// SessionUser returns a live session and its user. An unknown or expired session, or one whose
// user is disabled, is an *lb.Error of kind unauthenticated.
func (d *DB) SessionUser(ctx context.Context, idHash string) (Session, User, error) {
	type sessionUser struct {
		s Session
		u User
	}
	r, err := queryOne(ctx, d.read, "a session", lb.Errorf(lb.KindUnauthenticated, "", "you are not signed in, or your session has ended: sign in again"),
		func(r *sessionUser) []any {
			s := &r.s
			return append([]any{&s.IDHash, &s.UserID, (*timeText)(&s.Created), (*timeText)(&s.LastSeen), (*timeText)(&s.Expires)}, userDest(&r.u)...)
		}, `SELECT s.id_hash, s.user_id, s.created, s.last_seen, s.expires, `+prefixed("u.", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires > ? AND u.disabled = 0`, idHash, formatTime(d.now()))
	return r.s, r.u, err
}

// DeleteSession ends one session.
func (d *DB) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := d.write.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash); err != nil {
		return fmt.Errorf("db: unable to end a session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (d *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := d.write.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("db: unable to end the sessions of user %d: %w", userID, err)
	}
	return nil
}

// TouchSession records that a session was used now, which keeps it from idling out.
func (d *DB) TouchSession(ctx context.Context, idHash string) error {
	if _, err := d.write.ExecContext(ctx, "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", formatTime(d.now()), idHash); err != nil {
		return fmt.Errorf("db: unable to touch a session: %w", err)
	}
	return nil
}
