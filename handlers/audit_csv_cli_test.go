package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"lbconsole/export"
)

// TestAuditDownloadIsTheCLIExport: the console's download and `console audit export` write the
// same file for the same filters. The CLI reads its flags with export.Filter and writes with
// export.AuditCSV; the download must give byte for byte what those give. It listed newest
// first where the CLI listed oldest first.
func TestAuditDownloadIsTheCLIExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(viewerName)
	for _, q := range []url.Values{
		{},
		{"source": {"cli"}},
		{"since": {"2000-01-01"}, "until": {"2100-01-01T00:00"}},
		{"actor": {"test"}, "outcome": {"ok"}},
	} {
		t.Run(q.Encode(), func(t *testing.T) {
			c.T = t
			r := c.Get("/audit.csv?" + q.Encode())
			wantStatus(t, r, http.StatusOK)
			f, err := export.Filter(export.Params{Actor: q.Get("actor"), Source: q.Get("source"), Action: q.Get("action"),
				LoadBalancer: q.Get("lb"), Group: q.Get("group"), Outcome: q.Get("outcome"), Since: q.Get("since"), Until: q.Get("until")})
			if err != nil {
				t.Fatal(err)
			}
			var cli bytes.Buffer
			if err := export.AuditCSV(e.ctx, &cli, e.store, f); err != nil {
				t.Fatal(err)
			}
			if rows := len(readCSV(t, cli.String())) - 1; rows < 2 {
				t.Fatalf("the export holds %d rows; want a few, to compare their order", rows)
			}
			if r.Body != cli.String() {
				t.Errorf("the download differs from the CLI's export:\n%.300s\nwant\n%.300s", r.Body, cli.String())
			}
		})
	}
}
