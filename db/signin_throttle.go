package db

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// SignInLimits are how many failed sign-ins an account and a client address may have within
// Window before further attempts are refused without their password being checked.
type SignInLimits struct {
	PerAccount int
	PerClient  int
	Window     time.Duration
}

// SignInAttempt is a sign-in as it arrives: the user name typed and where it came from.
type SignInAttempt struct {
	UserName string
	ClientIP string
}

// account is the attempt's key in the per-account count: the typed name in lower case, so that
// changing its case gains nothing.
func (a SignInAttempt) account() string { return cutName(strings.ToLower(a.UserName)) }

// SignInReservation is the right to check one attempt's password, or the refusal of it.
type SignInReservation struct {
	ID int64
	// Wait, when positive, means the attempt was refused (and recorded as throttled): the
	// account or the address may try again after it.
	Wait time.Duration
}

// ReserveSignIn decides, in one write transaction, whether an attempt's password may be checked.
// Attempts still being checked count as failures until they are settled, so that a burst of
// concurrent attempts gets no more checks than the same attempts one after another would. A
// refused attempt is recorded; an allowed one must be settled with SettleSignIn or released
// with ReleaseSignIn (one never settled counts as a failure until the window ends).
func (d *DB) ReserveSignIn(ctx context.Context, a SignInAttempt, lim SignInLimits) (SignInReservation, error) {
	var r SignInReservation
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		cut := formatTime(now.Add(-lim.Window))
		if err := clearOldAttempts(ctx, tx, cut); err != nil {
			return err
		}
		if err := lockSignInKeys(ctx, tx, formatTime(now), a); err != nil {
			return err
		}
		waitAccount, err := throttleWait(ctx, tx, now, lim, lim.PerAccount,
			"account = ? AND for_account = 1", a.account())
		if err != nil {
			return err
		}
		waitClient, err := throttleWait(ctx, tx, now, lim, lim.PerClient, "client_ip = ?", a.ClientIP)
		if err != nil {
			return err
		}
		if r.Wait = max(waitAccount, waitClient); r.Wait > 0 {
			return d.recordThrottled(ctx, tx, SignIn{UserName: a.UserName, ClientIP: a.ClientIP})
		}
		err = tx.QueryRowContext(ctx, "INSERT INTO sign_in_attempts (account, client_ip, time, state) VALUES (?,?,?,'pending') RETURNING id",
			a.account(), a.ClientIP, formatTime(now)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("db: unable to reserve a sign-in: %w", err)
		}
		return nil
	})
	return r, err
}

func clearOldAttempts(ctx context.Context, tx *sql.Tx, cut string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sign_in_attempts WHERE time <= ?", cut); err != nil {
		return fmt.Errorf("db: unable to clear old sign-in attempts: %w", err)
	}
	return nil
}

// lockBuckets is how many lock rows each of accounts and addresses hash into: enough that
// unrelated keys seldom wait for each other, few enough that the table stays small.
const lockBuckets = 1024

// lockSignInKeys writes the lock rows of the attempt's account and address. Accounts take the
// lower buckets and addresses the upper ones, so every caller locks in the same order and two
// reservations never wait for each other's second lock.
func lockSignInKeys(ctx context.Context, tx *sql.Tx, now string, a SignInAttempt) error {
	for _, bucket := range []uint32{lockBucket(a.account()), lockBuckets + lockBucket(a.ClientIP)} {
		_, err := tx.ExecContext(ctx, "INSERT INTO sign_in_locks (bucket, time) VALUES (?,?) ON CONFLICT (bucket) DO UPDATE SET time = excluded.time",
			bucket, now)
		if err != nil {
			return fmt.Errorf("db: unable to lock sign-ins: %w", err)
		}
	}
	return nil
}

func lockBucket(key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32() % lockBuckets
}

// throttleWait counts the attempts that match where (pending or failed) within the window and,
// when there are limit or more, says how long until the oldest of the surplus leaves it.
func throttleWait(ctx context.Context, tx *sql.Tx, now time.Time, lim SignInLimits, limit int, where string, arg string) (time.Duration, error) {
	cut := formatTime(now.Add(-lim.Window))
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sign_in_attempts WHERE "+where+" AND time > ?", arg, cut).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count sign-in attempts: %w", err)
	}
	if n < limit {
		return 0, nil
	}
	var oldest string
	err := tx.QueryRowContext(ctx, "SELECT time FROM sign_in_attempts WHERE "+where+" AND time > ? ORDER BY time, id LIMIT 1 OFFSET ?",
		arg, cut, n-limit).Scan(&oldest)
	if err != nil {
		return 0, fmt.Errorf("db: unable to date sign-in attempts: %w", err)
	}
	return max(parseTime(oldest).Add(lim.Window).Sub(now), time.Nanosecond), nil
}

// SettleSignIn records how a reserved attempt ended: SignInOK clears the account's failures
// (they still count for the address), SignInFailed keeps the attempt as a failure, and
// SignInThrottled (the password was never checked) frees it and counts it as throttled.
func (d *DB) SettleSignIn(ctx context.Context, r SignInReservation, a SignInAttempt, outcome string) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		switch outcome {
		case SignInOK:
			if err = deleteAttempt(ctx, tx, r.ID); err == nil {
				_, err = tx.ExecContext(ctx, "UPDATE sign_in_attempts SET for_account = 0 WHERE account = ? AND state = 'failed'", a.account())
			}
		case SignInFailed:
			_, err = tx.ExecContext(ctx, "UPDATE sign_in_attempts SET state = 'failed' WHERE id = ?", r.ID)
		case SignInThrottled:
			if err := deleteAttempt(ctx, tx, r.ID); err != nil {
				return err
			}
			return d.recordThrottled(ctx, tx, SignIn{UserName: a.UserName, ClientIP: a.ClientIP})
		default:
			return fmt.Errorf("db: unable to settle a sign-in as %q: want ok, failed or throttled", outcome)
		}
		if err != nil {
			return fmt.Errorf("db: unable to settle a sign-in: %w", err)
		}
		return d.recordSignIn(ctx, tx, SignIn{UserName: a.UserName, ClientIP: a.ClientIP, Outcome: outcome})
	})
}

// ReleaseSignIn frees a reserved attempt that was never checked, and records nothing.
func (d *DB) ReleaseSignIn(ctx context.Context, r SignInReservation) error {
	return d.inWriteTx(ctx, func(tx *sql.Tx) error { return deleteAttempt(ctx, tx, r.ID) })
}

func deleteAttempt(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sign_in_attempts WHERE id = ?", id); err != nil {
		return fmt.Errorf("db: unable to free a sign-in reservation: %w", err)
	}
	return nil
}
