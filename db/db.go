// Package db keeps lbconsole's state in SQLite, or in PostgreSQL for several consoles sharing
// one database: the inventory, load balancers, groups and members, users and sessions, and the
// audit log. It speaks SQL and the domain's terms (package lb), never HTTP.
//
// On SQLite one connection writes, opened with _txlock=immediate so that a transaction that
// reads and then writes takes the write lock up front and never fails half way with
// SQLITE_BUSY; a pool of read-only connections serves the pages. The database runs in WAL mode,
// so readers never wait for the writer. On PostgreSQL every write transaction takes one
// advisory lock first, which serializes writes across consoles the same way (postgres.go).
//
// The store's SQL is written once for both (rebind.go says how). Open picks the database from
// the DSN and sets up what differs (the pools, the dialect value that the transaction helpers
// read); no store method asks which database it runs on.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"lbconsole/auth"
)

// timeLayout is how times are stored: UTC, fixed width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Options configure Open.
type Options struct {
	// Key is the secret that the audit chain's HMAC and other derived keys come from. It must
	// be kept outside the database file.
	Key []byte
	// Now returns the current time; nil means time.Now. Tests set it to move time.
	Now func() time.Time
	// Observer, when set, hears of every batch and of the time spent waiting for the writer.
	Observer Observer
}

// Observer hears what the store does, for metrics.
type Observer interface {
	BatchDone(source, action, outcome string)
	// AuditFailed hears of a batch attempt (applied or refused) whose audit entry could not
	// be written, so that nothing of it happened and its caller was told to try again.
	AuditFailed(source, action string)
	WriteWait(time.Duration)
}

type noObserver struct{}

func (noObserver) BatchDone(string, string, string) {}
func (noObserver) AuditFailed(string, string)       {}
func (noObserver) WriteWait(time.Duration)          {}

// DB is the store.
type DB struct {
	dialect  dialect
	write    *sql.DB
	read     *sql.DB
	ready    readiness
	auditKey []byte
	sealKey  []byte // seals the SLB API secrets
	observe  Observer
	now      func() time.Time

	// writeTurn, when set, lets one write transaction of this process at a time begin: see
	// takeWriteTurn.
	writeTurn chan struct{}
	listener  atomic.Pointer[listenerBox]
	// listenConfig, on PostgreSQL, connects WatchChanges; origin names this store in the
	// notices it sends (see notifyOthers).
	listenConfig *pgx.ConnConfig
	origin       string
}

// Open opens the store at dsn and brings its schema up to date: a postgres:// or
// postgresql:// URL is a PostgreSQL database (see IsPostgres), anything else the path of a
// SQLite file, created if needed. It refuses, with ErrWrongKey, a key other than the one the
// database was made with.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if len(opts.Key) < 32 {
		return nil, errors.New("db: unable to open: the key must be at least 32 bytes")
	}
	d := &DB{auditKey: auth.DeriveKey(opts.Key, "audit-chain"), sealKey: auth.DeriveKey(opts.Key, "api-secrets"), now: opts.Now, origin: newOrigin()}
	if d.now == nil {
		d.now = time.Now
	}
	d.observe = opts.Observer
	if d.observe == nil {
		d.observe = noObserver{}
	}
	open := d.openSQLite
	if IsPostgres(dsn) {
		d.dialect, open = postgresDialect, d.openPostgres
	}
	if err := open(ctx, dsn); err != nil {
		d.Close()
		return nil, err
	}
	// Every caller (server, command line, tests) is refused a wrong key here, before it can
	// write anything under it.
	if err := d.checkKey(ctx, opts.Key); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// dialect is what the store does differently on each database.
type dialect struct {
	name string
	// readTx are the options of a read transaction: one snapshot, no writes.
	readTx sql.TxOptions
	// writeLock, when set, is the statement every write transaction runs first, with
	// writeLockKey, to take its turn among all writers.
	writeLock string
}

var sqliteDialect = dialect{name: "sqlite", readTx: sql.TxOptions{ReadOnly: true}}

// openSQLite opens the pools on the SQLite file at path and migrates it.
func (d *DB) openSQLite(ctx context.Context, path string) error {
	d.dialect = sqliteDialect
	write, err := sql.Open("sqlite", dsn(path, false, busyTimeout))
	if err != nil {
		return fmt.Errorf("db: unable to open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	d.write = write
	if err := d.migrate(ctx); err != nil {
		return err
	}
	read, err := sql.Open("sqlite", dsn(path, true, busyTimeout))
	if err != nil {
		return fmt.Errorf("db: unable to open %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	d.read = read
	return d.ready.open(path)
}

// writerCacheKiB is the page cache of the writer connection, in KiB.
const writerCacheKiB = 64 << 10

// busyTimeout is how long a connection waits for another's write lock before it gives up.
const busyTimeout = 5 * time.Second

func dsn(path string, readOnly bool, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// The one writer keeps up to 64 MiB of pages: a fleet apply of 100,000 servers
		// dirties more than SQLite's default 2 MiB holds, and spilling them cost it 60% of
		// its time.
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -writerCacheKiB))
	}
	// SQLite decodes the URI, so the path is escaped: "#", "?" and "%" in a file name stay there.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes every pool. WAL contents are checkpointed by SQLite when the last connection
// closes.
func (d *DB) Close() error {
	var errs []error
	for _, pool := range []*sql.DB{d.read, d.write} {
		if pool != nil {
			errs = append(errs, pool.Close())
		}
	}
	return errors.Join(append(errs, d.ready.close())...)
}

// inWriteTx runs fn in a write transaction, its turn among writers taken up front (an
// immediate transaction on SQLite's writer, the write lock on PostgreSQL), and commits if fn
// returns nil.
func (d *DB) inWriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now()
	release, err := d.takeWriteTurn(ctx)
	if err != nil {
		d.observe.WriteWait(time.Since(start))
		return fmt.Errorf("db: unable to begin: %w", err)
	}
	defer release()
	tx, err := d.write.BeginTx(ctx, nil)
	if err == nil && d.dialect.writeLock != "" {
		if _, err = tx.ExecContext(ctx, d.dialect.writeLock, writeLockKey); err != nil {
			tx.Rollback()
		}
	}
	d.observe.WriteWait(time.Since(start))
	if err != nil {
		return fmt.Errorf("db: unable to begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: unable to commit: %w", err)
	}
	return nil
}

// inReadTx runs fn in a read transaction, so that what it reads is one consistent snapshot.
func (d *DB) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.read.BeginTx(ctx, &d.dialect.readTx)
	if err != nil {
		return fmt.Errorf("db: unable to begin reading: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

// queryer is what both *sql.DB and *sql.Tx offer, so that helpers run inside or outside a
// transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
