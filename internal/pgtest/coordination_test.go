package pgtest

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// The consoles sharing one database will coordinate through it: an advisory lock serializes
// the write transactions that read before they write (as SQLite's one writer does), and
// LISTEN/NOTIFY tells the other consoles that something changed. These tests show both work
// between connections to a database that NewDB made.

// backendPID returns the server process behind conn.
func backendPID(t *testing.T, ctx context.Context, conn *sql.Conn) int {
	t.Helper()
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

func sqlConn(t *testing.T, ctx context.Context, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitForLockWait waits until the backend pid waits for an advisory lock, as pg_locks shows.
func waitForLockWait(t *testing.T, ctx context.Context, db *sql.DB, pid int) {
	t.Helper()
	for {
		var waiting bool
		err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND NOT granted)", pid).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("backend %d never waited for the advisory lock: %v", pid, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestAdvisoryXactLockSerializesWriters: a second transaction that asks for the lock another
// holds waits for it, and once it has it sees what the first committed. Read-then-write
// transactions that all begin with the lock therefore run one after another, each on the
// state the previous one left.
func TestAdvisoryXactLockSerializesWriters(t *testing.T) {
	ctx := testCtx(t)
	db := openSQL(t, NewDB(t))
	if _, err := db.ExecContext(ctx, "CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)"); err != nil {
		t.Fatal(err)
	}
	const writeLock = 7301
	first, second := sqlConn(t, ctx, db), sqlConn(t, ctx, db)
	secondPID := backendPID(t, ctx, second)

	tx1, err := first.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	if _, err := tx1.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
		t.Fatal(err)
	}
	var got bool
	if err := db.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", writeLock).Scan(&got); err != nil || got {
		t.Fatalf("another connection got the lock that a transaction holds: %v, %v", got, err)
	}

	// The second transaction reads then writes, as a batch does, once it holds the lock.
	seen := make(chan int, 1)
	failed := make(chan error, 1)
	go func() {
		tx2, err := second.BeginTx(ctx, nil)
		if err != nil {
			failed <- err
			return
		}
		defer tx2.Rollback()
		var n int
		if _, err := tx2.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
			failed <- err
			return
		}
		if err := tx2.QueryRowContext(ctx, "SELECT n FROM counter").Scan(&n); err != nil {
			failed <- err
			return
		}
		if _, err := tx2.ExecContext(ctx, "UPDATE counter SET n = $1", n+1); err != nil {
			failed <- err
			return
		}
		if err := tx2.Commit(); err != nil {
			failed <- err
			return
		}
		seen <- n
	}()
	waitForLockWait(t, ctx, db, secondPID)

	var n int
	if err := tx1.QueryRowContext(ctx, "SELECT n FROM counter").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := tx1.ExecContext(ctx, "UPDATE counter SET n = $1", n+1); err != nil {
		t.Fatal(err)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-seen:
		if n != 1 {
			t.Errorf("the second transaction read %d, want 1: what the first committed before releasing the lock", n)
		}
	case err := <-failed:
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("the second transaction never got the lock after the first committed")
	}
	if err := db.QueryRowContext(ctx, "SELECT n FROM counter").Scan(&n); err != nil || n != 2 {
		t.Errorf("counter is %d (%v), want 2: one of two serialized increments was lost", n, err)
	}
}

// TestListenNotifyAcrossConnections: a connection listening on a channel hears what another
// connection to the same database commits, not what it rolls back, and not what is sent in
// another database.
func TestListenNotifyAcrossConnections(t *testing.T) {
	ctx := testCtx(t)
	const channel = "lbconsole_changes"
	urlA := NewDB(t)
	listener := connect(t, ctx, urlA)
	if _, err := listener.Exec(ctx, "LISTEN "+channel); err != nil {
		t.Fatal(err)
	}
	other := openSQL(t, NewDB(t))
	if _, err := other.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, "from another database"); err != nil {
		t.Fatal(err)
	}
	sender := openSQL(t, urlA)
	tx, err := sender.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, "rolled back"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	tx, err = sender.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "NOTIFY "+channel+", 'group rsp-1 at version 2'"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	n, err := listener.WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("no notification arrived: %v", err)
	}
	if n.Channel != channel || n.Payload != "group rsp-1 at version 2" {
		t.Errorf("first notification heard: %q on %q, want the committed one on %q", n.Payload, n.Channel, channel)
	}
}
