package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/lb"
)

// serverRowIDs returns the data-id of every server row.
func serverRowIDs(d *goquery.Document) []string {
	var out []string
	d.Find(`tr[data-testid="server-row"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-id", ""))
	})
	return out
}

func (e *env) inventory(f db.ServerFilter) db.ServerPage {
	e.t.Helper()
	p, err := e.store.ListServers(e.ctx, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestServerList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(viewerName)
	all := e.inventory(db.ServerFilter{})
	list := func(t *testing.T, q url.Values, opts ...option) *response {
		t.Helper()
		r := c.Get("/servers?"+q.Encode(), opts...)
		wantStatus(t, r, http.StatusOK)
		return r
	}

	t.Run("FullPageShowsTheFirst50", func(t *testing.T) {
		d := list(t, nil).Doc()
		if d.Find("html").Length() != 1 || d.Find(`form[data-testid="server-filters"]`).Length() != 1 {
			t.Error("the full page has no <html> or no filters")
		}
		ids := serverRowIDs(d)
		if len(ids) != 50 || ids[0] != all.Items[0].ID {
			t.Errorf("%d rows starting %v; want 50 starting %s", len(ids), ids[:min(1, len(ids))], all.Items[0].ID)
		}
		s := all.Items[0]
		row := text(d.Find(`tr[data-testid="server-row"][data-id="` + s.ID + `"]`))
		for _, want := range []string{s.ID, s.Name, s.Address, s.SubnetID, s.VpcID, s.RegionID, string(s.Type), string(s.Status)} {
			if !strings.Contains(row, want) {
				t.Errorf("row %q lacks %q", row, want)
			}
		}
		if got := text(d.Find(`[data-testid="pager"]`)); !strings.Contains(got, "1–50 of 480") {
			t.Errorf("pager = %q; want 1–50 of 480", got)
		}
	})

	t.Run("LastPage", func(t *testing.T) {
		ids := serverRowIDs(list(t, url.Values{"page": {"10"}}).Doc())
		if len(ids) != 30 || ids[29] != all.Items[479].ID {
			t.Errorf("page 10 has %d rows; want the last 30", len(ids))
		}
	})

	t.Run("SearchByIDNameOrAddress", func(t *testing.T) {
		s := all.Items[123]
		for _, q := range []string{s.ID, s.Name, s.Address} {
			ids := serverRowIDs(list(t, url.Values{"q": {q}}).Doc())
			if !containsString(ids, s.ID) {
				t.Errorf("search %q did not find %s (got %v)", q, s.ID, ids)
			}
			want := e.inventory(db.ServerFilter{Query: q, Limit: 50})
			if len(ids) != len(want.Items) {
				t.Errorf("search %q shows %d rows; want %d", q, len(ids), len(want.Items))
			}
		}
		if d := list(t, url.Values{"q": {"no-such-server"}}).Doc(); d.Find(`[data-testid="server-empty"]`).Length() != 1 {
			t.Error("no empty-state row for a search without matches")
		}
	})

	t.Run("FilterByStatusAndRegion", func(t *testing.T) {
		want := e.inventory(db.ServerFilter{Region: "eu-central-1", Status: lb.StatusStopped})
		if want.Total == 0 {
			t.Fatal("the demo has no stopped server in eu-central-1")
		}
		d := list(t, url.Values{"region": {"eu-central-1"}, "status": {"Stopped"}}).Doc()
		if ids := serverRowIDs(d); len(ids) != want.Total {
			t.Errorf("%d rows; want %d", len(ids), want.Total)
		}
		d.Find(`tr[data-testid="server-row"]`).Each(func(_ int, s *goquery.Selection) {
			if row := text(s); !strings.Contains(row, "eu-central-1") || !strings.Contains(row, "Stopped") {
				t.Errorf("row %q is not a stopped server in eu-central-1", row)
			}
		})
		if d.Find(`select[name="status"] option[selected]`).AttrOr("value", "") != "Stopped" {
			t.Error("the status filter does not keep its value")
		}
	})

	t.Run("HTMXGetsTheTableFragment", func(t *testing.T) {
		r := list(t, url.Values{"status": {"Running"}, "page": {"2"}}, htmx)
		d := r.Doc()
		if strings.Contains(r.Body, "<html") || d.Find(`form[data-testid="server-filters"]`).Length() != 0 {
			t.Error("the htmx answer holds more than the table")
		}
		if d.Find(`table[data-testid="server-table"]`).Length() != 1 || len(serverRowIDs(d)) != 50 {
			t.Errorf("the htmx answer should be the table with 50 rows:\n%s", r.Snippet())
		}
		if href := d.Find(`[data-testid="pager"] a[rel="next"]`).AttrOr("href", ""); !strings.Contains(href, "status=Running") || !strings.Contains(href, "page=3") {
			t.Errorf("next link %q does not keep the filter", href)
		}
	})

	t.Run("ErrStatus", func(t *testing.T) {
		wantStatus(t, c.Get("/servers?status=Exploded"), http.StatusBadRequest)
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// uploadCSV posts content as the multipart file field "file" named servers.csv, with the
// browser's CSRF token.
func uploadCSV(c *client, content []byte, opts ...option) *response {
	c.T.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_csrf", c.CSRF); err != nil {
		c.T.Fatal(err)
	}
	part, err := w.CreateFormFile("file", "servers.csv")
	if err != nil {
		c.T.Fatal(err)
	}
	part.Write(content)
	if err := w.Close(); err != nil {
		c.T.Fatal(err)
	}
	return c.Do(http.MethodPost, "/servers/import", &body, append(opts, header("Content-Type", w.FormDataContentType()))...)
}

// importCSV is a file of n good servers named idPrefix000… in the subnet of a demo server, at
// the free addresses from .first on.
func importCSV(t *testing.T, e *env, idPrefix string, first, n int) (csv string, ids []string) {
	t.Helper()
	s := e.inventory(db.ServerFilter{Limit: 1}).Items[0]
	prefix := s.Address[:strings.LastIndex(s.Address, ".")+1]
	var b strings.Builder
	b.WriteString("id,name,address,subnet_id,type,status\n")
	for i := range n {
		id := fmt.Sprintf("%s%03d", idPrefix, i)
		fmt.Fprintf(&b, "%s,imported %d,%s%d,%s,ecs,Running\n", id, i, prefix, first+i, s.SubnetID)
		ids = append(ids, id)
	}
	return b.String(), ids
}

func (e *env) importAudit() []db.AuditEntry {
	e.t.Helper()
	p, err := e.store.ListAudit(e.ctx, db.AuditFilter{Action: db.ActionImportServers})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Items
}

func TestServerImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)

	t.Run("OK", func(t *testing.T) {
		csv, ids := importCSV(t, e, "i-imported", 200, 3)
		admin.Get("/servers")
		r := uploadCSV(admin, []byte(csv))
		// The inventory is answered at an address of its own, so that a reload imports nothing.
		wantStatus(t, r, http.StatusSeeOther)
		r = admin.Get(r.Header.Get("Location"))
		wantStatus(t, r, http.StatusOK)
		if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "Imported 3 servers from servers.csv") {
			t.Errorf("flash = %q", got)
		}
		shown := serverRowIDs(admin.Get("/servers?q=i-imported").Doc())
		if strings.Join(shown, " ") != strings.Join(ids, " ") {
			t.Errorf("servers shown = %v; want %v", shown, ids)
		}
		a := e.importAudit()
		if len(a) != 1 || a[0].Outcome != db.OutcomeOK || a[0].Actor != adminName || a[0].Count != 3 ||
			a[0].Servers != strings.Join(ids, " ") || a[0].Request != "servers.csv: 3 rows" || a[0].RequestID == "" {
			t.Errorf("import audit entries = %+v; want one applied import of the 3", a)
		}
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		before := e.inventory(db.ServerFilter{}).Total
		audit := len(e.importAudit())
		csv, _ := importCSV(t, e, "i-again", 210, 5)
		lines := strings.Split(csv, "\n")
		lines[3] = strings.Replace(lines[3], ",ecs,", ",vm,", 1)                                           // line 4: bad type
		lines[5] = "i-again004,imported 4,192.168.1.1," + strings.Split(lines[5], ",")[3] + ",ecs,Running" // line 6: outside the subnet
		lines[2] = "i-again001,two fields too few,10.0.0.1,ecs"                                            // line 3: 4 fields
		r := uploadCSV(admin, []byte(strings.Join(lines, "\n")))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		got := map[string]string{}
		r.Doc().Find(`li[data-testid="import-problem"]`).Each(func(_ int, s *goquery.Selection) {
			got[s.AttrOr("data-line", "")] = text(s)
		})
		want := map[string]string{"3": "has 4 fields", "4": `type "vm"`, "6": "not in subnet"}
		if len(got) != len(want) {
			t.Errorf("problems = %v; want lines 3, 4 and 6", got)
		}
		for line, reason := range want {
			if !strings.Contains(got[line], reason) || !strings.HasPrefix(got[line], "Line "+line+":") {
				t.Errorf("line %s: %q; want it to say %q", line, got[line], reason)
			}
		}
		if n := e.inventory(db.ServerFilter{}).Total; n != before {
			t.Errorf("%d servers after a refused import; want %d", n, before)
		}
		if n := e.inventory(db.ServerFilter{Query: "i-again"}).Total; n != 0 {
			t.Errorf("%d of the good rows were imported; want none", n)
		}
		a := e.importAudit()
		if len(a) != audit+1 || a[0].Outcome != "invalid" || !strings.Contains(a[0].Message, "line 3:") || !strings.Contains(a[0].Message, "line 6:") {
			t.Errorf("newest import audit entry = %+v; want a refusal naming lines 3 and 6", a[0])
		}
	})

	t.Run("ErrHeader", func(t *testing.T) {
		r := uploadCSV(admin, []byte("id,name,ip,subnet_id,type,status\ni-x1,x,10.0.0.1,vsw-1,ecs,Running\n"))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := text(r.Doc().Find(`li[data-testid="import-problem"][data-line="1"]`)); !strings.Contains(got, `unknown column "ip"`) {
			t.Errorf("problem = %q; want the header's unknown column", got)
		}
	})

	t.Run("ColumnsInAnyOrder", func(t *testing.T) {
		csv, _ := importCSV(t, e, "i-reordered", 220, 1)
		lines := strings.Split(csv, "\n")
		f := strings.Split(lines[1], ",")
		reordered := "status,type,subnet_id,address,name,id\n" + strings.Join([]string{f[5], f[4], f[3], f[2], f[1], f[0]}, ",") + "\n"
		wantStatus(t, uploadCSV(admin, []byte(reordered)), http.StatusSeeOther)
		if n := e.inventory(db.ServerFilter{Query: "i-reordered"}).Total; n != 1 {
			t.Errorf("%d reordered servers imported; want 1", n)
		}
	})

	t.Run("ErrTooLarge", func(t *testing.T) {
		before := e.inventory(db.ServerFilter{}).Total
		csv, _ := importCSV(t, e, "i-big", 230, 1)
		big := []byte(csv + strings.Repeat("#", 1<<20))
		r := uploadCSV(admin, big)
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		if got := text(r.Doc().Find(`#file-error`)); !strings.Contains(got, "larger than 1024 KiB") {
			t.Errorf("file error = %q; want the size limit", got)
		}
		if n := e.inventory(db.ServerFilter{}).Total; n != before {
			t.Error("an oversized file imported something")
		}
	})

	// A browser sends Sec-Fetch-Site, so the CSRF middleware does not parse the form: the
	// handler's cap on the body is what stops the reading.
	t.Run("ErrTooLargeFromABrowser", func(t *testing.T) {
		admin.Get("/servers")
		r := uploadCSV(admin, bytes.Repeat([]byte("#"), 3<<19), header("Sec-Fetch-Site", "same-origin"))
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		if got := text(r.Doc().Find(`#file-error`)); !strings.Contains(got, "larger than 1024 KiB") {
			t.Errorf("file error = %q; want the size limit", got)
		}
	})

	// Past the router's own cap, nothing reads the body at all.
	t.Run("ErrTooLargeForAnyRequest", func(t *testing.T) {
		admin.Get("/servers")
		r := uploadCSV(admin, bytes.Repeat([]byte("#"), 4<<20), header("Sec-Fetch-Site", "same-origin"))
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		if got := text(r.Doc().Find(`[data-testid=error]`)); !strings.Contains(got, "larger than 2 MiB") {
			t.Errorf("error = %q; want the size limit", got)
		}
	})

	t.Run("ErrNoFile", func(t *testing.T) {
		admin.Get("/servers")
		r := admin.Post("/servers/import", admin.WithCSRF(url.Values{}))
		if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
			t.Errorf("import without a file = %d; want 422 or 400", r.StatusCode)
		}
	})

	t.Run("OnlyAdmins", func(t *testing.T) {
		for i, name := range []string{operatorName, viewerName} {
			c := e.signIn(name)
			d := c.Get("/servers").Doc()
			if d.Find(`form[data-testid="import-form"]`).Length() != 0 {
				t.Errorf("%s sees the import form", name)
			}
			before := e.inventory(db.ServerFilter{}).Total
			audit := e.auditTotal()
			csv, _ := importCSV(t, e, "i-"+name, 240+10*i, 2)
			wantStatus(t, uploadCSV(c, []byte(csv)), http.StatusForbidden)
			if e.inventory(db.ServerFilter{}).Total != before || e.auditTotal() != audit {
				t.Errorf("%s's refused import changed the inventory or the audit log", name)
			}
		}
		if admin.Get("/servers").Doc().Find(`form[data-testid="import-form"] input[name="_csrf"]`).AttrOr("value", "") == "" {
			t.Error("the admin's import form has no _csrf")
		}
	})
}
