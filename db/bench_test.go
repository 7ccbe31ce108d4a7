package db_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/demo"
	"lbconsole/lb"
)

// seeded opens a real SQLite file in the benchmark's temporary directory, fills it with the
// demo data and returns it with the demo's biggest group (263 members) and smallest one.
func seeded(b *testing.B) (store *db.DB, big, small lb.Group) {
	b.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), db.Options{Key: bytes.Repeat([]byte{'b'}, 32)})
	if err != nil {
		b.Fatalf("db.Open: %v", err)
	}
	b.Cleanup(func() { store.Close() })
	if ok, err := demo.Seed(ctx, store); err != nil || !ok {
		b.Fatalf("demo.Seed = %v, %v", ok, err)
	}
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Status: lb.LBActive})
	if err != nil {
		b.Fatal(err)
	}
	bigN, smallN := 0, 1<<30
	for _, l := range page.Items {
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range groups {
			if g.Members > bigN {
				big, bigN = g.Group, g.Members
			}
			if g.Kind == lb.KindVServer && g.Members > 0 && g.Members < smallN {
				small, smallN = g.Group, g.Members
			}
		}
	}
	if bigN != 263 {
		b.Fatalf("the demo's biggest group has %d members; want 263", bigN)
	}
	return store, big, small
}

// setWeight is a console batch that sets one member's weight.
func setWeight(g lb.Group, memberID string, weight int, n int) db.BatchRequest {
	return db.BatchRequest{LoadBalancerID: g.LoadBalancerID, GroupRef: g.ID,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: memberID, Weight: &weight}}},
		Actor: "bench", Source: db.SourceConsole, ClientIP: "127.0.0.1", RequestID: "bench-" + strconv.Itoa(n),
		Request: fmt.Sprintf(`{"op":"weights","members":[%q],"weight":%d}`, memberID, weight)}
}

// BenchmarkApplyBatch applies a batch that sets one weight on the 263-member group: the whole
// write path, from loading the group and planning to the audit entry and the commit.
func BenchmarkApplyBatch(b *testing.B) {
	ctx := context.Background()
	store, big, _ := seeded(b)
	ms, err := store.ListMembers(ctx, big.ID)
	if err != nil {
		b.Fatal(err)
	}
	member := ms[len(ms)/2].ID
	n := 0
	for b.Loop() {
		n++
		// 1 and 2 in turn (the demo's weights are 50 and 100), so every batch changes something.
		res, err := store.ApplyBatch(ctx, setWeight(big, member, 1+n%2, n))
		if err != nil || len(res.Diff.Changed) != 1 {
			b.Fatalf("ApplyBatch = %d changed, %v; want 1, nil", len(res.Diff.Changed), err)
		}
	}
}

// BenchmarkListMembers263 reads the biggest group's members, as every page of it does.
func BenchmarkListMembers263(b *testing.B) {
	ctx := context.Background()
	store, big, _ := seeded(b)
	for b.Loop() {
		ms, err := store.ListMembers(ctx, big.ID)
		if err != nil || len(ms) != 263 {
			b.Fatalf("ListMembers = %d, %v; want 263 members", len(ms), err)
		}
	}
}

// auditRows is how many audit entries the audit benchmarks read.
const auditRows = 10_000

// withAudit is seeded with auditRows applied batches in the audit log.
func withAudit(b *testing.B) *db.DB {
	b.Helper()
	ctx := context.Background()
	store, _, small := seeded(b)
	ms, err := store.ListMembers(ctx, small.ID)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for n := 0; n < auditRows; n++ {
		if _, err := store.ApplyBatch(ctx, setWeight(small, ms[n%len(ms)].ID, 1+(n/len(ms))%2, n)); err != nil {
			b.Fatalf("ApplyBatch %d: %v", n, err)
		}
	}
	b.Logf("%d batches applied to fill the audit log in %s", auditRows, time.Since(start).Round(time.Millisecond))
	return store
}

// BenchmarkStreamAudit10k streams 10,000 audit entries, oldest first, into CSV rows as the
// export does, and reports the bytes written per entry.
func BenchmarkStreamAudit10k(b *testing.B) {
	ctx := context.Background()
	store := withAudit(b)
	var written countingWriter
	for b.Loop() {
		written = 0
		cw := csv.NewWriter(&written)
		rows := 0
		err := store.StreamAudit(ctx, db.AuditFilter{Ascending: true}, func(e db.AuditEntry) error {
			rows++
			return cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Source,
				e.ClientIP, e.RequestID, e.Action, e.Region, e.LoadBalancer, e.Group, e.Outcome, e.Message,
				strconv.Itoa(e.Count), e.Servers, e.Hash})
		})
		cw.Flush()
		if err != nil || rows != auditRows {
			b.Fatalf("StreamAudit = %d rows, %v; want %d", rows, err, auditRows)
		}
	}
	b.ReportMetric(float64(written)/auditRows, "csv-B/row")
}

// BenchmarkVerifyAudit10k recomputes the HMAC chain over 10,000 audit entries.
func BenchmarkVerifyAudit10k(b *testing.B) {
	ctx := context.Background()
	store := withAudit(b)
	for b.Loop() {
		r, err := store.VerifyAudit(ctx)
		if err != nil || !r.OK() || r.Rows != auditRows {
			b.Fatalf("VerifyAudit = %+v, %v; want OK with %d rows", r, err, auditRows)
		}
	}
}

// countingWriter counts what is written to it and keeps none of it.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
