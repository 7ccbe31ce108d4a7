package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL several consoles share one database. Every write transaction begins by taking
// one advisory lock, held until it commits or rolls back, so that writes are serialized across
// every console exactly as SQLite's one writer serializes them within one: a transaction that
// reads and then writes (plan a batch, append to the audit chain) sees nothing change under
// it, and two consoles can never both append after the same audit row. Reads run in their own
// REPEATABLE READ READ ONLY transactions, one snapshot each, and never wait for writers.

// Advisory lock keys, one per purpose, the same in every console ("lbcwrite", "lbcmigra").
const (
	writeLockKey   int64 = 0x6c62_6377_7269_7465
	migrateLockKey int64 = 0x6c62_636d_6967_7261
)

// IsPostgres reports whether dsn names a PostgreSQL database (postgres:// or postgresql://)
// rather than a SQLite file.
func IsPostgres(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// Redacted is dsn as it may be shown: a PostgreSQL URL without its password; a SQLite path as
// it is.
func Redacted(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

var postgresDialect = dialect{
	name:      "postgres",
	readTx:    sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	writeLock: "SELECT pg_advisory_xact_lock(?)",
}

// poolMaxConnsParam bounds a console's connections to PostgreSQL, given in the URL as pgxpool
// takes it; pgx itself would send it to the server as a setting, which the server refuses.
const poolMaxConnsParam = "pool_max_conns"

// defaultMaxConns is a console's connections to PostgreSQL when the URL does not say: three
// consoles take 33 of the server's default 100.
const defaultMaxConns = 10

// defaultConnectTimeout bounds a new connection to PostgreSQL when the URL does not.
const defaultConnectTimeout = 10 * time.Second

// openPostgres connects the store's pools to the database at dsn and brings its schema up to
// date. Of maxConns connections a quarter write (writes take turns anyway), one answers the
// readiness probe, and the rest read.
func (d *DB) openPostgres(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("db: unable to use the PostgreSQL URL %s: %w", Redacted(dsn), err)
	}
	maxConns, err := takeMaxConns(cfg)
	if err != nil {
		return fmt.Errorf("db: unable to use the PostgreSQL URL %s: %w", Redacted(dsn), err)
	}
	if cfg.ConnectTimeout == 0 {
		// A server that does not answer (a host that is down) makes a request fail in
		// seconds, not after the system's minutes of TCP retries. connect_timeout in the URL
		// says otherwise.
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	// The store's LIKE … ESCAPE '\' means one backslash only with standard strings, the
	// default since PostgreSQL 9.1: a server set otherwise is overruled for the store's
	// connections.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	if err := migratePostgres(ctx, cfg); err != nil {
		return err
	}
	writers := max(1, maxConns/4)
	readers := max(1, maxConns-writers-1)
	write := cfg.Copy()
	// A console that stops answering mid-transaction would hold the write lock, and every
	// console's writes would wait: the server ends such a transaction after a minute. (A
	// killed console's connections close, and the server rolls back at once; this is for a
	// console cut off by the network, or hung. No write transaction leaves its connection
	// idle for long: the largest fleet apply plans in seconds.)
	setDefault(write.RuntimeParams, "idle_in_transaction_session_timeout", "1min")
	d.write = openPool(write, writers)
	d.writeTurn = make(chan struct{}, 1)
	read := cfg.Copy()
	// As SQLite's read pool is query_only: a write through it is refused.
	read.RuntimeParams["default_transaction_read_only"] = "on"
	d.read = openPool(read, readers)
	d.ready.conn = openPool(write, 1)
	d.listenConfig = cfg.Copy()
	return nil
}

// takeWriteTurn waits until no other write transaction of this process is under way and
// returns the function that ends the turn; without writeTurn (SQLite, whose one writer
// connection already takes turns) it returns at once.
//
// On PostgreSQL write transactions take turns on the write lock anyway; waiting for the turn
// here first keeps at most one transaction per console queued on that lock in the server, and
// the others in this process, where a turn passes far more cheaply: with twelve writers,
// three stores on one database applied about 50% more batches a second this way, one store
// about 25% more (BenchmarkBatchesPerSecond). Statements outside transactions (a session's
// last use) do not wait for it.
func (d *DB) takeWriteTurn(ctx context.Context) (func(), error) {
	if d.writeTurn == nil {
		return func() {}, nil
	}
	select {
	case d.writeTurn <- struct{}{}:
		return func() { <-d.writeTurn }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// takeMaxConns removes pool_max_conns from cfg's settings and returns it, or the default.
func takeMaxConns(cfg *pgx.ConnConfig) (int, error) {
	s, ok := cfg.RuntimeParams[poolMaxConnsParam]
	if !ok {
		return max(defaultMaxConns, runtime.NumCPU()+3), nil
	}
	delete(cfg.RuntimeParams, poolMaxConnsParam)
	n, err := strconv.Atoi(s)
	if err != nil || n < 3 {
		return 0, fmt.Errorf("%s=%q: want a number of connections, 3 or more", poolMaxConnsParam, s)
	}
	return n, nil
}

func setDefault(m map[string]string, key, value string) {
	if _, ok := m[key]; !ok {
		m[key] = value
	}
}

// openPool opens a pool of at most n connections that speak the store's SQL (see rebind).
func openPool(cfg *pgx.ConnConfig, n int) *sql.DB {
	pool := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	// Connections are renewed now and then, so that a replaced server (a failover behind one
	// address) is reached again.
	pool.SetConnMaxLifetime(30 * time.Minute)
	return pool
}

// migratePostgres applies, in one transaction, the PostgreSQL migrations the database has not
// recorded in schema_migrations. The transaction first takes an advisory lock, so that several
// consoles starting at once on an empty database apply each step once: the first applies them
// all, the others wait for it and then find every step recorded.
func migratePostgres(ctx context.Context, cfg *pgx.ConnConfig) error {
	steps, err := loadMigrations("postgres")
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("db: unable to connect to PostgreSQL at %s: %w", cfg.Host, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("db: unable to begin migrating: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("db: unable to lock the schema: %w", err)
	}
	_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("db: unable to record migrations: %w", err)
	}
	applied, err := appliedMigrations(ctx, tx)
	if err != nil {
		return err
	}
	for _, m := range steps {
		if applied[m.number] {
			continue
		}
		if _, err := tx.Exec(ctx, m.body); err != nil {
			return fmt.Errorf("db: unable to apply %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)",
			m.number, strings.TrimPrefix(m.name, "migrations/"), formatTime(time.Now())); err != nil {
			return fmt.Errorf("db: unable to record %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("db: unable to commit the migrations: %w", err)
	}
	return nil
}

func appliedMigrations(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the applied migrations: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the applied migrations: %w", err)
	}
	out := make(map[int]bool, len(versions))
	for _, v := range versions {
		out[int(v)] = true
	}
	return out, nil
}

// pgConnector makes connections through pgx that take the store's SQL as it is written for
// both databases.
type pgConnector struct{ driver.Connector }

// Connect implements driver.Connector.
func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: conn.(*stdlib.Conn)}, nil
}

// pgConn is a pgx connection that rebinds each statement it is given (? to $n, LIKE to
// ILIKE) and passes booleans as the 0 and 1 that the schema stores, as SQLite does.
type pgConn struct{ *stdlib.Conn }

// PrepareContext implements driver.ConnPrepareContext.
func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

// Prepare implements driver.Conn.
func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// ExecContext implements driver.ExecerContext.
func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

// QueryContext implements driver.QueryerContext.
func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// CheckNamedValue implements driver.NamedValueChecker.
func (c *pgConn) CheckNamedValue(v *driver.NamedValue) error {
	if b, ok := v.Value.(bool); ok {
		v.Value = int64(0)
		if b {
			v.Value = int64(1)
		}
	}
	return nil
}
