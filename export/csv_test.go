package export

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lbconsole/db"
)

var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// TestHeader: scripts read the export by column name or position, so the header is fixed and
// grows only at its end, and an empty log still exports it.
func TestHeader(t *testing.T) {
	store, _ := newStore(t, start)
	recs := exportCSV(t, store, db.AuditFilter{})
	want := "seq,time,actor,source,client_ip,request_id,action,region,load_balancer,group,outcome,message,count,servers,hash," +
		"load_balancer_name,group_name,weights_before,weights_after"
	if got := strings.Join(recs[0], ","); got != want {
		t.Errorf("header = %s\nwant     %s", got, want)
	}
	if len(recs) != 1 {
		t.Errorf("an empty log exported %d rows; want the header alone", len(recs)-1)
	}
}

func TestDefuse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"i-abc:80", "i-abc:80"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
	} {
		if got := Defuse(c.in); got != c.want {
			t.Errorf("Defuse(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// TestRowsAreDefused: what people and API clients typed (actor names, request ids, refusal
// messages) reaches a spreadsheet as text: a cell that would start a formula starts with an
// apostrophe, and the rest of it is kept as it was, commas and line breaks included.
func TestRowsAreDefused(t *testing.T) {
	store, _ := newStore(t, start)
	hostile := entry{actor: `=HYPERLINK("http://evil","x")`, source: "slb-api", outcome: "InvalidParameter",
		message: "@cmd|' /C calc'!A0, and\nmore", requestID: "+1,2;3", servers: []string{"-2+3"}}
	record(t, store, hostile)
	recs := exportCSV(t, store, db.AuditFilter{})
	if len(recs) != 2 {
		t.Fatalf("%d rows; want 1", len(recs)-1)
	}
	for name, want := range map[string]string{"actor": hostile.actor, "message": hostile.message,
		"request_id": hostile.requestID, "servers": "-2+3"} {
		if got := column(t, recs, name)[0]; got != "'"+want {
			t.Errorf("%s = %q; want %q behind an apostrophe", name, got, want)
		}
	}
	for i, cell := range recs[1] {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("%s = %q starts a formula", recs[0][i], cell)
		}
	}
}

// TestOrderIsTheLogs: every export lists every selected entry oldest first, whatever order,
// offset or limit the filter it is given asks, so that the console's download and the CLI write
// the same file and a later export starts with the rows of an earlier one.
func TestOrderIsTheLogs(t *testing.T) {
	store, _ := newStore(t, start)
	for i := range 5 {
		record(t, store, entry{actor: "alice", source: "console", outcome: "invalid", message: "no", requestID: "r" + strconv.Itoa(i)})
	}
	want := []string{"1", "2", "3", "4", "5"}
	for name, f := range map[string]db.AuditFilter{"newest first": {}, "oldest first": {Ascending: true},
		"offset 2, limit 1": {Offset: 2, Limit: 1}} {
		if got := column(t, exportCSV(t, store, f), "seq"); !slices.Equal(got, want) {
			t.Errorf("a filter asking %s exported seqs %v; want %v", name, got, want)
		}
	}
	before := exportCSV(t, store, db.AuditFilter{})
	record(t, store, entry{actor: "bob", source: "console", outcome: "invalid", message: "no"})
	after := exportCSV(t, store, db.AuditFilter{})
	if len(after) != len(before)+1 || !slices.EqualFunc(before, after[:len(before)], slices.Equal) {
		t.Errorf("an export after one more entry does not start with the earlier export's rows")
	}
}

// TestStreams: the export writes rows as it reads them. The client gets whole rows every
// flushEvery rows, and an entry appended after the first rows went out is in the file:
// the log is read while the rows go out, never held whole in memory first.
func TestStreams(t *testing.T) {
	store, _ := newStore(t, start)
	// More entries than two of the store's pages (500 each), so that it reads again after the
	// first rows went out.
	const n = 1100
	for i := range n {
		record(t, store, entry{actor: "alice", source: "console", outcome: "invalid", message: "no", requestID: "r" + strconv.Itoa(i)})
	}
	w := &flushRecorder{}
	w.onFirstFlush = func() {
		record(t, store, entry{actor: "late", source: "console", outcome: "invalid", message: "appended during the export"})
	}
	if err := AuditCSV(context.Background(), w, store, db.AuditFilter{}); err != nil {
		t.Fatal(err)
	}
	if len(w.flushedRows) < n/flushEvery {
		t.Errorf("the client was flushed %d times over %d rows; want at least every %d rows", len(w.flushedRows), n, flushEvery)
	}
	for i, rows := range w.flushedRows {
		if rows != (i+1)*flushEvery {
			t.Errorf("flush %d came after %d whole rows; want %d", i+1, rows, (i+1)*flushEvery)
		}
	}
	actors := column(t, readCSV(t, w.buf.Bytes()), "actor")
	if len(actors) != n+1 || actors[n] != "late" {
		t.Errorf("the export has %d rows, the last by %q; want %d, the last the entry appended during the export", len(actors), actors[len(actors)-1], n+1)
	}
}

// flushRecorder is a client that counts the whole rows it holds at each flush.
type flushRecorder struct {
	buf          bytes.Buffer
	flushedRows  []int
	onFirstFlush func()
}

func (w *flushRecorder) Write(p []byte) (int, error) { return w.buf.Write(p) }

// Flush is http.Flusher's: what a client holds at each flush must be whole rows.
func (w *flushRecorder) Flush() {
	data := w.buf.Bytes()
	if !bytes.HasSuffix(data, []byte("\n")) {
		w.flushedRows = append(w.flushedRows, -1) // half a row
		return
	}
	w.flushedRows = append(w.flushedRows, bytes.Count(data, []byte("\n"))-1)
	if len(w.flushedRows) == 1 && w.onFirstFlush != nil {
		w.onFirstFlush()
	}
}

// TestStopsWhenTheClientFails: a client that went away ends the export with its error.
func TestStopsWhenTheClientFails(t *testing.T) {
	store, _ := newStore(t, start)
	for range 3 * flushEvery {
		record(t, store, entry{actor: "alice", source: "console", outcome: "invalid", message: "no"})
	}
	gone := errors.New("the client went away")
	w := &failingWriter{after: 1, err: gone}
	if err := AuditCSV(context.Background(), w, store, db.AuditFilter{}); !errors.Is(err, gone) {
		t.Errorf("AuditCSV = %v; want the client's error", err)
	}
	if w.writes != 2 {
		t.Errorf("%d writes reached the client; want 2, none after the failed one", w.writes)
	}
}

type failingWriter struct {
	after, writes int
	err           error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes > w.after {
		return 0, w.err
	}
	return len(p), nil
}
