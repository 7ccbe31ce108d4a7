package db

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Sign-in outcomes.
const (
	SignInOK        = "ok"
	SignInFailed    = "failed"
	SignInThrottled = "throttled"
)

// maxRecordedName bounds the user name kept for a failed attempt, which anyone can type.
const maxRecordedName = 64

// SignIn is one sign-in attempt or, for throttled ones, all of an address's throttled attempts
// in one minute.
type SignIn struct {
	Time     time.Time
	UserName string
	ClientIP string
	Outcome  string
	// Attempts is how many attempts the row stands for: 1, or more on a throttled row.
	Attempts int
	// SeveralNames says that a throttled row's attempts tried other user names than UserName.
	SeveralNames bool
}

// SignInFilter picks sign-in rows; empty fields pick everything.
type SignInFilter struct {
	Outcome  string
	UserName string // any case
	ClientIP string
	Limit    int
}

// cutName bounds a typed user name to maxRecordedName bytes, on a character boundary.
func cutName(name string) string {
	if len(name) <= maxRecordedName {
		return name
	}
	cut := maxRecordedName
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut]
}

// recordSignIn keeps one checked attempt.
func (d *DB) recordSignIn(ctx context.Context, q queryer, s SignIn) error {
	_, err := q.ExecContext(ctx, "INSERT INTO sign_ins (time, user_name, client_ip, outcome) VALUES (?,?,?,?)",
		formatTime(d.now()), cutName(s.UserName), s.ClientIP, s.Outcome)
	if err != nil {
		return fmt.Errorf("db: unable to record a sign-in: %w", err)
	}
	return nil
}

// recordThrottled counts a throttled attempt in its address's row for the current minute.
func (d *DB) recordThrottled(ctx context.Context, q queryer, s SignIn) error {
	now := d.now().UTC()
	_, err := q.ExecContext(ctx, `INSERT INTO sign_ins (time, user_name, client_ip, outcome, attempts, minute) VALUES (?,?,?,?,1,?)
		ON CONFLICT (client_ip, minute) DO UPDATE SET attempts = sign_ins.attempts + 1,
			several_names = CASE WHEN sign_ins.user_name = excluded.user_name THEN sign_ins.several_names ELSE 1 END`,
		formatTime(now), cutName(s.UserName), s.ClientIP, SignInThrottled, now.Format("2006-01-02T15:04"))
	if err != nil {
		return fmt.Errorf("db: unable to record a throttled sign-in: %w", err)
	}
	return nil
}

// ListSignIns returns the latest attempts that f picks, newest first.
func (d *DB) ListSignIns(ctx context.Context, f SignInFilter) ([]SignIn, error) {
	var where []string
	var args []any
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, f.Outcome)
	}
	if f.UserName != "" {
		where, args = append(where, "lower(user_name) = lower(?)"), append(args, f.UserName)
	}
	if f.ClientIP != "" {
		where, args = append(where, "client_ip = ?"), append(args, f.ClientIP)
	}
	query := "SELECT time, user_name, client_ip, outcome, attempts, several_names FROM sign_ins"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return queryAll(ctx, d.read, "sign-ins", func(s *SignIn) []any {
		return []any{(*timeText)(&s.Time), &s.UserName, &s.ClientIP, &s.Outcome, &s.Attempts, &s.SeveralNames}
	}, query+" ORDER BY id DESC LIMIT ?", append(args, f.Limit)...)
}
