// Package pgtest gives a test a fresh, empty PostgreSQL database, so that the store's tests can
// run against PostgreSQL as well as SQLite.
//
// Each test binary that uses it starts one throwaway cluster of its own (initdb is too slow to
// run per test) the first time a test asks for a database, and every test then gets a database
// of its own in it, dropped when the test ends:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.NewDB(t) // postgres://lbconsole@127.0.0.1:PORT/pgtest_…?sslmode=disable
//		…
//	}
//
// A package whose TestMain does more calls pgtest.Run(m) instead of m.Run(): either way the
// cluster is stopped and its files removed when the tests are done. NewDB refuses to run
// without it.
//
// A test that needs a schema rather than an empty database gets a copy of a Template, filled
// once per test binary (a copy costs no more than an empty database):
//
//	var migrated = pgtest.NewTemplate(func(ctx context.Context, url string) error {
//		… open the store on url, which migrates it, and close it …
//	})
//
//	url := migrated.NewDB(t)
//
// # The throwaway cluster
//
// The server's own binaries are used: initdb and postgres from the PATH or, as Debian installs
// them, from /usr/lib/postgresql/VERSION/bin (the newest). The cluster lives in a directory
// lbconsole-pgtest-* under the temporary directory: the data directory, the unix socket, the
// server's log (postgres.log, worth reading when a test fails). The server listens on the
// socket and on a free port of 127.0.0.1 only, trusts local connections without a password,
// and is tuned for tests (no fsync, no synchronous commit, no full-page writes, small shared
// buffers, no autovacuum, 200 connections: enough for several consoles, each with its pools).
// Its locale is C, so text sorts and compares byte by byte, as in SQLite.
//
// Tests connect as lbconsole, an ordinary role that owns its database, never as a superuser:
// the store cannot come to depend on rights it will not have in production.
//
// PostgreSQL refuses to run as root, and tests here and in CI do run as root: then initdb and
// the server run as the postgres user (made by Debian's package), and the cluster's directory
// belongs to it.
//
// No server outlives its test binary. The server runs as a child of the binary with a
// parent-death signal (SIGQUIT, PostgreSQL's immediate shutdown), so that a binary that
// panics, times out or is killed takes its server and the server's processes with it. The
// files of such a cluster are removed by the next run that starts one.
//
// # Running the tests
//
// Locally, with Debian's postgresql package installed (apt-get install postgresql; nothing
// needs to be configured, and the system's own cluster, if any, is neither used nor touched),
// go test runs the PostgreSQL tests too. Without the binaries they are skipped, with a message
// saying why, unless CI=true is set: then they fail, so that CI cannot pass without having run
// them. CI therefore needs only the package, which .ci/run installs as it does chromium, when
// /usr/lib/postgresql/*/bin/initdb is missing (Debian puts neither initdb nor postgres on the
// PATH):
//
//	apt-get install -y -qq postgresql
//
// (postgresql-15 on Debian 12: the server's programs are in the postgresql-NN package; the
// client alone is not enough. The package makes a cluster of its own, which the tests leave
// alone.)
//
// To use a server of one's own instead, set LBCONSOLE_PG_URL to a URL of it, such as
// postgres://me@127.0.0.1:5432/postgres?sslmode=disable, whose role may create databases:
// each test then creates its database there (owned by that role) and drops it at its end, and
// no cluster is started. The databases are named pgtest_*; those of a killed run stay behind.
package pgtest
