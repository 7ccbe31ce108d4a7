// Package export writes the audit log as CSV, for the console's download and for
// `console audit export`: both read their filters with Filter and write with AuditCSV, so
// that the same filters give the same file.
package export

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lbconsole/db"
	"lbconsole/lb"
)

// Header is the CSV's first row. Scripts rely on these names and on their order: columns
// are only ever added at the end.
var Header = []string{"seq", "time", "actor", "source", "client_ip", "request_id", "action", "region",
	"load_balancer", "group", "outcome", "message", "count", "servers", "hash",
	// The names the load balancer and the group have now, and the weights of the servers the
	// entry changed: before, and after (space-separated SERVER=WEIGHT, SERVER as in servers).
	"load_balancer_name", "group_name", "weights_before", "weights_after"}

// flushEvery bounds how many rows wait in the buffer before they go out.
const flushEvery = 256

// AuditCSV writes every entry that f selects as RFC 4180 CSV, one row at a time as the store
// reads them, so that memory stays flat however long the log is. The order is always the
// log's own, oldest first, whatever f asks: the order the hash chain runs in, and one in which
// a later export with the same filters starts with the rows of an earlier one. f's offset and
// limit are ignored too: an export is every entry selected.
func AuditCSV(ctx context.Context, w io.Writer, store *db.DB, f db.AuditFilter) error {
	f.Ascending, f.Offset, f.Limit = true, 0, 0
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	n := 0
	err := store.StreamAudit(ctx, f, func(e db.AuditEntry) error {
		if err := cw.Write(row(e)); err != nil {
			return err
		}
		if n++; n%flushEvery == 0 {
			cw.Flush()
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
		}
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

func row(e db.AuditEntry) []string {
	before, after := Weights(e.Diff())
	cells := []string{strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Source, e.ClientIP,
		e.RequestID, e.Action, e.Region, e.LoadBalancer, e.Group, e.Outcome, e.Message, strconv.Itoa(e.Count), e.Servers, e.Hash,
		e.LoadBalancerName, e.GroupName, before, after}
	for i := range cells {
		cells[i] = Defuse(cells[i])
	}
	return cells
}

// Defuse keeps a spreadsheet from reading a cell as a formula: a cell that starts with =, +,
// -, @, tab or carriage return gets a leading apostrophe.
func Defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Weights says the weights of the servers a change touched, before and after it, each as
// space-separated SERVER=WEIGHT: removed servers are only before, added ones only after.
func Weights(d lb.Diff) (before, after string) {
	var b, a []string
	for _, m := range d.Removed {
		b = append(b, weightCell(m))
	}
	for _, c := range d.Changed {
		b, a = append(b, weightCell(c.Before)), append(a, weightCell(c.After))
	}
	for _, m := range d.Added {
		a = append(a, weightCell(m))
	}
	return strings.Join(b, " "), strings.Join(a, " ")
}

// weightCell is one server's weight as SERVER=WEIGHT, the server named as the servers column
// names it (ServerId, ServerId:Port, or the address for a member without a server id).
func weightCell(m lb.Member) string {
	name := m.ServerID
	if name == "" {
		name = m.Address
	}
	if m.Port != 0 {
		name += ":" + strconv.Itoa(m.Port)
	}
	return name + "=" + strconv.Itoa(m.Weight)
}
