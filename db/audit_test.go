package db

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/lb"
)

// withAudit opens a fresh demo copy and writes n audit rows: removals from the big group, with
// every third one refused for a weight out of range.
func withAudit(t *testing.T, n int, opts Options) (*DB, string) {
	t.Helper()
	d, path := seededDB(t, opts)
	big := bigGroup(t, d)
	ms := members(t, d, big.Group.ID)
	for i := 0; i < n; i++ {
		if i%3 == 2 {
			if _, err := d.ApplyBatch(context.Background(), weightReq(big, "mallet", ms[i].ID, 101)); err == nil {
				t.Fatal("a weight of 101 was applied")
			}
			continue
		}
		apply(t, d, removeReq(big, "alice", ms[i].ID))
	}
	return d, path
}

func mustVerify(t *testing.T, d *DB) VerifyResult {
	t.Helper()
	r, err := d.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	return r
}

func TestAuditChain(t *testing.T) {
	ctx := context.Background()

	t.Run("an untouched log verifies, every row counted", func(t *testing.T) {
		d, _ := withAudit(t, 6, Options{})
		r := mustVerify(t, d)
		if !r.OK() || r.Rows != 6 {
			t.Errorf("VerifyAudit = %+v, want OK with 6 rows", r)
		}
	})

	t.Run("an empty log verifies", func(t *testing.T) {
		d, _ := emptyDB(t, Options{})
		if r := mustVerify(t, d); !r.OK() || r.Rows != 0 {
			t.Errorf("VerifyAudit = %+v, want OK with 0 rows", r)
		}
	})

	t.Run("each row links to the one before it", func(t *testing.T) {
		d, _ := withAudit(t, 3, Options{})
		var prev string
		err := d.StreamAudit(ctx, AuditFilter{Ascending: true}, func(e AuditEntry) error {
			if e.PrevHash != prev {
				t.Errorf("row %d PrevHash = %q, want the hash of the row before, %q", e.Seq, e.PrevHash, prev)
			}
			if e.Hash == "" {
				t.Errorf("row %d has no hash", e.Seq)
			}
			prev = e.Hash
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	for _, stmt := range []string{
		"UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
		"DELETE FROM audit_log WHERE seq = 2",
		"DELETE FROM audit_log",
	} {
		t.Run("the table is append-only: "+stmt, func(t *testing.T) {
			d, _ := withAudit(t, 3, Options{})
			_, err := d.write.ExecContext(ctx, stmt)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want an append-only error", stmt, err)
			}
			if r := mustVerify(t, d); !r.OK() || r.Rows != 3 {
				t.Errorf("VerifyAudit after the refused statement = %+v, want OK with 3 rows", r)
			}
		})
	}

	t.Run("an edited row is reported by its seq", func(t *testing.T) {
		d, _ := withAudit(t, 5, Options{})
		for _, stmt := range []string{
			dropTrigger("audit_log_no_update"),
			"UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
		} {
			if _, err := d.write.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		r := mustVerify(t, d)
		if r.OK() || r.BadSeq != 3 {
			t.Errorf("VerifyAudit = %+v, want BadSeq 3", r)
		}
		if !strings.Contains(r.Reason, "3") {
			t.Errorf("Reason = %q, want it to name row 3", r.Reason)
		}
	})

	t.Run("a deleted row is reported at the row after the gap", func(t *testing.T) {
		d, _ := withAudit(t, 5, Options{})
		for _, stmt := range []string{
			dropTrigger("audit_log_no_delete"),
			"DELETE FROM audit_log WHERE seq = 3",
		} {
			if _, err := d.write.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		r := mustVerify(t, d)
		if r.OK() || r.BadSeq != 4 {
			t.Errorf("VerifyAudit = %+v, want BadSeq 4", r)
		}
	})

	// Another key would write rows no one could verify: Open refuses it (keycheck_test.go),
	// and the chain stays verifiable with the right one.
	t.Run("another key is refused and the chain still verifies with the right one", func(t *testing.T) {
		d, path := withAudit(t, 3, Options{})
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if other, err := Open(ctx, path, Options{Key: bytes.Repeat([]byte("x"), 32)}); !errors.Is(err, ErrWrongKey) {
			if err == nil {
				other.Close()
			}
			t.Errorf("Open with another key = %v, want ErrWrongKey", err)
		}
		same := openAt(t, path, Options{Key: testKey})
		if r := mustVerify(t, same); !r.OK() || r.Rows != 3 {
			t.Errorf("VerifyAudit with the right key after reopening = %+v, want 3 rows OK", r)
		}
	})
}

func TestListAudit(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	start := clk.Now()
	d, _ := seededDB(t, Options{Now: clk.Now})
	big := bigGroup(t, d)
	small := smallGroup(t, d, big.LB.ID)
	locked := lockedGroup(t, d)
	bigMembers := members(t, d, big.Group.ID)
	smallMembers := members(t, d, small.Group.ID)
	lockedMembers := members(t, d, locked.Group.ID)

	// Five entries, one hour apart.
	reqs := []BatchRequest{
		removeReq(big, "alice", bigMembers[0].ID),       // 1 ok
		weightReq(big, "bob", bigMembers[1].ID, 0),      // 2 ok
		weightReq(big, "alice", bigMembers[2].ID, 101),  // 3 invalid
		removeReq(locked, "carol", lockedMembers[0].ID), // 4 forbidden
		weightReq(small, "bob", smallMembers[0].ID, 1),  // 5 ok
	}
	reqs[1].Source = SourceSLBAPI
	reqs[2].Source = SourcePoolAPI
	for _, req := range reqs {
		d.ApplyBatch(ctx, req) // refusals are expected; what they record is checked below
		clk.Advance(time.Hour)
	}
	if got := auditTotal(t, d); got != 5 {
		t.Fatalf("audit rows = %d, want 5", got)
	}

	cases := []struct {
		name   string
		filter AuditFilter
		want   []int64
	}{
		{"no filter lists everything newest first", AuditFilter{}, []int64{5, 4, 3, 2, 1}},
		{"by actor", AuditFilter{Actor: "alice"}, []int64{3, 1}},
		{"by source", AuditFilter{Source: SourceConsole}, []int64{5, 4, 1}},
		{"by outcome ok", AuditFilter{Outcome: "ok"}, []int64{5, 2, 1}},
		{"by outcome refused: every outcome but ok", AuditFilter{Outcome: "refused"}, []int64{4, 3}},
		{"by an exact error kind", AuditFilter{Outcome: "forbidden"}, []int64{4}},
		{"by load balancer", AuditFilter{LoadBalancer: big.LB.ID}, []int64{3, 2, 1}},
		{"by group", AuditFilter{Group: small.Group.ID}, []int64{5}},
		{"by action", AuditFilter{Action: "set_weights"}, []int64{5, 3, 2}},
		{"since includes its instant, until excludes its", AuditFilter{Since: start.Add(time.Hour), Until: start.Add(3 * time.Hour)}, []int64{3, 2}},
		{"since alone", AuditFilter{Since: start.Add(4 * time.Hour)}, []int64{5}},
		{"filters combine", AuditFilter{Actor: "bob", Source: SourceConsole}, []int64{5}},
		{"no match", AuditFilter{Actor: "nobody"}, []int64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := d.ListAudit(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqs(page.Items); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("seqs = %v, want %v", got, tc.want)
			}
			if page.Total != len(tc.want) {
				t.Errorf("Total = %d, want %d", page.Total, len(tc.want))
			}
		})
	}

	t.Run("pages are newest first and Total counts every match", func(t *testing.T) {
		var got [][]int64
		for offset := 0; offset < 6; offset += 2 {
			page, err := d.ListAudit(ctx, AuditFilter{Limit: 2, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 5 {
				t.Errorf("offset %d: Total = %d, want 5", offset, page.Total)
			}
			got = append(got, seqs(page.Items))
		}
		want := [][]int64{{5, 4}, {3, 2}, {1}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages = %v, want %v", got, want)
		}
	})

	t.Run("a filtered page keeps the filtered Total", func(t *testing.T) {
		page, err := d.ListAudit(ctx, AuditFilter{Outcome: "ok", Limit: 1, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(page.Items); !reflect.DeepEqual(got, []int64{2}) || page.Total != 3 {
			t.Errorf("seqs, Total = %v, %d; want [2], 3", got, page.Total)
		}
	})

	t.Run("StreamAudit ascending lists oldest first", func(t *testing.T) {
		var got []AuditEntry
		err := d.StreamAudit(ctx, AuditFilter{Ascending: true}, func(e AuditEntry) error {
			got = append(got, e)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{1, 2, 3, 4, 5}; !reflect.DeepEqual(seqs(got), want) {
			t.Errorf("seqs = %v, want %v", seqs(got), want)
		}
		for i, e := range got {
			if want := start.Add(time.Duration(i) * time.Hour); !e.Time.Equal(want) {
				t.Errorf("row %d Time = %v, want %v", e.Seq, e.Time, want)
			}
		}
	})

	t.Run("StreamAudit stops at the first error of its callback", func(t *testing.T) {
		calls := 0
		stop := errStop
		err := d.StreamAudit(ctx, AuditFilter{}, func(AuditEntry) error {
			calls++
			return stop
		})
		if err != stop || calls != 1 {
			t.Errorf("StreamAudit = %v after %d calls, want the callback's error after 1", err, calls)
		}
	})

	t.Run("GetAudit of an unknown seq is not found", func(t *testing.T) {
		if _, err := d.GetAudit(ctx, 99); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetAudit(99) = %v, want not found", err)
		}
	})
}
