package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"lbconsole/internal/pgtest"
)

// The store's tests run on SQLite files, or, with LBCONSOLE_TEST_DB=postgres, on PostgreSQL
// databases in a throwaway cluster (internal/pgtest): emptyDB and seededDB give each test a
// database of the backend chosen, so that every test of the store's behaviour runs on both.
// CI runs the package both ways. Tests of what only one backend has (SQLite's files and
// pragmas, PostgreSQL's advisory locks) run whatever the variable says.

// testDBEnv names the variable that chooses the backend of emptyDB and seededDB.
const testDBEnv = "LBCONSOLE_TEST_DB"

// onPostgres reports whether the tests' databases are PostgreSQL's.
func onPostgres() bool { return os.Getenv(testDBEnv) == "postgres" }

// sqliteOnly skips a test about something that only SQLite has, when the tests run on
// PostgreSQL; why names it.
func sqliteOnly(t *testing.T, why string) {
	t.Helper()
	if onPostgres() {
		t.Skipf("SQLite only (%s); the tests run on PostgreSQL", why)
	}
}

// migratedPG is an empty PostgreSQL database with the store's schema, copied for each test:
// what Open makes of a new database, but for the key check, which the test's own Open stores
// for the key it gives (as it would on a new SQLite file).
var migratedPG = pgtest.NewTemplate(func(ctx context.Context, url string) error {
	d, err := Open(ctx, url, Options{Key: testKey})
	if err != nil {
		return err
	}
	_, err = d.write.ExecContext(ctx, "DELETE FROM key_checks")
	return errors.Join(err, d.Close())
})

// seededPG is a PostgreSQL database holding the demo data, copied for each test.
var seededPG = pgtest.NewTemplate(func(ctx context.Context, url string) error {
	d, err := Open(ctx, url, Options{Key: testKey})
	if err != nil {
		return err
	}
	seeded, err := SeedDemoForTests(ctx, d)
	if err == nil && !seeded {
		err = errors.New("demo.Seed on an empty database reported false")
	}
	return errors.Join(err, d.Close())
})

// pgDB opens a new, migrated PostgreSQL database for a test about PostgreSQL itself, whatever
// the backend of the other tests; it returns the store and its URL.
func pgDB(t *testing.T, opts Options) (*DB, string) {
	t.Helper()
	url := migratedPG.NewDB(t)
	return openAt(t, url, opts), url
}

// dropTrigger is the statement that drops one of audit_log's triggers, as a test that plays an
// attacker with write access to the database runs it.
func dropTrigger(name string) string {
	if onPostgres() {
		return "DROP TRIGGER " + name + " ON audit_log"
	}
	return "DROP TRIGGER " + name
}

// eachBackend runs test on SQLite and on PostgreSQL, each time with the DSN of a new, empty
// database (a file path, or a URL of a migrated PostgreSQL database) that the test opens, as
// often as it needs stores: two stores on one DSN stand for two console processes.
func eachBackend(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, filepath.Join(t.TempDir(), "lbconsole.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, migratedPG.NewDB(t))
	})
}
