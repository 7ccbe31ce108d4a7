package e2e

import (
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// enterInto types text and Enter into a field and returns the title of the fresh preview that
// follows.
func (p *tab) enterInto(sel, text string) string {
	p.t.Helper()
	p.markOld(previewSel)
	p.typeInto(sel, text+kb.Enter)
	p.waitVisible(previewSel + `:not([data-e2e-old]) h2`)
	p.settled()
	return p.text(previewSel + ` h2`)
}

// Bug 1: Enter in the toolbar's weight box, or in a picked server's fields, previewed a removal:
// the form's first button, Remove, was its default. Enter does what its field belongs to.
func TestEnterDoesWhatItsFieldBelongsTo(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		server := runningOutside(e, l, g)
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		picked := p.pickServer(server.ID)
		p.checkRow(1)

		t.Run("Enter in the toolbar's weight previews Set weight", func(t *testing.T) {
			p := p.on(t)
			if got, want := p.enterInto(`[data-testid=weight-input]`, "37"), "Set the weight of 1 server to 37"; got != want {
				t.Errorf("Enter in the weight box previewed %q, want %q", got, want)
			}
		})
		for _, field := range []string{"picked-weight", "picked-port"} {
			t.Run("Enter in a picked server's "+field+" previews adding it", func(t *testing.T) {
				p := p.on(t)
				value := "5"
				if field == "picked-port" {
					value = "8081"
				}
				if got, want := p.enterInto(picked+` [data-testid=`+field+`]`, value), "Add 1 server"; got != want {
					t.Errorf("Enter in the picked server's %s previewed %q, want %q", field, got, want)
				}
			})
		}
	})
}
