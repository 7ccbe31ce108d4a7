package handlers_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	_ "modernc.org/sqlite"

	"lbconsole/db"
	"lbconsole/lb"
)

// lbRowIDs returns the data-id of every load balancer row, checking that each links to its page.
func lbRowIDs(t *testing.T, d *goquery.Document) []string {
	t.Helper()
	var out []string
	d.Find(`tr[data-testid="lb-row"]`).Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("data-id", "")
		if id == "" {
			t.Error("an lb-row has no data-id")
		}
		if s.Find(`a[href="/lbs/`+id+`"]`).Length() == 0 {
			t.Errorf("lb-row %s does not link to /lbs/%s", id, id)
		}
		out = append(out, id)
	})
	return out
}

func allLBs(e *env) []db.LBSummary {
	e.t.Helper()
	p, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Items
}

func TestLBList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(viewerName)
	lbs := allLBs(e)
	lbID, big := e.bigGroup()
	var target db.LBSummary
	for _, l := range lbs {
		if l.ID == lbID {
			target = l
		}
	}
	search := func(t *testing.T, q url.Values) []string {
		t.Helper()
		r := c.Get("/lbs?" + q.Encode())
		wantStatus(t, r, http.StatusOK)
		return lbRowIDs(t, r.Doc())
	}

	t.Run("FullPageListsEveryLoadBalancer", func(t *testing.T) {
		r := c.Get("/lbs")
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if d.Find("html").Length() != 1 {
			t.Error("the full page has no <html>")
		}
		got := lbRowIDs(t, d)
		if len(got) != len(lbs) {
			t.Errorf("%d rows; want all %d load balancers", len(got), len(lbs))
		}
		if d.Find(`[data-testid="pager"]`).Length() == 0 {
			t.Error("no pager")
		}
	})

	t.Run("SearchByNameSubstring", func(t *testing.T) {
		got := search(t, url.Values{"q": {"checkout"}})
		if len(got) != 3 {
			t.Errorf("q=checkout found %v; want the 3 checkout load balancers", got)
		}
		for _, id := range got {
			l, _ := e.store.GetLoadBalancer(e.ctx, id)
			if !strings.Contains(l.Name, "checkout") {
				t.Errorf("q=checkout found %s named %q", id, l.Name)
			}
		}
	})

	t.Run("SearchByLoadBalancerID", func(t *testing.T) {
		if got := search(t, url.Values{"q": {target.ID}}); !slices.Equal(got, []string{target.ID}) {
			t.Errorf("q=%s found %v; want exactly it", target.ID, got)
		}
	})

	t.Run("SearchByAddress", func(t *testing.T) {
		if got := search(t, url.Values{"q": {target.Address}}); !slices.Contains(got, target.ID) || len(got) != 1 {
			t.Errorf("q=%s found %v; want exactly %s", target.Address, got, target.ID)
		}
	})

	t.Run("SearchByMemberServerID", func(t *testing.T) {
		m := e.members(big.ID)[0]
		got := search(t, url.Values{"q": {m.ServerID}})
		if !slices.Contains(got, lbID) {
			t.Errorf("q=%s found %v; want it to include %s, which has that server", m.ServerID, got, lbID)
		}
		if len(got) == len(lbs) {
			t.Errorf("q=%s found every load balancer; want only those with that server", m.ServerID)
		}
	})

	t.Run("SearchWithNoMatchSaysSo", func(t *testing.T) {
		r := c.Get("/lbs?q=no-such-thing-anywhere")
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if n := d.Find(`tr[data-testid="lb-row"]`).Length(); n != 0 {
			t.Errorf("%d rows; want none", n)
		}
		if d.Find(`[data-testid="lb-empty"]`).Length() != 1 {
			t.Error("no empty-result message")
		}
	})

	t.Run("SearchTreatsLikeWildcardsLiterally", func(t *testing.T) {
		if got := search(t, url.Values{"q": {"%"}}); len(got) != 0 {
			t.Errorf("q=%% found %d rows; want none (no name contains %%)", len(got))
		}
		if got := search(t, url.Values{"q": {"_"}}); len(got) != 0 {
			t.Errorf("q=_ found %d rows; want none", len(got))
		}
	})

	t.Run("RegionFilter", func(t *testing.T) {
		got := search(t, url.Values{"region": {"cn-shanghai"}})
		want := 0
		for _, l := range lbs {
			if l.RegionID == "cn-shanghai" {
				want++
			}
		}
		if len(got) != want || want == 0 {
			t.Errorf("region=cn-shanghai found %d; want %d", len(got), want)
		}
		for _, id := range got {
			if l, _ := e.store.GetLoadBalancer(e.ctx, id); l.RegionID != "cn-shanghai" {
				t.Errorf("region filter let %s of %s through", id, l.RegionID)
			}
		}
	})

	t.Run("StatusFilter", func(t *testing.T) {
		for _, st := range []lb.LBStatus{lb.LBLocked, lb.LBInactive} {
			got := search(t, url.Values{"status": {string(st)}})
			if len(got) != 1 {
				t.Errorf("status=%s found %v; want the one %s demo load balancer", st, got, st)
			}
			for _, id := range got {
				if l, _ := e.store.GetLoadBalancer(e.ctx, id); l.Status != st {
					t.Errorf("status=%s let %s (%s) through", st, id, l.Status)
				}
			}
		}
	})

	t.Run("FiltersCombine", func(t *testing.T) {
		got := search(t, url.Values{"q": {"checkout"}, "region": {"cn-hangzhou"}, "status": {"locked"}})
		if len(got) != 1 {
			t.Errorf("found %v; want the locked checkout in cn-hangzhou", got)
		}
		if got := search(t, url.Values{"q": {"checkout"}, "status": {"inactive"}}); len(got) != 0 {
			t.Errorf("found %v; want none", got)
		}
	})

	t.Run("FilterFormKeepsWhatWasAsked", func(t *testing.T) {
		r := c.Get("/lbs?q=api&region=eu-central-1&status=active")
		d := r.Doc()
		if got := d.Find(`[data-testid="lb-search"]`).AttrOr("value", ""); got != "api" {
			t.Errorf("search box = %q; want api", got)
		}
		if got := d.Find(`[data-testid="lb-region"] option[selected]`).AttrOr("value", ""); got != "eu-central-1" {
			t.Errorf("selected region = %q; want eu-central-1", got)
		}
		if got := d.Find(`[data-testid="lb-status"] option[selected]`).AttrOr("value", ""); got != "active" {
			t.Errorf("selected status = %q; want active", got)
		}
	})

	t.Run("HTMXGetsOnlyTheTable", func(t *testing.T) {
		r := c.Get("/lbs?q=web", htmx)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(strings.ToLower(r.Body), "<html") {
			t.Errorf("the htmx answer has <html>:\n%s", r.Snippet())
		}
		d := r.Doc()
		if n := len(lbRowIDs(t, d)); n != 3 {
			t.Errorf("the fragment has %d rows; want the 3 web-frontend load balancers", n)
		}
		if d.Find(`form[data-testid="lb-filters"]`).Length() != 0 {
			t.Error("the fragment repeats the filter form (its input would lose focus)")
		}
		if d.Find(`[data-testid="pager"]`).Length() == 0 {
			t.Error("the fragment has no pager")
		}
		if !slices.Contains(r.Header.Values("Vary"), "HX-Request") {
			t.Errorf("Vary = %q; want HX-Request, so caches keep page and fragment apart", r.Header.Values("Vary"))
		}
	})

	t.Run("InvalidStatusIs400", func(t *testing.T) {
		r := c.Get("/lbs?status=exploded")
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r.Doc().Find(`[data-testid="error"]`)); !strings.Contains(got, "status") {
			t.Errorf("error = %q; want it to name status", got)
		}
	})

	t.Run("BadPageIs400", func(t *testing.T) {
		for _, p := range []string{"abc", "0", "-1", "99999999999999999999"} {
			r := c.Get("/lbs?page=" + p)
			if r.StatusCode != http.StatusBadRequest {
				t.Errorf("page=%s = %d; want 400", p, r.StatusCode)
			}
		}
	})
}

// addLoadBalancers puts n more load balancers in the database, straight through SQL: the store
// has no method to create them, and paging needs more than one page.
func addLoadBalancers(t *testing.T, e *env, n int) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tmpl := allLBs(e)[0]
	for i := range n {
		_, err := conn.ExecContext(e.ctx, `INSERT INTO load_balancers (id, region_id, name, address, address_type, network_type, vpc_id, status, created)
			VALUES (?,?,?,?,?,?,?,?,?)`, fmt.Sprintf("lb-paging%03d", i), tmpl.RegionID, fmt.Sprintf("paging-%03d", i),
			fmt.Sprintf("192.0.2.%d", i+1), "internet", "vpc", tmpl.VpcID, "active", "2026-01-05T09:00:00.000000Z")
		if err != nil {
			t.Fatalf("insert load balancer: %v", err)
		}
	}
}

func TestLBListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addLoadBalancers(t, e, 40)
	total := len(allLBs(e))
	c := e.signIn(viewerName)

	p1 := c.Get("/lbs")
	wantStatus(t, p1, http.StatusOK)
	d1 := p1.Doc()
	first := lbRowIDs(t, d1)
	p2 := c.Get("/lbs?page=2")
	wantStatus(t, p2, http.StatusOK)
	second := lbRowIDs(t, p2.Doc())

	t.Run("FirstPageIsNotEverything", func(t *testing.T) {
		if len(first) == 0 || len(first) >= total {
			t.Errorf("page 1 has %d rows of %d; want one page", len(first), total)
		}
	})

	t.Run("PageTwoHasOtherRows", func(t *testing.T) {
		if len(second) == 0 {
			t.Fatal("page 2 is empty")
		}
		for _, id := range second {
			if slices.Contains(first, id) {
				t.Errorf("%s is on page 1 and page 2", id)
			}
		}
	})

	t.Run("PagesTogetherHoldEveryRow", func(t *testing.T) {
		seen := map[string]bool{}
		for n := 1; ; n++ {
			ids := lbRowIDs(t, c.Get(fmt.Sprintf("/lbs?page=%d", n)).Doc())
			if len(ids) == 0 || n > 10 {
				break
			}
			for _, id := range ids {
				seen[id] = true
			}
		}
		if len(seen) != total {
			t.Errorf("the pages hold %d distinct load balancers; want %d", len(seen), total)
		}
	})

	t.Run("PagerLinksToTheNextPageKeepingFilters", func(t *testing.T) {
		next := d1.Find(`[data-testid="pager"] a[rel="next"]`)
		if next.Length() != 1 {
			t.Fatal("page 1 has no next link")
		}
		d := c.Get("/lbs?q=paging").Doc()
		href := d.Find(`[data-testid="pager"] a[rel="next"]`).AttrOr("href", "")
		u, err := url.Parse(href)
		if err != nil || u.Query().Get("page") != "2" || u.Query().Get("q") != "paging" {
			t.Errorf("next link with q=paging = %q; want page=2 and q=paging", href)
		}
		if p2.Doc().Find(`[data-testid="pager"] a[rel="prev"]`).Length() != 1 {
			t.Error("page 2 has no previous link")
		}
	})
}

func TestLBShow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(viewerName)
	lbID, big := e.bigGroup()
	l, err := e.store.GetLoadBalancer(e.ctx, lbID)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := e.store.ListGroups(e.ctx, lbID)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Get("/lbs/" + lbID)
	wantStatus(t, r, http.StatusOK)
	d := r.Doc()

	t.Run("ShowsAttributes", func(t *testing.T) {
		attrs := text(d.Find(`[data-testid="lb-attributes"]`))
		for _, want := range []string{l.ID, l.RegionID, l.Address, l.VpcID} {
			if !strings.Contains(attrs, want) {
				t.Errorf("attributes %q lack %q", attrs, want)
			}
		}
		if !strings.Contains(text(d.Find("h1")), l.Name) {
			t.Errorf("heading %q lacks the name %q", text(d.Find("h1")), l.Name)
		}
	})

	t.Run("LinksToDefaultListAndEveryVServerGroup", func(t *testing.T) {
		var hrefs []string
		d.Find(`a[data-testid="group-link"]`).Each(func(_ int, s *goquery.Selection) { hrefs = append(hrefs, s.AttrOr("href", "")) })
		if len(hrefs) != len(groups) {
			t.Errorf("%d group links; want %d", len(hrefs), len(groups))
		}
		if !slices.Contains(hrefs, "/lbs/"+lbID+"/groups/default") {
			t.Errorf("links %v lack the default list", hrefs)
		}
		for _, g := range groups {
			if g.Kind == lb.KindVServer && !slices.Contains(hrefs, groupPath(lbID, g.ID)) {
				t.Errorf("links %v lack VServer group %s", hrefs, g.ID)
			}
		}
		if !slices.Contains(hrefs, groupPath(lbID, big.ID)) {
			t.Errorf("links %v lack the big group", hrefs)
		}
		for _, h := range hrefs {
			wantStatus(t, c.Get(h), http.StatusOK)
		}
	})

	t.Run("UnknownLoadBalancerIs404NamingIt", func(t *testing.T) {
		r := c.Get("/lbs/lb-doesnotexist")
		wantStatus(t, r, http.StatusNotFound)
		if got := text(r.Doc().Find(`[data-testid="error"]`)); !strings.Contains(got, "lb-doesnotexist") {
			t.Errorf("error = %q; want it to name lb-doesnotexist", got)
		}
	})
}
