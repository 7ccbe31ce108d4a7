package db

import (
	"context"
	"fmt"
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

// SignIn is one sign-in attempt.
type SignIn struct {
	Time     time.Time
	UserName string
	ClientIP string
	Outcome  string
}

// RecordSignIn keeps one attempt.
func (d *DB) RecordSignIn(ctx context.Context, s SignIn) error {
	name := s.UserName
	if len(name) > maxRecordedName {
		cut := maxRecordedName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	_, err := d.write.ExecContext(ctx, "INSERT INTO sign_ins (time, user_name, client_ip, outcome) VALUES (?,?,?,?)",
		formatTime(d.now()), name, s.ClientIP, s.Outcome)
	if err != nil {
		return fmt.Errorf("db: unable to record a sign-in: %w", err)
	}
	return nil
}

// ListSignIns returns the latest attempts, newest first.
func (d *DB) ListSignIns(ctx context.Context, limit int) ([]SignIn, error) {
	rows, err := d.read.QueryContext(ctx, "SELECT time, user_name, client_ip, outcome FROM sign_ins ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list sign-ins: %w", err)
	}
	defer rows.Close()
	var out []SignIn
	for rows.Next() {
		var s SignIn
		if err := rows.Scan((*timeText)(&s.Time), &s.UserName, &s.ClientIP, &s.Outcome); err != nil {
			return nil, fmt.Errorf("db: unable to read a sign-in: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
