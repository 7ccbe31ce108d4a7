package db_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
)

// bigGroupMembers is the size of the group the batch benchmarks change, as issue 12 measures.
const bigGroupMembers = 1000

// withBigGroup applies a small generated fleet whose first load balancer has a group of
// bigGroupMembers members (its VPC's servers on several ports each), and returns the store, the
// group and the database file.
func withBigGroup(b *testing.B) (*db.DB, lb.Group, string) {
	b.Helper()
	ctx := context.Background()
	doc := fleet.Generate(20, 2000, 1)
	first := &doc.LoadBalancers[0]
	vpcOf := map[string]string{}
	for _, s := range doc.Subnets {
		vpcOf[s.ID] = s.VPC
	}
	var running []string
	for _, s := range doc.Servers {
		if s.Status == lb.StatusRunning && vpcOf[s.Subnet] == first.VPC {
			running = append(running, s.ID)
		}
	}
	members := make([]fleet.Member, 0, bigGroupMembers)
	for i := 0; len(members) < bigGroupMembers; i++ {
		w := 10
		members = append(members, fleet.Member{Server: running[i%len(running)], Port: 8000 + i/len(running), Weight: &w})
	}
	first.Groups = append(first.Groups, fleet.Group{ID: "rsp-bench-big", Name: "bench-big", Kind: lb.KindVServer, Members: &members})
	path := filepath.Join(b.TempDir(), "bench.db")
	store, err := db.Open(ctx, path, db.Options{Key: []byte(strings.Repeat("b", 32))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.ApplyFleet(ctx, db.Origin{Actor: "bench", Source: db.SourceFleet}, doc, db.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	g, err := store.GetGroup(ctx, first.ID, "rsp-bench-big")
	if err != nil {
		b.Fatal(err)
	}
	return store, g, path
}

// BenchmarkApplyBatchBigGroup sets the weight of 20 and of 200 members of a 1,000-member group
// through the store, the whole write path; BenchmarkRawBatchFloor is its floor.
func BenchmarkApplyBatchBigGroup(b *testing.B) {
	for _, n := range []int{20, 200} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			store, g, _ := withBigGroup(b)
			ms, err := store.ListMembers(ctx, g.ID)
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]string, n)
			for i := range ids {
				ids[i] = ms[i].ID
			}
			k := 0
			for b.Loop() {
				k++
				w := 1 + k%2
				specs := make([]lb.Spec, n)
				for i, id := range ids {
					specs[i] = lb.Spec{MemberID: id, Weight: &w}
				}
				res, err := store.ApplyBatch(ctx, db.BatchRequest{LoadBalancerID: g.LoadBalancerID, GroupRef: g.ID,
					Batch: lb.Batch{Action: lb.ActionSetWeights, New: specs}, Actor: "bench", Source: db.SourceConsole,
					ClientIP: "127.0.0.1", RequestID: fmt.Sprint("bench-", k), Request: "{}"})
				if err != nil || len(res.Diff.Changed) != n {
					b.Fatalf("ApplyBatch = %d changed, %v; want %d", len(res.Diff.Changed), err, n)
				}
			}
		})
	}
}

// BenchmarkRawBatchFloor is what a batch of n weight changes costs at the least: one raw SQL
// transaction on the same kind of file that reads the end of the audit chain, updates the
// rows, bumps the group's version and inserts an audit row (into a table shaped like
// audit_log, so that the real chain stays intact).
func BenchmarkRawBatchFloor(b *testing.B) {
	for _, n := range []int{20, 200} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			store, g, path := withBigGroup(b)
			ms, err := store.ListMembers(ctx, g.ID)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			raw.SetMaxOpenConns(1)
			if _, err := raw.Exec(`CREATE TABLE bench_audit AS SELECT * FROM audit_log WHERE 0`); err != nil {
				b.Fatal(err)
			}
			before, _ := json.Marshal(ms[:n])
			k := 0
			for b.Loop() {
				k++
				if err := rawBatch(ctx, raw, g.ID, ms[:n], 1+k%2, int64(k), string(before)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func rawBatch(ctx context.Context, raw *sql.DB, groupID string, ms []lb.Member, weight int, seq int64, audit string) error {
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var prev sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT hash FROM bench_audit ORDER BY seq DESC LIMIT 1").Scan(&prev); err != nil && err != sql.ErrNoRows {
		return err
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	for _, m := range ms {
		if _, err := tx.ExecContext(ctx, "UPDATE members SET weight = ?, updated = ? WHERE id = ?", weight, now, m.ID); err != nil {
			return err
		}
	}
	var version int64
	if err := tx.QueryRowContext(ctx, "UPDATE groups SET version = version + 1 WHERE id = ? RETURNING version", groupID).Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO bench_audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		seq, now, "bench", "console", "127.0.0.1", "bench", "weights", "r", "l", groupID, "ok", "", len(ms), "", "{}",
		audit, audit, version, 0, prev.String, fmt.Sprintf("%064x", seq)); err != nil {
		return err
	}
	return tx.Commit()
}
