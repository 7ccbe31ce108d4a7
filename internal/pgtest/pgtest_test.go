package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// TestMain runs nothing under -short: every test here is about a throwaway cluster, which
// -short does not start.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("pgtest: -short: these tests run without -short, as CI runs them")
		os.Exit(0)
	}
	Main(m)
}

// testCtx bounds a test's calls to the server.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func connect(t *testing.T, ctx context.Context, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("pgx.Connect(%s): %v", dbURL, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func openSQL(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatalf(`sql.Open("pgx", %s): %v`, dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dbNameOf(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("NewDB returned %q, not a URL: %v", dbURL, err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// TestNewDBConnectsWithPgx: the URL takes pgx.Connect to a new, empty database that the
// connection's role owns and can build a schema in, without being a superuser (on a server of
// one's own, the role is the one LBCONSOLE_PG_URL names).
func TestNewDBConnectsWithPgx(t *testing.T) {
	ctx := testCtx(t)
	dbURL := NewDB(t)
	conn := connect(t, ctx, dbURL)

	var db, role string
	var super bool
	var tables int
	err := conn.QueryRow(ctx, `SELECT current_database(), current_user, rolsuper,
		(SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public')
		FROM pg_roles WHERE rolname = current_user`).Scan(&db, &role, &super, &tables)
	if err != nil {
		t.Fatal(err)
	}
	if db != dbNameOf(t, dbURL) {
		t.Errorf("connected to database %s, want %s", db, dbNameOf(t, dbURL))
	}
	if super && shared.cluster != nil {
		t.Errorf("tests connect as %s, a superuser: the store could come to need rights it will not have", role)
	}
	if tables != 0 {
		t.Errorf("the new database has %d tables, want none", tables)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body TEXT NOT NULL)"); err != nil {
		t.Fatalf("the test's role cannot create a table in its database: %v", err)
	}
	var id int64
	if err := conn.QueryRow(ctx, "INSERT INTO notes (body) VALUES ($1) RETURNING id", "hello").Scan(&id); err != nil || id != 1 {
		t.Fatalf("insert returned id %d, %v; want 1, nil", id, err)
	}
}

// TestNewDBConnectsWithDatabaseSQL: the same URL works with database/sql and pgx's stdlib
// driver, which the store uses, in transactions too.
func TestNewDBConnectsWithDatabaseSQL(t *testing.T) {
	ctx := testCtx(t)
	db := openSQL(t, NewDB(t))
	if _, err := db.ExecContext(ctx, "CREATE TABLE kv (k TEXT PRIMARY KEY, v BYTEA NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO kv (k, v) VALUES ($1, $2)", "key", []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var v []byte
	if err := db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = $1", "key").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if string(v) != "\x00\x01\x02" {
		t.Errorf("read back %q, want the bytes written", v)
	}
}

// TestDatabasesAreIsolated: two databases of one test are distinct: what one holds, the other
// does not see.
func TestDatabasesAreIsolated(t *testing.T) {
	ctx := testCtx(t)
	urlA, urlB := NewDB(t), NewDB(t)
	if urlA == urlB || dbNameOf(t, urlA) == dbNameOf(t, urlB) {
		t.Fatalf("two calls returned the same database: %s and %s", urlA, urlB)
	}
	a, b := connect(t, ctx, urlA), connect(t, ctx, urlB)
	if _, err := a.Exec(ctx, "CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var found *string
	if err := b.QueryRow(ctx, "SELECT to_regclass('only_in_a')::text").Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found != nil {
		t.Errorf("database B sees table %s that was made in database A", *found)
	}
	if _, err := b.Exec(ctx, "CREATE TABLE only_in_a (y text)"); err != nil {
		t.Errorf("database B cannot make a table of the same name as A's: %v", err)
	}
}

// TestDatabaseDroppedAtCleanup: the database goes when its test ends, even though the test
// left a connection open to it.
func TestDatabaseDroppedAtCleanup(t *testing.T) {
	ctx := testCtx(t)
	var name string
	var leftOpen *pgx.Conn
	t.Run("leaves a connection open", func(t *testing.T) {
		dbURL := NewDB(t)
		name = dbNameOf(t, dbURL)
		var err error
		if leftOpen, err = pgx.Connect(ctx, dbURL); err != nil {
			t.Fatal(err)
		}
	})
	if leftOpen == nil {
		t.Skip("the subtest made no database: there is no PostgreSQL")
	}
	defer leftOpen.Close(ctx)
	var n int
	if err := shared.admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
	if err := leftOpen.Ping(ctx); err == nil {
		t.Errorf("the connection the test left open to %s still works", name)
	}
}

// TestDBNamesAreValidAndUnique: names made from any test name are lower-case identifiers
// within PostgreSQL's 63 bytes, and differ for the same test.
func TestDBNamesAreValidAndUnique(t *testing.T) {
	long := "TestSomething/with_a_very_long_subtest_name_that_goes_on_and_on/Ünïcode and spaces"
	a, b := dbName(long), dbName(long)
	if a == b {
		t.Errorf("dbName gave %s twice for one test", a)
	}
	for _, n := range []string{a, b, dbName("T")} {
		if len(n) > 63 {
			t.Errorf("%s is %d bytes: PostgreSQL cuts names at 63", n, len(n))
		}
		if strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("%s holds characters other than lower-case letters, digits and _", n)
		}
	}
}

// TestURLEnvRefusesAnythingButAURL: a mistyped LBCONSOLE_PG_URL is refused with a message
// naming it, rather than tests running somewhere unexpected.
func TestURLEnvRefusesAnythingButAURL(t *testing.T) {
	_, err := openExternal(testCtx(t), "host=127.0.0.1 dbname=postgres")
	if err == nil || !strings.Contains(err.Error(), URLEnv) {
		t.Errorf("openExternal of a keyword/value string: %v, want an error naming %s", err, URLEnv)
	}
	if errors.Is(err, errNoServer) {
		t.Errorf("a bad %s would be skipped rather than fail: %v", URLEnv, err)
	}
}

// TestClusterTakesManyConnections: consoles sharing the database each hold a writer, a pool of
// readers and a probe, and the tests connect besides: the cluster takes 120 connections at
// once, more than PostgreSQL's default of 100 would.
func TestClusterTakesManyConnections(t *testing.T) {
	if os.Getenv(URLEnv) != "" {
		t.Skipf("the server of %s has its own limit", URLEnv)
	}
	ctx := testCtx(t)
	db := openSQL(t, NewDB(t))
	const n = 120
	conns := make([]*sql.Conn, n)
	var g errgroup.Group
	g.SetLimit(8)
	for i := range conns {
		g.Go(func() error {
			c, err := db.Conn(ctx)
			if err != nil {
				return fmt.Errorf("connection %d of %d: %w", i+1, n, err)
			}
			conns[i] = c
			return nil
		})
	}
	err := g.Wait()
	for _, c := range conns {
		if c != nil {
			defer c.Close()
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	var open int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open < n {
		t.Errorf("%d connections to the database, want at least %d", open, n)
	}
}
