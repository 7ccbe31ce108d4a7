package e2e

import (
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
