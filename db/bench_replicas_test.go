package db_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/demo"
	"lbconsole/internal/pgtest"
	"lbconsole/lb"
)

// benchWriters is how many clients apply batches at once in BenchmarkBatchesPerSecond, spread
// over the stores.
const benchWriters = 12

// BenchmarkBatchesPerSecond applies one-weight batches from benchWriters concurrent clients,
// each on a member of its own in the demo's VServer groups, through one SQLite store, one
// PostgreSQL store, and three PostgreSQL stores on one database (as three replicas are, less
// their HTTP): writes take turns on either database, so what the figures show is what a turn
// costs. It reports batches per second.
func BenchmarkBatchesPerSecond(b *testing.B) {
	key := bytes.Repeat([]byte{'b'}, 32)
	for _, bc := range []struct {
		name   string
		stores int
		dsn    func(b *testing.B) string
	}{
		{"sqlite/1-store", 1, func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }},
		{"postgres/1-store", 1, func(b *testing.B) string { return pgtest.NewDB(b) }},
		{"postgres/3-stores", 3, func(b *testing.B) string { return pgtest.NewDB(b) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			dsn := bc.dsn(b)
			var stores []*db.DB
			for range bc.stores {
				s, err := db.Open(ctx, dsn, db.Options{Key: key})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				stores = append(stores, s)
			}
			targets := benchTargets(b, stores[0])
			var n atomic.Int64
			start := time.Now()
			b.ResetTimer()
			var wg sync.WaitGroup
			for w := range benchWriters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					store, t := stores[w%len(stores)], targets[w%len(targets)]
					for i := 0; n.Add(1) <= int64(b.N); i++ {
						if _, err := store.ApplyBatch(ctx, setWeight(t.group, t.member, 1+i%2, w*1_000_000+i)); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "batches/s")
		})
	}
}

type benchTarget struct {
	group  lb.Group
	member string
}

// benchTargets seeds the demo and picks one member in each of benchWriters VServer groups.
func benchTargets(b *testing.B, store *db.DB) []benchTarget {
	b.Helper()
	ctx := context.Background()
	if ok, err := demo.Seed(ctx, store); err != nil || !ok {
		b.Fatalf("demo.Seed = %v, %v", ok, err)
	}
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Status: lb.LBActive})
	if err != nil {
		b.Fatal(err)
	}
	var out []benchTarget
	for _, l := range page.Items {
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range groups {
			if g.Kind != lb.KindVServer || g.Members == 0 || len(out) == benchWriters {
				continue
			}
			ms, err := store.ListMembers(ctx, g.ID)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, benchTarget{group: g.Group, member: ms[0].ID})
		}
	}
	if len(out) < benchWriters {
		b.Fatalf("the demo has %d VServer groups with members of active load balancers; want %d", len(out), benchWriters)
	}
	return out
}
