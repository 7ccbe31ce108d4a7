package handlers_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/lb"
)

// groupFixture is a signed-in operator on the big group's page.
type groupFixture struct {
	e       *env
	c       *client
	lbID    string
	group   db.GroupSummary
	path    string
	version string
}

func newGroupFixture(t *testing.T, e *env) *groupFixture {
	t.Helper()
	lbID, g := e.bigGroup()
	f := &groupFixture{e: e, c: e.signIn(operatorName), lbID: lbID, group: g, path: groupPath(lbID, g.ID)}
	f.reload(t)
	return f
}

// reload loads the group page again, as a user would before their next batch.
func (f *groupFixture) reload(t *testing.T) *goquery.Document {
	t.Helper()
	r := f.c.Get(f.path)
	wantStatus(t, r, http.StatusOK)
	d := r.Doc()
	f.version, _ = batchFormValues(t, d)
	return d
}

func (f *groupFixture) snapshot() snapshot { return f.e.snapshot(f.lbID, f.group.ID) }

func (f *groupFixture) assertUnchanged(t *testing.T, s snapshot, audit bool) {
	t.Helper()
	f.e.assertUnchanged(t, f.lbID, f.group.ID, s, audit)
}

func serverIDs(ms []lb.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ServerID
	}
	return out
}

func TestBatchRemoveAcceptance(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	members := e.members(f.group.ID)
	chosen := pickMembers(t, members, 3)
	form := f.c.WithCSRF(batchForm("remove", f.version, ids(chosen)))
	version, _ := strconv.ParseInt(f.version, 10, 64)
	var batchRequestID string

	t.Run("PreviewListsExactlyTheSelectedServersAndChangesNothing", func(t *testing.T) {
		before := f.snapshot()
		r := f.c.Post(f.path+"/preview", form, htmx)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(strings.ToLower(r.Body), "<html") {
			t.Error("the htmx preview is a whole page; want the fragment")
		}
		d := r.Doc()
		p := d.Find(`[data-testid="preview"]`)
		if p.Length() != 1 {
			t.Fatalf("no preview in:\n%s", r.Snippet())
		}
		var got []string
		p.Find(`[data-testid="diff-removed"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("data-server-id", "")) })
		want := serverIDs(chosen)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("preview removes %v; want exactly %v", got, want)
		}
		if n := p.Find(`[data-testid="diff-added"], [data-testid="diff-changed"]`).Length(); n != 0 {
			t.Errorf("preview of a removal adds or changes %d rows", n)
		}
		apply := p.Find(`form[data-testid="apply-form"]`)
		var posted []string
		apply.Find(`input[name="member"]`).Each(func(_ int, s *goquery.Selection) { posted = append(posted, s.AttrOr("value", "")) })
		if !slices.Equal(posted, ids(chosen)) {
			t.Errorf("the apply form would post members %v; want %v", posted, ids(chosen))
		}
		if v := apply.Find(`input[name="version"]`).AttrOr("value", ""); v != f.version {
			t.Errorf("the apply form would post version %q; want the previewed %s", v, f.version)
		}
		if op := apply.Find(`input[name="op"]`).AttrOr("value", ""); op != "remove" {
			t.Errorf("the apply form would post op %q; want remove", op)
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("ApplyRemovesThemAndSaysWhich", func(t *testing.T) {
		auditBefore := e.auditTotal()
		r := f.c.Post(f.path+"/batch", form, htmx)
		wantStatus(t, r, http.StatusOK)
		batchRequestID = r.Header.Get("X-Request-Id")
		d := r.Doc()
		flash := text(d.Find(`[data-testid="flash"]`))
		for _, m := range chosen {
			if !strings.Contains(flash, m.ServerID) {
				t.Errorf("flash %q does not name %s", flash, m.ServerID)
			}
		}
		rows := rowsByID(memberRows(d))
		if len(rows) != len(members)-3 {
			t.Errorf("the refreshed table has %d rows; want %d", len(rows), len(members)-3)
		}
		for _, m := range chosen {
			if _, ok := rows[m.ID]; ok {
				t.Errorf("the refreshed table still shows removed member %s", m.ID)
			}
		}
		if v := d.Find(`input[name="version"]`).AttrOr("value", ""); v != strconv.FormatInt(version+1, 10) {
			t.Errorf("the refreshed form carries version %s; want %d", v, version+1)
		}
		if oob := d.Find(`#preview[hx-swap-oob]`); oob.Length() != 1 || strings.TrimSpace(oob.Text()) != "" {
			t.Error("the answer does not clear the preview")
		}
		now := e.members(f.group.ID)
		if len(now) != len(members)-3 {
			t.Errorf("the group has %d members; want %d", len(now), len(members)-3)
		}
		for _, m := range now {
			if slices.Contains(ids(chosen), m.ID) {
				t.Errorf("member %s is still in the database", m.ID)
			}
		}
		if got := e.groupVersion(f.lbID, f.group.ID); got != version+1 {
			t.Errorf("group version = %d; want %d", got, version+1)
		}
		if got := e.auditTotal(); got != auditBefore+1 {
			t.Errorf("audit entries = %d; want %d", got, auditBefore+1)
		}
	})

	t.Run("AuditPageShowsTheBatchNewestFirst", func(t *testing.T) {
		r := f.c.Get("/audit")
		wantStatus(t, r, http.StatusOK)
		rows := r.Doc().Find(`tr[data-testid="audit-row"]`)
		if rows.Length() == 0 {
			t.Fatal("no audit rows")
		}
		servers := text(rows.First().Find(`[data-testid="audit-servers"]`))
		for _, m := range chosen {
			if !strings.Contains(servers, m.ServerID) {
				t.Errorf("newest audit row's servers %q lack %s", servers, m.ServerID)
			}
		}
		if !strings.Contains(text(rows.First()), operatorName) {
			t.Errorf("newest audit row %q does not name the actor %s", text(rows.First()), operatorName)
		}
	})

	t.Run("AuditCSVHasTheBatch", func(t *testing.T) {
		r := f.c.Get("/audit.csv")
		wantStatus(t, r, http.StatusOK)
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("Content-Disposition = %q; want attachment", cd)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type = %q; want text/csv", ct)
		}
		recs := readCSV(t, r.Body)
		col := columns(t, recs[0])
		newest, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
		if err != nil || len(newest.Items) == 0 {
			t.Fatal("no audit entry in the store", err)
		}
		seq := strconv.FormatInt(newest.Items[0].Seq, 10)
		var row []string
		for _, rec := range recs[1:] {
			if rec[col["seq"]] == seq {
				row = rec
			}
		}
		if row == nil {
			t.Fatalf("no CSV row with seq %s", seq)
		}
		for _, m := range chosen {
			if !strings.Contains(row[col["servers"]], m.ServerID) {
				t.Errorf("CSV servers %q lack %s", row[col["servers"]], m.ServerID)
			}
		}
		for name, want := range map[string]string{"actor": operatorName, "source": "console", "action": "remove",
			"load_balancer": f.lbID, "group": f.group.ID, "outcome": "ok", "request_id": batchRequestID} {
			if got := row[col[name]]; got != want {
				t.Errorf("CSV %s = %q; want %q", name, got, want)
			}
		}
	})

	t.Run("RemovalIgnoresAMemberIDNotInTheGroup", func(t *testing.T) {
		f.reload(t)
		now := e.members(f.group.ID)
		two := pickMembers(t, now, 2)
		bogus := "00000000-0000-4000-8000-000000000000"
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("remove", f.version, []string{two[0].ID, bogus, two[1].ID})), htmx)
		wantStatus(t, r, http.StatusOK)
		flash := text(r.Doc().Find(`[data-testid="flash"]`))
		for _, m := range two {
			if !strings.Contains(flash, m.ServerID) {
				t.Errorf("flash %q does not name %s", flash, m.ServerID)
			}
		}
		after := e.members(f.group.ID)
		if len(after) != len(now)-2 {
			t.Errorf("the group has %d members; want %d", len(after), len(now)-2)
		}
		for _, m := range after {
			if m.ID == two[0].ID || m.ID == two[1].ID {
				t.Errorf("member %s was not removed", m.ID)
			}
		}
	})

	t.Run("RemovalIgnoresAMemberOfAnotherGroup", func(t *testing.T) {
		f.reload(t)
		groups, err := e.store.ListGroups(e.ctx, f.lbID)
		if err != nil {
			t.Fatal(err)
		}
		var other db.GroupSummary
		for _, g := range groups {
			if g.ID != f.group.ID && g.Members > 0 {
				other = g
				break
			}
		}
		foreign := e.members(other.ID)[0]
		mine := pickMembers(t, e.members(f.group.ID), 1)[0]
		otherBefore := len(e.members(other.ID))
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("remove", f.version, []string{foreign.ID, mine.ID})), htmx)
		wantStatus(t, r, http.StatusOK)
		if got := len(e.members(other.ID)); got != otherBefore {
			t.Errorf("group %s has %d members; want it untouched at %d", other.ID, got, otherBefore)
		}
		for _, m := range e.members(f.group.ID) {
			if m.ID == mine.ID {
				t.Errorf("member %s was not removed", mine.ID)
			}
		}
	})

	t.Run("AuditPageIsNewestFirst", func(t *testing.T) {
		r := f.c.Get("/audit")
		var seqs []int
		r.Doc().Find(`tr[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
			n, err := strconv.Atoi(s.AttrOr("data-seq", ""))
			if err != nil {
				t.Errorf("audit row data-seq %q is not a number", s.AttrOr("data-seq", ""))
			}
			seqs = append(seqs, n)
		})
		if len(seqs) < 3 {
			t.Fatalf("%d audit rows; want at least 3", len(seqs))
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] >= seqs[i-1] {
				t.Errorf("audit rows %v are not newest first", seqs)
				break
			}
		}
	})
}

func TestBatchWithoutHTMX(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	chosen := pickMembers(t, e.members(f.group.ID), 2)
	form := f.c.WithCSRF(batchForm("drain", f.version, ids(chosen)))

	t.Run("PreviewIsAWholePage", func(t *testing.T) {
		r := f.c.Post(f.path+"/preview", form)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if d.Find("html").Length() != 1 || d.Find(`[data-testid="preview"]`).Length() != 1 {
			t.Errorf("want a whole page with the preview:\n%s", r.Snippet())
		}
		if n := d.Find(`[data-testid="diff-changed"]`).Length(); n != 2 {
			t.Errorf("preview changes %d rows; want 2", n)
		}
		checked := d.Find(`input[name="member"][checked]`)
		if checked.Length() != 2 {
			t.Errorf("%d boxes still checked; want the 2 selected", checked.Length())
		}
	})

	t.Run("ApplyIsAWholePageWithTheMessage", func(t *testing.T) {
		r := f.c.Post(f.path+"/batch", form)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if d.Find("html").Length() != 1 || d.Find(`form[data-testid="batch-form"]`).Length() != 1 {
			t.Error("want the whole group page")
		}
		if d.Find(`[data-testid="flash"]`).Length() != 1 {
			t.Error("no flash")
		}
		rows := rowsByID(memberRows(d))
		for _, m := range chosen {
			if rows[m.ID].Weight != "0" {
				t.Errorf("member %s weight = %s; want 0", m.ID, rows[m.ID].Weight)
			}
		}
	})
}

func TestBatchRefusedWithoutTokenSessionOrRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	chosen := pickMembers(t, e.members(f.group.ID), 3)
	bare := batchForm("remove", f.version, ids(chosen))

	t.Run("NoTokenIs403", func(t *testing.T) {
		before := f.snapshot()
		for _, hx := range []bool{false, true} {
			var opts []option
			if hx {
				opts = append(opts, htmx)
			}
			r := f.c.Post(f.path+"/batch", bare, opts...)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("batch without _csrf (htmx %v) = %d; want 403", hx, r.StatusCode)
			}
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("WrongTokenIs403", func(t *testing.T) {
		before := f.snapshot()
		form := batchForm("remove", f.version, ids(chosen), "_csrf", "not-the-token")
		wantStatus(t, f.c.Post(f.path+"/batch", form), http.StatusForbidden)
		wantStatus(t, f.c.Post(f.path+"/batch", bare, header("X-CSRF-Token", "not-the-token")), http.StatusForbidden)
		f.assertUnchanged(t, before, true)
	})

	t.Run("TokenOfAnotherBrowserIs403", func(t *testing.T) {
		before := f.snapshot()
		other := e.signIn(operatorName)
		other.Get(f.path)
		if other.CSRF == f.c.CSRF {
			t.Fatal("two browsers share one CSRF token")
		}
		form := batchForm("remove", f.version, ids(chosen), "_csrf", other.CSRF)
		wantStatus(t, f.c.Post(f.path+"/batch", form), http.StatusForbidden)
		f.assertUnchanged(t, before, true)
	})

	t.Run("TokenInTheHeaderIsAccepted", func(t *testing.T) {
		before := f.snapshot()
		r := f.c.Post(f.path+"/preview", bare, htmx, header("X-CSRF-Token", f.c.CSRF))
		wantStatus(t, r, http.StatusOK)
		if r.Doc().Find(`[data-testid="preview"]`).Length() != 1 {
			t.Error("no preview")
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("NoSessionIsNot2xx", func(t *testing.T) {
		before := f.snapshot()
		anon := e.browser()
		anon.Get("/login") // a CSRF cookie and token, but no session
		r := anon.Post(f.path+"/batch", anon.WithCSRF(bare))
		if r.StatusCode >= 200 && r.StatusCode < 300 {
			t.Errorf("batch without a session = %d; want a refusal", r.StatusCode)
		}
		r = anon.Post(f.path+"/batch", anon.WithCSRF(bare), htmx)
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login" {
			t.Errorf("htmx batch without a session = %d, HX-Redirect %q; want 401 and /login", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
		r = e.browser().Post(f.path+"/batch", batchForm("remove", f.version, ids(chosen), "_csrf", "x"))
		if r.StatusCode >= 200 && r.StatusCode < 300 {
			t.Errorf("batch with no cookies at all = %d; want a refusal", r.StatusCode)
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("ViewerIs403", func(t *testing.T) {
		before := f.snapshot()
		v := e.signIn(viewerName)
		v.Get(f.path)
		for _, action := range []string{"/preview", "/batch"} {
			r := v.Post(f.path+action, v.WithCSRF(bare))
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("viewer POST %s = %d; want 403", action, r.StatusCode)
			}
			if got := text(r.Doc().Find(`[data-testid="error"]`)); !strings.Contains(got, "role") {
				t.Errorf("viewer POST %s error = %q; want it to say the role does not allow it", action, got)
			}
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("AdminMayApply", func(t *testing.T) {
		a := e.signIn(adminName)
		a.Get(f.path)
		r := a.Post(f.path+"/batch", a.WithCSRF(bare))
		wantStatus(t, r, http.StatusOK)
		if n := len(e.members(f.group.ID)); n != f.group.Members-3 {
			t.Errorf("the group has %d members; want %d", n, f.group.Members-3)
		}
	})
}

func TestBatchStaleVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	seen := f.version
	ms := e.members(f.group.ID)
	first := pickMembers(t, ms, 1)
	// Someone else changes the group after this user loaded it.
	other := e.signIn(operatorName)
	other.Get(f.path)
	wantStatus(t, other.Post(f.path+"/batch", other.WithCSRF(batchForm("drain", seen, ids(first))), htmx), http.StatusOK)
	chosen := pickMembers(t, e.members(f.group.ID)[len(ms)/2:], 3)
	stale := f.c.WithCSRF(batchForm("remove", seen, ids(chosen)))

	t.Run("ApplyOnAnOldVersionIs409AndAppliesNothing", func(t *testing.T) {
		before := f.snapshot()
		r := f.c.Post(f.path+"/batch", stale, htmx)
		wantStatus(t, r, http.StatusConflict)
		d := r.Doc()
		flash := text(d.Find(`[data-testid="flash"]`))
		if !strings.Contains(flash, "changed") {
			t.Errorf("flash %q does not say the group changed", flash)
		}
		f.assertUnchanged(t, before, false)
		if v := d.Find(`input[name="version"]`).AttrOr("value", ""); v != strconv.FormatInt(before.version, 10) {
			t.Errorf("the refreshed table carries version %s; want the current %d", v, before.version)
		}
		if n := len(memberRows(d)); n != len(before.members) {
			t.Errorf("the refreshed table has %d rows; want %d", n, len(before.members))
		}
		if changes := text(d.Find(`[data-testid="changes"]`)); !strings.Contains(changes, first[0].ServerID) {
			t.Errorf("changes since the version seen %q do not name %s, which the other operator drained", changes, first[0].ServerID)
		}
		for _, m := range chosen {
			if d.Find(`input[name="member"][value="`+m.ID+`"][checked]`).Length() != 1 {
				t.Errorf("member %s is no longer selected; want the selection kept to retry", m.ID)
			}
		}
	})

	t.Run("PreviewOnAnOldVersionIs409", func(t *testing.T) {
		before := f.snapshot()
		r := f.c.Post(f.path+"/preview", stale, htmx)
		wantStatus(t, r, http.StatusConflict)
		if got := text(r.Doc().Find(`[data-testid="preview-error"]`)); !strings.Contains(got, "changed") {
			t.Errorf("preview error %q does not say the group changed", got)
		}
		f.assertUnchanged(t, before, true)
	})

	t.Run("VersionZeroDoesNotSkipTheCheck", func(t *testing.T) {
		before := f.snapshot()
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("remove", "0", ids(chosen))), htmx)
		if r.StatusCode < 400 {
			t.Errorf("batch with version 0 = %d; want a refusal", r.StatusCode)
		}
		f.assertUnchanged(t, before, false)
	})
}

func TestBatchBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	chosen := ids(pickMembers(t, e.members(f.group.ID), 2))

	type tc struct {
		name    string
		form    url.Values
		status  int
		message string // in the answer
	}
	cases := []tc{
		{"UnknownOpIs400NamingOp", batchForm("explode", f.version, chosen), http.StatusBadRequest, "op"},
		{"MissingOpIs400", batchForm("", f.version, chosen), http.StatusBadRequest, "op"},
		{"VersionNotANumberIs400", batchForm("remove", "abc", chosen), http.StatusBadRequest, "version"},
		{"MissingVersionIs400", batchForm("remove", "", chosen), http.StatusBadRequest, "version"},
		{"NoMemberSelectedIs422", batchForm("remove", f.version, nil), http.StatusUnprocessableEntity, "select"},
		{"MalformedMemberIDIs400", batchForm("remove", f.version, []string{`a"><script>`}), http.StatusBadRequest, "member"},
		{"WeightNotANumberIs422", batchForm("weights", f.version, chosen, "weight", "abc"), http.StatusUnprocessableEntity, "weight"},
		{"WeightMissingIs422", batchForm("weights", f.version, chosen), http.StatusUnprocessableEntity, "weight"},
		{"Weight101IsOutOfRange", batchForm("weights", f.version, chosen, "weight", "101"), http.StatusUnprocessableEntity, "between 0 and 100"},
		{"WeightMinus1IsOutOfRange", batchForm("weights", f.version, chosen, "weight", "-1"), http.StatusUnprocessableEntity, "between 0 and 100"},
		{"UnknownMemberForWeightsIs422", batchForm("drain", f.version, []string{"00000000-0000-4000-8000-000000000000"}), http.StatusUnprocessableEntity, "not in group"},
	}
	var tooMany []string
	for _, m := range e.members(f.group.ID)[:lb.MaxConsoleEntries+1] {
		tooMany = append(tooMany, m.ID)
	}
	cases = append(cases, tc{"MoreThan200MembersIsRefused", batchForm("drain", f.version, tooMany), http.StatusUnprocessableEntity, "200"})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, action := range []string{"/preview", "/batch"} {
				for _, hx := range []bool{true, false} {
					before := f.snapshot()
					opts := []option{}
					if hx {
						opts = append(opts, htmx)
					}
					r := f.c.Post(f.path+action, f.c.WithCSRF(c.form), opts...)
					if r.StatusCode != c.status {
						t.Errorf("POST %s (htmx %v) = %d; want %d\n%s", action, hx, r.StatusCode, c.status, r.Snippet())
						continue
					}
					msg := text(r.Doc().Find(`[data-testid="error"], [data-testid="preview-error"], [data-testid="flash"]`))
					if !strings.Contains(msg, c.message) {
						t.Errorf("POST %s (htmx %v) says %q; want it to mention %q", action, hx, msg, c.message)
					}
					// A refusal by the store is audited; one by the form never reaches it.
					f.assertUnchanged(t, before, c.status == http.StatusBadRequest || action == "/preview")
				}
			}
		})
	}

	t.Run("UnknownLoadBalancerOrGroupIs404", func(t *testing.T) {
		before := f.snapshot()
		form := f.c.WithCSRF(batchForm("remove", f.version, chosen))
		var otherLB string
		for _, l := range allLBs(e) {
			if l.ID != f.lbID {
				otherLB = l.ID
				break
			}
		}
		for _, p := range []string{
			groupPath("lb-doesnotexist", f.group.ID),
			groupPath(f.lbID, "rsp-doesnotexist"),
			groupPath(otherLB, f.group.ID),
		} {
			for _, action := range []string{"/preview", "/batch"} {
				r := f.c.Post(p+action, form, htmx)
				if r.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s%s = %d; want 404", p, action, r.StatusCode)
				}
			}
		}
		f.assertUnchanged(t, before, true)
	})
}

func TestBatchDrainAndWeights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	var full []lb.Member
	for _, m := range e.members(f.group.ID) {
		if m.Weight == 100 {
			full = append(full, m)
		}
	}
	drained := pickMembers(t, full, 2)

	t.Run("DrainSetsWeightZero", func(t *testing.T) {
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("drain", f.version, ids(drained))), htmx)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		rows := rowsByID(memberRows(d))
		for _, m := range drained {
			if got := rows[m.ID].Weight; got != "0" {
				t.Errorf("member %s data-weight = %q; want 0", m.ID, got)
			}
		}
		flash := text(d.Find(`[data-testid="flash"]`))
		for _, m := range drained {
			if !strings.Contains(flash, m.ServerID) {
				t.Errorf("flash %q does not name %s", flash, m.ServerID)
			}
		}
		changed := 0
		for _, m := range e.members(f.group.ID) {
			if slices.Contains(ids(drained), m.ID) {
				changed++
				if m.Weight != 0 {
					t.Errorf("member %s weight in the database = %d; want 0", m.ID, m.Weight)
				}
			}
		}
		if changed != 2 {
			t.Errorf("found %d of the drained members; want 2", changed)
		}
	})

	t.Run("SetWeightsSetsTheWeight", func(t *testing.T) {
		f.reload(t)
		r := f.c.Post(f.path+"/preview", f.c.WithCSRF(batchForm("weights", f.version, ids(drained), "weight", "50")), htmx)
		wantStatus(t, r, http.StatusOK)
		diff := text(r.Doc().Find(`[data-testid="diff-changed"]`))
		if !strings.Contains(diff, "0 → 50") {
			t.Errorf("preview %q does not show 0 → 50", diff)
		}
		r = f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("weights", f.version, ids(drained), "weight", " 50 ")), htmx)
		wantStatus(t, r, http.StatusOK)
		rows := rowsByID(memberRows(r.Doc()))
		for _, m := range drained {
			if got := rows[m.ID].Weight; got != "50" {
				t.Errorf("member %s data-weight = %q; want 50", m.ID, got)
			}
		}
		for _, m := range e.members(f.group.ID) {
			if slices.Contains(ids(drained), m.ID) && m.Weight != 50 {
				t.Errorf("member %s weight in the database = %d; want 50", m.ID, m.Weight)
			}
		}
	})

	t.Run("NoChangeSaysNothingChanged", func(t *testing.T) {
		f.reload(t)
		before := f.snapshot()
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("weights", f.version, ids(drained), "weight", "50")), htmx)
		wantStatus(t, r, http.StatusOK)
		if flash := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(flash, "Nothing changed") {
			t.Errorf("flash %q; want it to say nothing changed", flash)
		}
		f.assertUnchanged(t, before, false)
	})

	t.Run("DefaultListDrain", func(t *testing.T) {
		path := groupPath(f.lbID, "default")
		d := f.c.Get(path).Doc()
		version, _ := batchFormValues(t, d)
		rows := memberRows(d)
		if len(rows) == 0 {
			t.Fatal("the default list is empty")
		}
		r := f.c.Post(path+"/batch", f.c.WithCSRF(batchForm("drain", version, []string{rows[0].ID})), htmx)
		wantStatus(t, r, http.StatusOK)
		if got := rowsByID(memberRows(r.Doc()))[rows[0].ID].Weight; got != "0" {
			t.Errorf("default-list member weight = %q; want 0", got)
		}
	})
}

// readCSV parses an export, failing on any malformed row: every row must have as many cells as
// the header.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(body))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV is not well-formed: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("the CSV is empty")
	}
	return recs
}

// columns maps the header's names to their index, checking the names scripts rely on.
func columns(t *testing.T, header []string) map[string]int {
	t.Helper()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, want := range []string{"seq", "time", "actor", "source", "action", "load_balancer", "group", "outcome", "servers", "request_id"} {
		if _, ok := col[want]; !ok {
			t.Errorf("the CSV header %v lacks %s", header, want)
		}
	}
	return col
}

func TestAuditCSVIsSafe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	hostile := []string{"=SUM(1+1),x\r\ny", "@cmd|calc!A0", "+1,2;3", "-2+3", "\t=1", "\r=1"}
	for _, h := range hostile {
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("drain", f.version, []string{h})), htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
	}
	total := e.auditTotal()
	r := f.c.Get("/audit.csv")
	wantStatus(t, r, http.StatusOK)
	recs := readCSV(t, r.Body)
	columns(t, recs[0])

	t.Run("OneRowPerEntry", func(t *testing.T) {
		if got := len(recs) - 1; got != total {
			t.Errorf("%d data rows; want %d, one per audit entry", got, total)
		}
	})

	t.Run("HostileValuesStayInTheirCell", func(t *testing.T) {
		nl := strings.NewReplacer("\r\n", "\n")
		for _, h := range hostile {
			found := false
			for _, rec := range recs[1:] {
				for _, cell := range rec {
					found = found || strings.Contains(cell, nl.Replace(h))
				}
			}
			if !found {
				t.Errorf("no cell holds %q whole", h)
			}
		}
	})

	t.Run("NoCellStartsAFormula", func(t *testing.T) {
		for i, rec := range recs {
			for j, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("row %d cell %s = %q starts a formula", i, recs[0][j], cell)
				}
			}
		}
	})

	t.Run("FiltersApplyToTheExport", func(t *testing.T) {
		// The users the test signs in with were made on the command line, and audited there.
		r := f.c.Get("/audit.csv?outcome=ok&source=console")
		wantStatus(t, r, http.StatusOK)
		if got := readCSV(t, r.Body); len(got) != 1 {
			t.Errorf("outcome=ok exported %d rows; want only the header (every batch here was refused)", len(got)-1)
		}
		r = f.c.Get("/audit.csv?actor=" + operatorName)
		if got := readCSV(t, r.Body); len(got)-1 != len(hostile) {
			t.Errorf("actor=%s exported %d rows; want %d", operatorName, len(got)-1, len(hostile))
		}
		wantStatus(t, f.c.Get("/audit.csv?since=yesterday"), http.StatusBadRequest)
	})

	t.Run("AuditPageEscapesHostileValues", func(t *testing.T) {
		r := f.c.Get("/audit")
		wantStatus(t, r, http.StatusOK)
		var rows []string
		r.Doc().Find(`tr[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) { rows = append(rows, s.Text()) })
		if len(rows) != total {
			t.Errorf("%d audit rows; want %d", len(rows), total)
		}
		nl := strings.NewReplacer("\r\n", "\n", "\r", "\n")
		for _, h := range hostile {
			found := false
			for _, row := range rows {
				found = found || strings.Contains(row, nl.Replace(h))
			}
			if !found {
				t.Errorf("no audit row shows %q as text", h)
			}
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	c := e.signIn(operatorName)
	pages := []struct {
		path   string
		status int
	}{
		{"/lbs", 200}, {"/lbs/" + lbID, 200}, {groupPath(lbID, g.ID), 200}, {"/audit", 200},
		{"/lbs/lb-doesnotexist", 404},
	}
	var nonces []string
	for _, p := range pages {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			r := c.Get(p.path)
			wantStatus(t, r, p.status)
			nonces = append(nonces, checkSecurityHeaders(t, r))
		})
	}
	t.Run("login", func(t *testing.T) {
		r := e.browser().Get("/login")
		nonces = append(nonces, checkSecurityHeaders(t, r))
	})
	t.Run("NonceIsFreshEachTime", func(t *testing.T) {
		seen := map[string]bool{}
		for _, n := range nonces {
			if seen[n] {
				t.Errorf("nonce %q used twice", n)
			}
			seen[n] = true
		}
	})
}

// checkSecurityHeaders checks the CSP and its nonce against the page's scripts and returns the nonce.
func checkSecurityHeaders(t *testing.T, r *response) string {
	t.Helper()
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks frame-ancestors 'none'", csp)
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
	}
	i := strings.Index(csp, "'nonce-")
	if i < 0 {
		t.Fatalf("CSP %q has no nonce", csp)
	}
	nonce, _, _ := strings.Cut(csp[i+len("'nonce-"):], "'")
	if len(nonce) < 16 {
		t.Errorf("nonce %q is too short", nonce)
	}
	if strings.Contains(csp, "'unsafe-inline'") {
		t.Errorf("CSP %q allows inline scripts", csp)
	}
	scripts := r.Doc().Find("script")
	if scripts.Length() < 2 {
		t.Errorf("%d scripts; want htmx and app.js", scripts.Length())
	}
	scripts.Each(func(_ int, s *goquery.Selection) {
		if got := s.AttrOr("nonce", ""); got != nonce {
			t.Errorf("script %s has nonce %q; want the CSP's %q", s.AttrOr("src", "(inline)"), got, nonce)
		}
	})
	return nonce
}

func TestAuditPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)
	drained := pickMembers(t, e.members(f.group.ID), 1)
	wantStatus(t, f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("drain", f.version, ids(drained))), htmx), http.StatusOK)
	a := e.signIn(adminName)
	// A refused attempt: the admin names a member that is not in the group.
	version, _ := batchFormValues(t, a.Get(f.path).Doc())
	wantStatus(t, a.Post(f.path+"/batch", a.WithCSRF(batchForm("drain", version, []string{"00000000-0000-4000-8000-000000000000"}))),
		http.StatusUnprocessableEntity)
	rowsOf := func(t *testing.T, r *response) []string {
		t.Helper()
		wantStatus(t, r, http.StatusOK)
		var out []string
		r.Doc().Find(`tr[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
		return out
	}

	t.Run("ListsEveryAttempt", func(t *testing.T) {
		// The users the test signs in with were made on the command line, and audited there.
		if got := rowsOf(t, f.c.Get("/audit?source=console")); len(got) != 2 {
			t.Errorf("%d rows; want 2", len(got))
		}
	})

	t.Run("FilterByActor", func(t *testing.T) {
		got := rowsOf(t, f.c.Get("/audit?actor="+adminName))
		if len(got) != 1 || !strings.Contains(got[0], adminName) {
			t.Errorf("actor=%s rows %q; want the admin's one", adminName, got)
		}
	})

	t.Run("FilterByOutcome", func(t *testing.T) {
		ok := rowsOf(t, f.c.Get("/audit?outcome=ok&source=console"))
		if len(ok) != 1 || !strings.Contains(ok[0], drained[0].ServerID) {
			t.Errorf("outcome=ok rows %q; want the drain of %s", ok, drained[0].ServerID)
		}
		refused := rowsOf(t, f.c.Get("/audit?outcome=refused"))
		if len(refused) != 1 || !strings.Contains(refused[0], "not in group") {
			t.Errorf("outcome=refused rows %q; want the refused one with its message", refused)
		}
	})

	t.Run("FilterByLoadBalancerAndGroup", func(t *testing.T) {
		if got := rowsOf(t, f.c.Get("/audit?lb="+f.lbID+"&group="+f.group.ID)); len(got) != 2 {
			t.Errorf("%d rows for the group; want 2", len(got))
		}
		if got := rowsOf(t, f.c.Get("/audit?lb=lb-doesnotexist")); len(got) != 0 {
			t.Errorf("%d rows for an unknown load balancer; want 0", len(got))
		}
	})

	t.Run("CSVLinkKeepsTheFilters", func(t *testing.T) {
		d := f.c.Get("/audit?actor=" + adminName).Doc()
		href := d.Find(`a[data-testid="audit-csv"]`).AttrOr("href", "")
		u, err := url.Parse(href)
		if err != nil || u.Path != "/audit.csv" || u.Query().Get("actor") != adminName {
			t.Fatalf("CSV link = %q; want /audit.csv?actor=%s", href, adminName)
		}
		recs := readCSV(t, f.c.Get(href).Body)
		if len(recs) != 2 {
			t.Errorf("the filtered CSV has %d data rows; want 1", len(recs)-1)
		}
	})

	t.Run("HTMXGetsOnlyTheTable", func(t *testing.T) {
		r := f.c.Get("/audit?source=console", htmx)
		if strings.Contains(strings.ToLower(r.Body), "<html") {
			t.Error("the htmx answer is a whole page")
		}
		if got := rowsOf(t, r); len(got) != 2 {
			t.Errorf("the fragment has %d rows; want 2", len(got))
		}
	})

	t.Run("BadTimeFilterIs400", func(t *testing.T) {
		r := f.c.Get("/audit?since=last-tuesday")
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r.Doc().Find(`[data-testid="error"]`)); !strings.Contains(got, "since") {
			t.Errorf("error %q does not name since", got)
		}
	})
}

func TestAuditRecordsWhoAndWhatTruthfully(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := newGroupFixture(t, e)

	t.Run("ClientIPIsThePeerNotAForwardedForHeader", func(t *testing.T) {
		m := pickMembers(t, e.members(f.group.ID), 1)
		r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("drain", f.version, ids(m))), htmx,
			header("X-Forwarded-For", "203.0.113.66"), header("X-Real-IP", "203.0.113.67"))
		wantStatus(t, r, http.StatusOK)
		p, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
		if err != nil || len(p.Items) != 1 {
			t.Fatal(err)
		}
		// No trusted proxy is configured, so a header the client wrote must not become the
		// audit log's client IP: anyone could then pin their batch on someone else's address.
		if got := p.Items[0].ClientIP; got != "127.0.0.1" {
			t.Errorf("audit client_ip = %q; want the connection's address 127.0.0.1", got)
		}
	})

	t.Run("RefusedAttemptNamesTheServers", func(t *testing.T) {
		f.reload(t)
		seen := f.version
		ms := e.members(f.group.ID)
		gone := pickMembers(t, ms[:len(ms)/3], 1)
		chosen := pickMembers(t, ms[len(ms)/2:], 2)
		// Someone else removes a server after this user loaded the page, so this user's batch is stale.
		other := e.signIn(operatorName)
		other.Get(f.path)
		wantStatus(t, other.Post(f.path+"/batch", other.WithCSRF(batchForm("remove", seen, ids(gone))), htmx), http.StatusOK)
		wantStatus(t, f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("remove", seen, ids(chosen))), htmx), http.StatusConflict)
		rows := f.c.Get("/audit").Doc().Find(`tr[data-testid="audit-row"]`)
		servers := text(rows.First().Find(`[data-testid="audit-servers"]`))
		// The contract: the servers cell is ServerId or ServerId:Port, also for a refused attempt,
		// so that the log says which servers someone tried to remove.
		for _, m := range chosen {
			if !strings.Contains(servers, m.ServerID) {
				t.Errorf("the refused attempt's servers cell %q does not name %s", servers, m.ServerID)
			}
		}
	})
}
