package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lbconsole/db"
)

// reload reloads the tab and waits until the page shows sel again.
func (p *tab) reload(sel string) {
	p.t.Helper()
	p.markOld(sel)
	p.eval(`(location.reload(), true)`)
	p.waitUntil("the page is back after the reload", fmt.Sprintf(`document.querySelector(%s)`, js(sel+`:not([data-e2e-old])`)))
}

// auditCount is how many entries the audit log holds.
func (e *env) auditCount() int {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Total
}

// Bug 9: the answers to a revert and to an import stayed at the address they were posted to
// (/audit/N/revert, /servers/import): a reload posted them again and Back misbehaved. They
// redirect to the page of what they made.
func TestResultsOfPostsHaveAddressesOfTheirOwn(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		t.Run("a revert lands on its own audit entry", func(t *testing.T) {
			e := e.on(t)
			l, g := e.smallGroup()
			changed := e.setWeight(l, g, firstMember(e.members(g.ID)).ID, 33)
			p := e.signedInAt(operatorUser, s)
			p.open(fmt.Sprintf("/audit/%d", changed.Seq))
			p.click(`[data-testid=revert]`)
			p.waitUntil("the revert is asked to be confirmed", `document.querySelector("[data-testid=revert-confirm]")`)
			p.click(`[data-testid=revert-confirm]`)
			p.waitUntil("the revert's entry shows", `document.querySelector("[data-testid=reverts-link]")`)
			revert := e.newestAudit()
			if got, want := p.location().Path, fmt.Sprintf("/audit/%d", revert.Seq); got != want {
				t.Errorf("after the revert the tab is at %s, want %s", got, want)
			}
			audit := e.auditCount()
			p.reload(`[data-testid=audit-entry]`)
			if got := e.auditCount(); got != audit {
				t.Errorf("a reload after the revert wrote %d audit entries", got-audit)
			}
			if got := p.text(`[data-testid=flash]`); !strings.Contains(got, "reverted") {
				t.Errorf("after a reload the message says %q", got)
			}
		})
		t.Run("an import lands on the inventory", func(t *testing.T) {
			e := e.on(t)
			sv, err := e.store.ListServers(e.ctx, db.ServerFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			model := sv.Items[0]
			prefix := model.Address[:strings.LastIndex(model.Address, ".")+1]
			file := filepath.Join(t.TempDir(), "servers.csv")
			csv := fmt.Sprintf("id,name,address,subnet_id,type,status\ni-e2e-import-%s,imported,%s%d,%s,ecs,Running\n",
				s.name, prefix, 240, model.SubnetID)
			if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			p := e.signedInAt(adminUser, s)
			p.open("/servers")
			p.click(`details[data-testid=import] > summary`)
			p.do("choose the file", chromedp.SetUploadFiles(`[data-testid=import-file]`, []string{file}))
			p.click(`[data-testid=import-submit]`)
			p.waitUntil("the import's message shows", `document.querySelector("[data-testid=flash]")`)
			if got := p.location().Path; got != "/servers" {
				t.Errorf("after the import the tab is at %s, want /servers", got)
			}
			if got := p.text(`[data-testid=flash]`); !strings.Contains(got, "Imported 1 server") {
				t.Errorf("the message says %q", got)
			}
			audit := e.auditCount()
			p.reload(`[data-testid=server-table]`)
			if got := e.auditCount(); got != audit {
				t.Errorf("a reload after the import wrote %d audit entries", got-audit)
			}
		})
	})
}
