package db

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/lb"
)

// TestSharedAcrossConsoles shows that what several consoles on one database must agree on
// lives in the database: two stores on one DSN stand for two console processes, on SQLite and
// on PostgreSQL.
func TestSharedAcrossConsoles(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, dsn string) {
		clk := newClock()
		a := openAt(t, dsn, Options{Now: clk.Now})
		b := openAt(t, dsn, Options{Now: clk.Now})
		ann, err := a.CreateUser(ctx, testOrigin, "ann", lb.RoleAdmin, "h")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("ASessionMadeOnOneEndsOnTheOther", func(t *testing.T) {
			now := clk.Now()
			if err := a.CreateSession(ctx, Session{IDHash: "s1", UserID: ann.ID, Created: now, LastSeen: now, Expires: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, u, err := b.SessionUser(ctx, "s1"); err != nil || u.Name != "ann" {
				t.Fatalf("the other console: SessionUser = %v, %v; want ann", u.Name, err)
			}
			if err := b.DeleteSession(ctx, "s1"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.SessionUser(ctx, "s1"); lb.ErrorKind(err) != lb.KindUnauthenticated {
				t.Errorf("after signing out on the other console: SessionUser err = %v; want unauthenticated", err)
			}
		})

		t.Run("ASignInBurstOverBothIsThrottledOnce", func(t *testing.T) {
			var granted atomic.Int32
			var wg sync.WaitGroup
			for i := range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := []*DB{a, b}[i%2]
					r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "Bob", ClientIP: "203.0.113." + strconv.Itoa(i)}, testLimits)
					if err != nil {
						t.Error(err)
						return
					}
					if r.Wait == 0 {
						granted.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := granted.Load(); n != int32(testLimits.PerAccount) {
				t.Errorf("%d of 40 attempts over two consoles had their password checked; want %d", n, testLimits.PerAccount)
			}
		})

		t.Run("ANonceUsedOnOneIsAReplayOnTheOther", func(t *testing.T) {
			exp := clk.Now().Add(15 * time.Minute)
			if err := a.UseNonce(ctx, "LTAIkey", "n-1", exp, 100); err != nil {
				t.Fatal(err)
			}
			if err := b.UseNonce(ctx, "LTAIkey", "n-1", exp, 100); lb.ErrorKind(err) != lb.KindConflict {
				t.Errorf("the replay on the other console: %v; want a conflict", err)
			}
		})

		t.Run("ExportSlotsAreCountedOverBoth", func(t *testing.T) {
			if _, err := a.AcquireExportLease(ctx, ann.ID, 1, time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := b.AcquireExportLease(ctx, ann.ID, 1, time.Minute); !errors.Is(err, ErrTooManyExports) {
				t.Errorf("a second export on the other console: %v; want ErrTooManyExports", err)
			}
		})
	})
}

// TestLikeIgnoresASCIICaseOnly: a search matches whatever the case of ASCII letters, as
// SQLite's LIKE does, and PostgreSQL's ILIKE on "C" text does the same, folding no other
// letters: both backends find the same rows.
func TestLikeIgnoresASCIICaseOnly(t *testing.T) {
	ctx := context.Background()
	for _, be := range []struct {
		name string
		dsn  func(*testing.T) string
	}{{"sqlite", seededSQLitePath}, {"postgres", func(t *testing.T) string { return seededPG.NewDB(t) }}} {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			d := openAt(t, be.dsn(t), Options{})
			lower, err := d.ListLoadBalancers(ctx, LBFilter{Query: "checkout"})
			if err != nil {
				t.Fatal(err)
			}
			upper, err := d.ListLoadBalancers(ctx, LBFilter{Query: "CheckOut"})
			if err != nil {
				t.Fatal(err)
			}
			if lower.Total == 0 || upper.Total != lower.Total {
				t.Errorf("searching CheckOut found %d load balancers, checkout %d; want the same, more than none", upper.Total, lower.Total)
			}
			if _, err := d.write.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('eu-zrh', 'Zürich')"); err != nil {
				t.Fatal(err)
			}
			for pattern, want := range map[string]int{"zürich": 1, "ZÜRICH": 0, "%RICH": 1, "%ÜRICH": 0} {
				if n := count(t, d, "SELECT count(*) FROM regions WHERE name LIKE ? ESCAPE '\\'", pattern); n != want {
					t.Errorf("name LIKE %q matched %d regions; want %d", pattern, n, want)
				}
			}
		})
	}
}
