package testenv

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"lbconsole/db"
	"lbconsole/internal/pgtest"
)

// The same deployment on PostgreSQL: databases in the test binary's throwaway cluster
// (internal/pgtest), and the binary run as several replicas on one of them. A package that
// uses them calls MainPostgres (or RunPostgres) from TestMain instead of Main, so that the
// cluster is stopped as well as the binary removed when its tests end.

// MainPostgres runs the package's tests, removes what was built for all of them, stops the
// PostgreSQL cluster if a test started one, and exits with the tests' status. Call it from
// TestMain.
func MainPostgres(m *testing.M) { os.Exit(RunPostgres(m)) }

// RunPostgres is MainPostgres for a TestMain that has more to do: it returns the tests' status
// instead of exiting.
func RunPostgres(m *testing.M) int {
	mainRan.Store(true)
	code := pgtest.Run(m)
	removeBinary()
	return code
}

// demoUsersPG is what DemoUsers holds, in a PostgreSQL database filled once and copied for
// each test that asks.
var demoUsersPG = pgtest.NewTemplate(func(ctx context.Context, url string) error {
	store, err := db.Open(ctx, url, db.Options{Key: Key()})
	if err != nil {
		return err
	}
	err = SeedDemo(ctx, store)
	if err == nil {
		err = addUsers(ctx, store)
	}
	return errors.Join(err, store.Close())
})

// PostgresDemoUsers returns the URL of a new PostgreSQL database holding what DemoUsers
// holds, made with Key. It is dropped when the test ends.
func PostgresDemoUsers(tb testing.TB) string {
	tb.Helper()
	return demoUsersPG.NewDB(tb)
}

// NewPostgresHarness prepares to run Binary on the PostgreSQL database at url as the
// replicas of one deployment run: every run gets the master key (Key) in CONSOLE_SECRET_KEY,
// since there is no key file beside a PostgreSQL database. Start it as often as there are to
// be replicas; their logs go to the one file.
func NewPostgresHarness(tb testing.TB, url string) *Harness {
	tb.Helper()
	h := NewHarness(tb, url)
	h.Env = append(h.Env, "CONSOLE_SECRET_KEY="+hex.EncodeToString(Key()))
	return h
}
