package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"
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

// server1 returns the one server of this test binary, starting it on first use. It skips or
// fails tb when there is none, and fails it when TestMain would not stop the cluster.
func server1(tb testing.TB) *server {
	tb.Helper()
	if testing.Short() && os.Getenv(URLEnv) == "" {
		tb.Skip("-short: the tests on a throwaway PostgreSQL cluster run without -short, as CI runs them")
	}
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
