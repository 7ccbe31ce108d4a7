package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URLEnv names the environment variable that points the tests at an existing server instead
// of a throwaway cluster.
const URLEnv = "LBCONSOLE_PG_URL"

// server is where test databases are made: the throwaway cluster or the server of URLEnv.
type server struct {
	admin   *sql.DB  // creates and drops the databases
	owner   string   // the role that owns them; empty for the admin's own role
	base    *url.URL // the URL tests get, but for the database's name
	cluster *cluster // nil for the server of URLEnv

	mu        sync.Mutex
	templates []string // the databases of Templates, dropped at the end on the server of URLEnv
}

func (s *server) addTemplate(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates = append(s.templates, name)
}

var (
	mainRan atomic.Bool // Run is running the tests, and will stop the cluster

	once      sync.Once
	shared    *server
	sharedErr error
)

// Main runs the package's tests, stops the cluster and exits with the tests' status. Call it
// from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the package's tests, stops the cluster and returns the tests' status, for a TestMain
// that has more to do than Main does. Stopping is part of the result: a cluster that would not
// stop fails the run.
func Run(m *testing.M) int {
	mainRan.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func shutdown() error {
	if shared == nil {
		return nil
	}
	if shared.cluster != nil {
		return shared.cluster.stop()
	}
	// A server of one's own outlives the tests: their templates are dropped from it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	for _, name := range shared.templates {
		err = errors.Join(err, shared.drop(ctx, name))
	}
	return errors.Join(err, shared.admin.Close())
}

// NewDB creates an empty database for the test and returns its URL, for pgx.Connect or
// sql.Open("pgx", url). The database is dropped when the test ends, with any connection the
// test left open to it. The first call starts the cluster. Without PostgreSQL on the machine
// the test is skipped, or fails when the environment has CI=true.
func NewDB(tb testing.TB) string {
	tb.Helper()
	return newDB(tb, server1(tb), "")
}

// newDB creates a database for tb, empty or a copy of template, and drops it at tb's end.
func newDB(tb testing.TB, s *server, template string) string {
	tb.Helper()
	name := dbName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	began := time.Now()
	if err := s.create(ctx, name, template); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("pgtest: created database %s in %s", name, time.Since(began).Round(time.Microsecond))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.drop(ctx, name); err != nil {
			tb.Error(err)
		}
	})
	return s.url(name)
}

// create creates the database name, empty or, when template is not empty, as a copy of it.
func (s *server) create(ctx context.Context, name, template string) error {
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if s.owner != "" {
		create += " OWNER " + pgx.Identifier{s.owner}.Sanitize()
	}
	if _, err := s.admin.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("pgtest: unable to create database %s: %w", name, err)
	}
	return nil
}

// drop drops the database, ending the connections a test left open to it (a store it did not
// close, a pool's idle connections), which would otherwise make the drop fail.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: unable to drop database %s: %w", name, err)
	}
	return nil
}

func (s *server) url(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// server1 returns the one server of this test binary, starting it on first use. It skips or
// fails tb when there is none, and fails it when TestMain would not stop the cluster.
func server1(tb testing.TB) *server {
	tb.Helper()
	if !mainRan.Load() {
		tb.Fatal("pgtest: this package's TestMain must call pgtest.Main(m) or pgtest.Run(m), so that the cluster is stopped when its tests end")
	}
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, sharedErr = openServer(ctx, tb)
	})
	if sharedErr != nil {
		fail(tb, sharedErr)
	}
	return shared
}

// fail ends tb for a server that could not be had: a machine without PostgreSQL skips the
// test, but CI must run it, and a server that fails to start is a failure everywhere.
func fail(tb testing.TB, err error) {
	tb.Helper()
	switch {
	case errors.Is(err, errNoServer) && os.Getenv("CI") == "true":
		tb.Fatalf("%v (CI=true: the PostgreSQL tests must run in CI, not be skipped)", err)
	case errors.Is(err, errNoServer):
		tb.Skip(err)
	default:
		tb.Fatal(err)
	}
}

// openServer connects to the server of URLEnv if it is set, or else starts a throwaway
// cluster, and says in tb's log how long that took.
func openServer(ctx context.Context, tb testing.TB) (*server, error) {
	if raw := os.Getenv(URLEnv); raw != "" {
		return openExternal(ctx, raw)
	}
	bins, err := findBinaries()
	if err != nil {
		return nil, err
	}
	acct, err := clusterAccount()
	if err != nil {
		return nil, err
	}
	c, err := startCluster(ctx, bins, acct)
	if err != nil {
		return nil, err
	}
	for _, dir := range c.swept {
		tb.Logf("pgtest: removed %s, left behind by a test binary that died", dir)
	}
	tb.Logf("pgtest: PostgreSQL %s ready at 127.0.0.1:%d in %s (initdb %s, start %s); files and log in %s",
		bins.version, c.port, (c.initdbTook + c.startTook).Round(time.Millisecond),
		c.initdbTook.Round(time.Millisecond), c.startTook.Round(time.Millisecond), c.dir)
	base := &url.URL{Scheme: "postgres", User: url.User(testRole), Host: fmt.Sprintf("127.0.0.1:%d", c.port), RawQuery: "sslmode=disable"}
	return &server{admin: c.admin, owner: testRole, base: base, cluster: c}, nil
}

// openExternal connects to the server at raw, which must take DROP DATABASE … WITH (FORCE).
func openExternal(ctx context.Context, raw string) (*server, error) {
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return nil, fmt.Errorf("pgtest: %s must be a postgres:// URL, such as postgres://me@127.0.0.1:5432/postgres?sslmode=disable", URLEnv)
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		return nil, fmt.Errorf("pgtest: unable to use %s: %w", URLEnv, err)
	}
	var version int
	if err := admin.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		admin.Close()
		return nil, fmt.Errorf("pgtest: unable to connect to the server of %s: %w", URLEnv, err)
	}
	if version < minMajor*10000 {
		admin.Close()
		return nil, fmt.Errorf("pgtest: the server of %s runs PostgreSQL %d.%d: %d or later is needed", URLEnv, version/10000, version%10000, minMajor)
	}
	return &server{admin: admin, base: base}, nil
}

// dbName makes a database name from the test's name, recognisable in the server's log and
// unique across test binaries that share a server.
func dbName(test string) string {
	var b strings.Builder
	b.WriteString("pgtest_")
	for _, r := range strings.ToLower(test) {
		if b.Len() >= 48 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	return b.String() + "_" + hex.EncodeToString(suffix[:]) // at most 57 bytes of the 63 allowed
}
