package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// Bug 7: /lbs?page=999 said "24951–15 of 15 · page 999 of 1" over an empty table, and the audit
// log and the inventory did the same. A page past the end takes the browser to the last one.
func TestPagePastTheEndGoesToTheLastPage(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		p := e.signedInAt(viewerUser, s)
		for _, list := range []struct{ path, row string }{
			{"/lbs", lbRowSel}, {"/audit", auditRowSel}, {"/servers", `tr[data-testid=server-row]`},
		} {
			t.Run(list.path, func(t *testing.T) {
				p := p.on(t)
				p.open(list.path + "?page=999")
				p.waitVisible(`[data-testid=pager]`)
				pager := p.text(`[data-testid=pager]`)
				if strings.Contains(pager, "999") {
					t.Errorf("the pager says %q", pager)
				}
				if p.count(list.row) == 0 {
					t.Errorf("%s?page=999 shows no rows", list.path)
				}
				if page := p.location().Query().Get("page"); page == "999" {
					t.Errorf("the address still asks for page %s", page)
				}
			})
		}
	})
}

// Bug 8: Back to a list after a search showed the search's address and table with an empty
// search box. Every list's filters say what its address asks for, however the page came back.
func TestBackKeepsTheSearchInItsBox(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		box := `[data-testid=lb-search]`
		boxSays := func(t *testing.T, p *tab, want string) {
			t.Helper()
			p.waitUntil("the address asks for q="+want, fmt.Sprintf(`(new URLSearchParams(location.search).get("q") || "") === %s`, js(want)))
			p.settled()
			if got := evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).value`, js(box))); got != want {
				t.Errorf("at %s the search box holds %q, want %q", p.location(), got, want)
			}
		}
		// search puts text in the box at once: typed key by key on a slow machine, each pause
		// would be a search of its own, with its own entry in the history.
		search := func(p *tab, text string) {
			p.eval(fmt.Sprintf(`(el => { el.value = %s; el.dispatchEvent(new Event("input", {bubbles: true})); return true })(document.querySelector(%s))`,
				js(text), js(box)))
			p.waitUntil("the address has ?q="+text, fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %s`, js(text)))
			p.settled()
		}
		back := func(p *tab) {
			p.markOld(lbRowSel)
			p.eval(`(history.back(), true)`)
			// A page the browser brings back from its cache is not a new document: chromedp's
			// WaitVisible would not see it. A script sees what the page shows.
			p.waitUntil("the list is back", fmt.Sprintf(`document.querySelector(%s)`, js(lbRowSel+`:not([data-e2e-old])`)))
		}
		t.Run("back from a load balancer", func(t *testing.T) {
			p := e.on(t).signedInAt(viewerUser, s)
			search(p, "checkout")
			p.click(lbRowSel + ` a`)
			p.waitUntil("the load balancer's page shows", `document.querySelector("[data-testid=lb-attributes]")`)
			back(p)
			boxSays(t, p, "checkout")
		})
		t.Run("back from one search to the one before", func(t *testing.T) {
			p := e.on(t).signedInAt(viewerUser, s)
			search(p, "web")
			search(p, "api")
			back(p)
			boxSays(t, p, "web")
			back(p)
			boxSays(t, p, "")
		})
	})
}

// Bug 10: the load balancer list's Groups left out the default server list, and its Servers
// counted server:port pairs. Groups counts every group the load balancer's page lists, and
// Servers every backend server once, however many groups and ports it is in.
func TestLoadBalancerListCountsWhatPeopleExpect(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, _ := e.bigGroup()
		groups := e.groups(l.ID)
		servers := map[string]bool{}
		memberships := 0
		for _, g := range groups {
			for _, m := range e.members(g.ID) {
				servers[m.Address] = true
				memberships++
			}
		}
		if memberships == len(servers) {
			t.Fatalf("every server of %s is in one group on one port: the test needs one in several", l.ID)
		}
		p := e.signedInAt(viewerUser, s)
		row := fmt.Sprintf(`%s[data-id=%q]`, lbRowSel, l.ID)
		if got, want := p.text(row+` [data-testid=lb-groups]`), fmt.Sprint(len(groups)); got != want {
			t.Errorf("Groups says %s, want %s: the default server list and %d VServer groups", got, want, len(groups)-1)
		}
		if got, want := p.text(row+` [data-testid=lb-servers]`), fmt.Sprint(len(servers)); got != want {
			t.Errorf("Servers says %s, want %s distinct servers (in %d places)", got, want, memberships)
		}
		for _, col := range []string{"lb-groups-header", "lb-servers-header"} {
			if got := evalAs[string](p, fmt.Sprintf(`document.querySelector("[data-testid=%s]").title`, col)); got == "" {
				t.Errorf("the %s column does not say what it counts", col)
			}
		}
	})
}
