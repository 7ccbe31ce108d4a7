package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/internal/pgtest"
	"lbconsole/lb"
)

// What only PostgreSQL has: its schema, its migrations under a lock, writes serialized across
// stores by the advisory lock, its error codes. These run whatever LBCONSOLE_TEST_DB says.

// columnsOf lists each table's columns in order, "table: col, col, …", from a query that
// returns (table, column) rows in that order.
func columnsOf(t *testing.T, q queryer, query string) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	var tables []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		if cols[table] == nil {
			tables = append(tables, table)
		}
		cols[table] = append(cols[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, table := range tables {
		out = append(out, table+": "+strings.Join(cols[table], ", "))
	}
	return out
}

// TestPostgresSchemaMatchesSQLite holds the two translations of the migrations to the same
// tables with the same columns in the same order: the store's statements, and `console
// migrate`, depend on it.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	t.Parallel()
	lite := openAt(t, t.TempDir()+"/lbconsole.db", Options{})
	pg, _ := pgDB(t, Options{})
	want := columnsOf(t, lite.read, `SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid`)
	got := columnsOf(t, pg.read, `SELECT table_name::text, column_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' ORDER BY table_name COLLATE "C", ordinal_position`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL's tables differ from SQLite's:\n got %q\nwant %q", got, want)
	}
	// Text compares and sorts as in SQLite whatever the cluster's locale, and integers are
	// SQLite's 64 bits: a translated migration that forgets either is found here.
	for _, q := range []struct{ query, why string }{
		{`SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema()
			AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C' AND table_name <> 'schema_migrations'`, `is text without COLLATE "C"`},
		{`SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema()
			AND data_type IN ('integer', 'smallint', 'character varying', 'boolean', 'timestamp with time zone')`, "is not BIGINT, TEXT or BYTEA, as SQLite's types are translated"},
	} {
		bad, err := queryStrings(context.Background(), pg.read, q.query)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range bad {
			t.Errorf("column %s %s", col, q.why)
		}
	}
	steps, err := loadMigrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, pg, "SELECT count(*) FROM schema_migrations"); n != len(steps) {
		t.Errorf("schema_migrations records %d steps; want %d", n, len(steps))
	}
}

// TestPostgresConcurrentOpens starts three stores at once on an empty database, as three
// replicas starting together do: each migration step is applied once, and all three open.
func TestPostgresConcurrentOpens(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t)
	steps, err := loadMigrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	stores := make([]*DB, 3)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := Open(context.Background(), url, Options{Key: testKey})
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				return
			}
			stores[i] = d
			t.Cleanup(func() { d.Close() })
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, q := range []struct {
		query string
		want  int
	}{
		{"SELECT count(*) FROM schema_migrations", len(steps)},
		{"SELECT count(DISTINCT version) FROM schema_migrations", len(steps)},
		{"SELECT count(*) FROM key_checks", 1},
		{"SELECT count(*) FROM readiness_probe", 1},
	} {
		if n := count(t, stores[0], q.query); n != q.want {
			t.Errorf("%s = %d; want %d", q.query, n, q.want)
		}
	}
	if _, err := stores[2].CreateUser(context.Background(), testOrigin, "ann", lb.RoleAdmin, "h"); err != nil {
		t.Errorf("the third store cannot write: %v", err)
	}
}

// TestPostgresWritesTakeTurns writes from two stores on one database at once, as two replicas
// do: batches on one group and refusals that touch no group, all appending to the one audit
// chain. Every write applies on the state the one before it left: versions move once per
// batch, and the chain holds one row per write, numbered without gaps or forks.
func TestPostgresWritesTakeTurns(t *testing.T) {
	t.Parallel()
	const workers, writes = 8, 10
	ctx := context.Background()
	url := seededPG.NewDB(t)
	stores := []*DB{openAt(t, url, Options{}), openAt(t, url, Options{})}
	small := smallGroup(t, stores[0])
	ms := members(t, stores[0], small.Group.ID)
	start := groupVersion(t, stores[0], small)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := stores[w%2]
			for i := range writes {
				var err error
				if w < workers/2 {
					_, err = d.ApplyBatch(ctx, weightReq(small, fmt.Sprintf("worker-%d", w), ms[w].ID, 1+i%2))
				} else {
					_, err = d.RecordRefusal(ctx, BatchRequest{Actor: fmt.Sprintf("worker-%d", w), Source: SourceSLBAPI}, "InvalidParameter", "refused")
				}
				if err != nil {
					t.Errorf("worker %d write %d: %v", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	if got, want := groupVersion(t, stores[1], small), start+workers/2*writes; got != want {
		t.Errorf("group version = %d; want %d, one step per batch", got, want)
	}
	r := mustVerify(t, stores[1])
	if !r.OK() || r.Rows != workers*writes {
		t.Errorf("VerifyAudit = %+v; want OK with %d rows", r, workers*writes)
	}
}

// TestPostgresAuditCannotFork writes, as something that skipped the write lock would, a second
// row after an audit row that already has one: the database refuses it.
func TestPostgresAuditCannotFork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := pgDB(t, Options{})
	for range 2 {
		if _, err := d.RecordRefusal(ctx, BatchRequest{Actor: "ann", Source: SourceConsole}, "InvalidParameter", "no"); err != nil {
			t.Fatal(err)
		}
	}
	first := getAudit(t, d, 1)
	fork := first
	fork.Seq = 3
	fork.Hash = d.chainHash(fork)
	_, err := d.write.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		fork.Seq, formatTime(fork.Time), fork.Actor, fork.Source, fork.ClientIP, fork.RequestID, fork.Action, fork.Region,
		fork.LoadBalancer, fork.Group, fork.Outcome, fork.Message, fork.Count, fork.Servers, fork.Request, fork.Before,
		fork.After, fork.GroupVersion, fork.Reverts, fork.PrevHash, fork.Hash)
	if constraintKind(err) != lb.KindConflict {
		t.Errorf("a second successor of row 1: err = %v; want a unique violation", err)
	}
}

// TestPostgresReadsAreSnapshots shows that a read transaction sees one state throughout,
// whatever commits meanwhile, as SQLite's WAL readers do: a page and its count agree.
func TestPostgresReadsAreSnapshots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, url := pgDB(t, Options{})
	other := openAt(t, url, Options{})
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var before, after int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&before); err != nil {
			return err
		}
		if _, err := other.CreateUser(ctx, testOrigin, "ann", lb.RoleAdmin, "h"); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&after); err != nil {
			return err
		}
		if after != before {
			t.Errorf("one read transaction counted %d users, then %d: want one snapshot", before, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.CountUsers(ctx); err != nil || n != 1 {
		t.Errorf("after the read: CountUsers = %d, %v; want 1", n, err)
	}
}

// TestPostgresErrors shows PostgreSQL's errors mapped to the same kinds as SQLite's, and a
// server that cannot take writes reported as unavailable.
func TestPostgresErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := pgDB(t, Options{})
	exec := func(q string) error {
		_, err := d.write.ExecContext(ctx, q)
		return err
	}
	if err := exec("INSERT INTO users (name, role, password_hash, created) VALUES ('ann', 'admin', 'x', '')"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		err  error
		want lb.Kind
	}{
		{"UniqueIsAConflict", exec("INSERT INTO users (name, role, password_hash, created) VALUES ('ann', 'admin', 'x', '')"), lb.KindConflict},
		{"ForeignKeyIsNotFound", exec("INSERT INTO sessions (id_hash, user_id, created, last_seen, expires) VALUES ('h', 999, '', '', '')"), lb.KindNotFound},
		{"CheckIsInvalid", exec("INSERT INTO users (name, role, password_hash, created) VALUES ('bob', 'king', 'x', '')"), lb.KindInvalid},
		{"NotNullIsInvalid", exec("INSERT INTO users (name, role, password_hash, created) VALUES ('bob', 'admin', NULL, '')"), lb.KindInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := constraintKind(tt.err); got != tt.want {
				t.Errorf("constraintKind(%v) = %q; want %q", tt.err, got, tt.want)
			}
		})
	}
	t.Run("AReadOnlyServerIsUnavailable", func(t *testing.T) {
		_, err := d.read.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('xx', 'nowhere')")
		if err == nil || !IsUnavailable(err) {
			t.Errorf("a write to a read-only connection: err = %v; IsUnavailable = %v, want true", err, IsUnavailable(err))
		}
	})
	t.Run("AServerThatCannotBeReachedIsUnavailable", func(t *testing.T) {
		_, err := Open(ctx, "postgres://lbconsole:secret@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=5", Options{Key: testKey})
		if err == nil || !IsUnavailable(err) {
			t.Errorf("Open on a closed port: err = %v; IsUnavailable = %v, want true", err, IsUnavailable(err))
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	})
	t.Run("AConnectionEndedMidTransactionIsUnavailable", func(t *testing.T) {
		err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
			var pid int
			if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				return err
			}
			// As a server restarting, or an administrator, would end it.
			if _, err := d.read.ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
				t.Fatal(err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('xx', 'nowhere')")
			return err
		})
		if err == nil || !IsUnavailable(err) {
			t.Errorf("a write whose connection was ended: err = %v; IsUnavailable = %v, want true", err, IsUnavailable(err))
		}
		if n := count(t, d, "SELECT count(*) FROM regions WHERE id = 'xx'"); n != 0 {
			t.Errorf("the ended transaction left %d regions", n)
		}
		if _, err := d.CreateUser(ctx, testOrigin, "after-the-end", lb.RoleViewer, "h"); err != nil {
			t.Errorf("a write after the connection ended: %v; want the pool to have moved on to a new one", err)
		}
	})
	t.Run("AnAppendOnlyRefusalIsNoKind", func(t *testing.T) {
		if _, err := d.RecordRefusal(ctx, BatchRequest{Actor: "ann", Source: SourceConsole}, "InvalidParameter", "no"); err != nil {
			t.Fatal(err)
		}
		err := exec("TRUNCATE audit_log")
		if err == nil || !strings.Contains(err.Error(), "append-only") || constraintKind(err) != "" || IsUnavailable(err) {
			t.Errorf("TRUNCATE audit_log: err = %v; want an append-only error of no kind", err)
		}
	})
}

// TestPostgresWrongKey refuses a second console whose key is not the one the database was
// made with, before it writes anything.
func TestPostgresWrongKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, url := pgDB(t, Options{})
	if _, err := d.RecordRefusal(ctx, BatchRequest{Actor: "ann", Source: SourceConsole}, "InvalidParameter", "no"); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, url, Options{Key: []byte(strings.Repeat("x", 32))})
	if !errors.Is(err, ErrWrongKey) {
		if other != nil {
			other.Close()
		}
		t.Fatalf("Open with another key = %v; want ErrWrongKey", err)
	}
	if r := mustVerify(t, d); !r.OK() || r.Rows != 1 {
		t.Errorf("VerifyAudit after the refused start = %+v; want OK with 1 row", r)
	}
}

// TestPostgresURL covers what Open reads from a PostgreSQL URL beyond pgx's settings.
func TestPostgresURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := migratedPG.NewDB(t)
	t.Run("PoolMaxConns", func(t *testing.T) {
		d := openAt(t, url+"&pool_max_conns=5", Options{})
		if got := d.write.Stats().MaxOpenConnections + d.read.Stats().MaxOpenConnections + 1; got != 5 {
			t.Errorf("pool_max_conns=5 opened pools of %d connections in all; want 5", got)
		}
	})
	t.Run("ErrPoolMaxConns", func(t *testing.T) {
		_, err := Open(ctx, url+"&pool_max_conns=two", Options{Key: testKey})
		if err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
			t.Errorf("Open with pool_max_conns=two: %v; want an error naming pool_max_conns", err)
		}
	})
}

func TestIsPostgresAndRedacted(t *testing.T) {
	for _, tt := range []struct {
		dsn      string
		postgres bool
		shown    string
	}{
		{"lbconsole.db", false, "lbconsole.db"},
		{"/var/lib/lbconsole/postgres.db", false, "/var/lib/lbconsole/postgres.db"},
		{"file:x.db", false, "file:x.db"},
		{"postgres://console:s3cret@db.internal:5432/lbconsole", true, "postgres://console:xxxxx@db.internal:5432/lbconsole"},
		{"postgresql://console@db/lbconsole?sslmode=require", true, "postgresql://console@db/lbconsole?sslmode=require"},
		{"POSTGRES://db/lbconsole", true, "postgres://db/lbconsole"},
	} {
		if got := IsPostgres(tt.dsn); got != tt.postgres {
			t.Errorf("IsPostgres(%q) = %v; want %v", tt.dsn, got, tt.postgres)
		}
		if got := Redacted(tt.dsn); got != tt.shown {
			t.Errorf("Redacted(%q) = %q; want %q", tt.dsn, got, tt.shown)
		}
	}
}

// TestPostgresHungWriterLosesTheLock holds the write lock in a transaction that then goes
// idle, as a console cut off by the network or hung would: the server ends that transaction
// (after idle_in_transaction_session_timeout, a minute unless the URL says otherwise; a second
// here), so that the other consoles' writes go on.
func TestPostgresHungWriterLosesTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := migratedPG.NewDB(t)
	hung := openAt(t, url+"&idle_in_transaction_session_timeout=1s", Options{})
	other := openAt(t, url, Options{})
	tx, err := hung.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, postgresDialect.writeLock, writeLockKey); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := other.CreateUser(wait, testOrigin, "ann", lb.RoleAdmin, "h"); err != nil {
		t.Fatalf("a write on another console while one hangs holding the lock: %v; want it to go through once the server ends the hung transaction", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('xx', 'nowhere')"); err == nil || !IsUnavailable(err) {
		t.Errorf("the hung transaction, woken: err = %v; want it ended, unavailable", err)
	}
}

// TestPostgresWriteTurnHonoursTheContext: a write waiting for its console's turn gives up when
// its request does, rather than wait on for a long write ahead of it.
func TestPostgresWriteTurnHonoursTheContext(t *testing.T) {
	t.Parallel()
	d, _ := pgDB(t, Options{})
	d.writeTurn <- struct{}{} // a long write transaction of this console is under way
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := d.CreateUser(ctx, testOrigin, "ann", lb.RoleAdmin, "h")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a write behind a long one, its request gone: %v; want the request's deadline", err)
	}
	<-d.writeTurn // the long one ends
	if _, err := d.CreateUser(context.Background(), testOrigin, "ann", lb.RoleAdmin, "h"); err != nil {
		t.Errorf("the next write: %v", err)
	}
}
