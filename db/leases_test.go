package db

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLeases(t *testing.T) {
	ctx := context.Background()
	const ttl = 10 * time.Second
	eachBackend(t, func(t *testing.T, dsn string) {
		clk := newClock()
		a := openAt(t, dsn, Options{Now: clk.Now})
		b := openAt(t, dsn, Options{Now: clk.Now}) // another console on the same database
		try := func(d *DB, name, holder string) bool {
			t.Helper()
			ok, err := d.TryLease(ctx, name, holder, ttl)
			if err != nil {
				t.Fatalf("TryLease(%s, %s): %v", name, holder, err)
			}
			return ok
		}
		holder := func(name string) string {
			t.Helper()
			h, _, err := b.LeaseHolder(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}

		t.Run("OneHolderAtATime", func(t *testing.T) {
			if !try(a, "node-1", "console-a") {
				t.Fatal("a free lease was not taken")
			}
			if try(b, "node-1", "console-b") {
				t.Fatal("console-b took a lease console-a holds")
			}
			if got := holder("node-1"); got != "console-a" {
				t.Errorf("LeaseHolder = %q; want console-a", got)
			}
		})

		t.Run("TheHolderRenews", func(t *testing.T) {
			clk.Advance(ttl - time.Second)
			if !try(a, "node-1", "console-a") {
				t.Fatal("the holder could not renew its lease")
			}
			clk.Advance(ttl - time.Second) // past the first expiry, within the renewed one
			if try(b, "node-1", "console-b") {
				t.Fatal("console-b took a renewed lease")
			}
		})

		t.Run("AnExpiredLeaseIsTakenOver", func(t *testing.T) {
			clk.Advance(ttl) // console-a stopped renewing: it died
			if got := holder("node-1"); got != "" {
				t.Errorf("LeaseHolder of an expired lease = %q; want nobody", got)
			}
			if !try(b, "node-1", "console-b") {
				t.Fatal("console-b could not take an expired lease")
			}
			if try(a, "node-1", "console-a") {
				t.Fatal("console-a took back a lease console-b now holds")
			}
		})

		t.Run("ReleaseFreesAtOnce", func(t *testing.T) {
			if err := a.ReleaseLease(ctx, "node-1", "console-a"); err != nil {
				t.Fatal(err)
			}
			if got := holder("node-1"); got != "console-b" {
				t.Fatalf("a release by a console that does not hold the lease freed it: holder %q", got)
			}
			if err := b.ReleaseLease(ctx, "node-1", "console-b"); err != nil {
				t.Fatal(err)
			}
			if !try(a, "node-1", "console-a") {
				t.Fatal("a released lease was not free")
			}
		})

		t.Run("LeasesAreIndependent", func(t *testing.T) {
			if !try(b, "node-2", "console-b") {
				t.Fatal("another lease's holder kept console-b from node-2")
			}
		})

		t.Run("ConcurrentTakersGetOneHolder", func(t *testing.T) {
			var won atomic.Int32
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := []*DB{a, b}[i%2]
					ok, err := d.TryLease(ctx, "node-3", "console-"+string(rune('a'+i)), ttl)
					if err != nil {
						t.Error(err)
					}
					if ok {
						won.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := won.Load(); n != 1 {
				t.Errorf("%d of 16 concurrent takers got the lease; want 1", n)
			}
		})

		t.Run("ErrNoName", func(t *testing.T) {
			if _, err := a.TryLease(ctx, "", "console-a", ttl); err == nil {
				t.Error("TryLease with no name succeeded")
			}
			if _, err := a.TryLease(ctx, "node-4", "console-a", 0); err == nil {
				t.Error("TryLease with no ttl succeeded")
			}
		})
	})
}
