package db

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"lbconsole/lb"
)

// refusals appends n refused entries, actors alternating between "even" and "odd".
func refusals(t *testing.T, d *DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		actor := "even"
		if i%2 == 1 {
			actor = "odd"
		}
		req := BatchRequest{LoadBalancerID: "lb-x", Batch: lb.Batch{Action: lb.ActionAdd}, Actor: actor, Source: SourceSLBAPI,
			RequestID: fmt.Sprintf("r%d", i)}
		if _, err := d.RecordRefusal(context.Background(), req, "InvalidParameter", "refused"); err != nil {
			t.Fatalf("RecordRefusal %d: %v", i, err)
		}
	}
}

func TestStreamAuditPages(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	const n = 2*auditPageSize + 37
	refusals(t, d, n)

	stream := func(t *testing.T, f AuditFilter) []int64 {
		t.Helper()
		var got []int64
		if err := d.StreamAudit(ctx, f, func(e AuditEntry) error { got = append(got, e.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	span := func(from, to, step int64) []int64 {
		var out []int64
		for s := from; (step > 0 && s <= to) || (step < 0 && s >= to); s += step {
			out = append(out, s)
		}
		return out
	}

	t.Run("every entry once, oldest first, across pages", func(t *testing.T) {
		if got, want := stream(t, AuditFilter{Ascending: true}), span(1, n, 1); !reflect.DeepEqual(got, want) {
			t.Errorf("got %d seqs from %v, want %d from 1 to %d in order", len(got), got[:min(3, len(got))], n, n)
		}
	})
	t.Run("every entry once, newest first, across pages", func(t *testing.T) {
		if got, want := stream(t, AuditFilter{}), span(n, 1, -1); !reflect.DeepEqual(got, want) {
			t.Errorf("got %d seqs from %v, want %d from %d down to 1", len(got), got[:min(3, len(got))], n, n)
		}
	})
	t.Run("a filter holds on every page", func(t *testing.T) {
		if got, want := stream(t, AuditFilter{Actor: "odd", Ascending: true}), span(2, n, 2); !reflect.DeepEqual(got, want) {
			t.Errorf("got %d seqs, want the %d even seqs (the odd actor's) in order", len(got), len(want))
		}
	})
	t.Run("offset and limit span pages", func(t *testing.T) {
		f := AuditFilter{Ascending: true, Offset: auditPageSize - 3, Limit: auditPageSize + 10}
		if got, want := stream(t, f), span(auditPageSize-2, 2*auditPageSize+7, 1); !reflect.DeepEqual(got, want) {
			t.Errorf("got %d seqs from %v, want %d from %d", len(got), got[:min(3, len(got))], len(want), want[0])
		}
	})
	// A download to a client that stopped reading waits inside fn: it must not hold one of
	// the read pool's few connections meanwhile, or a handful of such downloads freeze every page.
	t.Run("no connection is held while fn runs", func(t *testing.T) {
		calls, held := 0, 0
		err := d.StreamAudit(ctx, AuditFilter{}, func(AuditEntry) error {
			calls++
			held = max(held, d.read.Stats().InUse)
			return nil
		})
		if err != nil || calls != n || held != 0 {
			t.Errorf("StreamAudit = %v after %d calls with up to %d read connections in use; want %d calls and none in use", err, calls, held, n)
		}
	})
}
