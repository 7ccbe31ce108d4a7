package db_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"lbconsole/db"
	"lbconsole/fleet"
)

// BenchmarkApplyFleet applies a generated fleet to an empty database in one transaction, its
// audit entries included: the bar is 10,000 load balancers and 100,000 servers (about
// 25,000 groups and 150,000 members). Each iteration starts from a new database; making the
// file is not timed.
func BenchmarkApplyFleet(b *testing.B) {
	for _, size := range [][2]int{{200, 2000}, {2000, 20000}, {10000, 100000}} {
		b.Run(fmt.Sprintf("%dLBs_%dservers", size[0], size[1]), func(b *testing.B) {
			doc := fleet.Generate(size[0], size[1], 1)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				store, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), db.Options{Key: bytes.Repeat([]byte("k"), 32)})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				p, err := store.ApplyFleet(ctx, db.Origin{Actor: "bench", Source: db.SourceFleet}, doc, db.ApplyOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if create, _, _, _ := p.Counts(); create == 0 {
					b.Fatal("nothing created")
				}
				store.Close()
				b.StartTimer()
			}
		})
	}
}
