package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/lb"
)

// clock is the store's clock in these tests, so that entries carry the times a test chooses.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// newStore opens a real store on a fresh file, with its clock at start.
func newStore(t *testing.T, start time.Time) (*db.DB, *clock) {
	t.Helper()
	c := &clock{now: start}
	store, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "export.db"),
		db.Options{Key: bytes.Repeat([]byte{'k'}, 32), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store, c
}

// entry is one audit entry as a test writes it: a refused removal of servers.
type entry struct {
	actor, source, outcome, message, requestID string
	servers                                    []string
}

// record appends e to the store's audit log and returns its seq.
func record(t *testing.T, store *db.DB, e entry) int64 {
	t.Helper()
	b := lb.Batch{Action: lb.ActionRemove}
	for _, s := range e.servers {
		b.Old = append(b.Old, lb.Spec{ServerID: s})
	}
	req := db.BatchRequest{LoadBalancerID: "lb-export", GroupRef: lb.DefaultGroupRef, Batch: b,
		Actor: e.actor, Source: e.source, RequestID: e.requestID}
	seq, err := store.RecordRefusal(context.Background(), req, e.outcome, e.message)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// exportCSV runs AuditCSV over store and reads back what it wrote.
func exportCSV(t *testing.T, store *db.DB, f db.AuditFilter) [][]string {
	t.Helper()
	var out bytes.Buffer
	if err := AuditCSV(context.Background(), &out, store, f); err != nil {
		t.Fatalf("AuditCSV = %v", err)
	}
	return readCSV(t, out.Bytes())
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, data)
	}
	if len(recs) == 0 {
		t.Fatal("the export has no header")
	}
	return recs
}

// column returns the cells of the named column, below the header.
func column(t *testing.T, recs [][]string, name string) []string {
	t.Helper()
	i := slices.Index(recs[0], name)
	if i < 0 {
		t.Fatalf("the header %v has no %s", recs[0], name)
	}
	out := []string{}
	for _, r := range recs[1:] {
		out = append(out, r[i])
	}
	return out
}
