package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"lbconsole/lb"
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

// filterGroup types text into the group page's filter and waits until the table shows exactly
// the members whose address or server id contains it.
func (p *tab) filterGroup(text string, want []string) {
	p.t.Helper()
	if text == "" {
		p.typeInto(`[data-testid=filter-q]`, "x"+kb.Backspace) // a field emptied by a script says nothing
	} else {
		p.typeInto(`[data-testid=filter-q]`, text)
	}
	p.waitUntil("the table shows the members matching "+text, fmt.Sprintf(
		`(new URLSearchParams(location.search).get("q") || "") === %s && document.querySelectorAll(%s).length === %d`,
		js(text), js(memberRowSel), len(want)))
	p.settled()
	if got := p.rowIDs(); !slices.Equal(sorted(got), sorted(want)) {
		p.fatalf("filtered by %q the table shows %v, want %v", text, got, want)
	}
}

// matching returns the ids of the members whose address contains text.
func matching(ms map[string]lb.Member, text string) []string {
	var out []string
	for id, m := range ms {
		if strings.Contains(m.Address, text) {
			out = append(out, id)
		}
	}
	return sorted(out)
}

// Bug 2: after Apply, and after a conflict, the table showed the whole group while the filter
// box and the address still showed the filter; select all then selected everything.
func TestFilterOutlivesApplyAndConflict(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		subnet := firstMember(before).Address[:strings.LastIndex(firstMember(before).Address, ".")+1]
		shown := matching(before, subnet)
		if len(shown) < 3 || len(shown) == len(before) {
			t.Fatalf("the filter %q matches %d of %d members: want a few but not all", subnet, len(shown), len(before))
		}
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		p.filterGroup(subnet, shown)

		// stillFiltered checks what a user sees after an answer: the filter, the rows it
		// matches, and a select all that selects those rows only.
		stillFiltered := func(t *testing.T, p *tab, want []string) {
			t.Helper()
			if got := evalAs[string](p, `document.querySelector("[data-testid=filter-q]").value`); got != subnet {
				t.Errorf("the filter box holds %q, want %q", got, subnet)
			}
			if got := p.rowIDs(); !slices.Equal(sorted(got), want) {
				t.Errorf("the table shows %d rows %v, want the %d the filter matches", len(got), got, len(want))
			}
			if got := p.text(`[data-testid=member-total]`); !strings.Contains(got, "match the filter") {
				t.Errorf("the count says %q, want it to say the filter applies", got)
			}
		}
		step(t, "after Apply the table still shows what the filter matches", func(t *testing.T) {
			p := p.on(t)
			p.click(memberSel(shown[0]) + ` input[name=member]`)
			p.preview("drain")
			if status, msg := p.apply(); status != 200 {
				t.Fatalf("the drain answered %d: %s", status, msg)
			}
			stillFiltered(t, p, shown)
			p.click(`[data-testid=select-all]`)
			if got := p.checkedIDs(); !slices.Equal(sorted(got), shown) {
				t.Errorf("select all ticked %d servers, want the %d shown", len(got), len(shown))
			}
			p.click(`[data-testid=select-all]`)
		})
		t.Run("after a conflict the table still shows what the filter matches", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			p.click(memberSel(shown[1]) + ` input[name=member]`)
			p.preview("drain")
			e.setWeight(l, g, shown[2], 7) // behind the page's back
			if status, msg := p.apply(); status != 409 {
				t.Fatalf("the drain on an old version answered %d: %s", status, msg)
			}
			stillFiltered(t, p, shown)
		})
	})
}

// Bug 3: a preview outlived its selection: tick A, preview a drain of A, tick B, untick A, and
// the preview (and its Apply) still drained A. A change to what a preview was made of clears it.
func TestPreviewDoesNotOutliveItsSelection(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		server := runningOutside(e, l, g)
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		a, b := p.memberFor(1, before), p.memberFor(2, before)

		// cleared checks that no preview, and so no Apply, is left on the page, and that the
		// page says why.
		cleared := func(t *testing.T, p *tab, after string) {
			t.Helper()
			p.waitUntil("the preview is gone after "+after, `!document.querySelector("#preview [data-testid=apply]")`)
			if got := p.text(`#preview`); !strings.Contains(got, "preview again") {
				t.Errorf("after %s the preview area says %q, want it to ask to preview again", after, got)
			}
		}
		t.Run("ticking and unticking servers clears a drain's preview", func(t *testing.T) {
			p := p.on(t)
			p.checkRow(1)
			p.preview("drain")
			p.checkRow(2)
			p.checkRow(1) // unticks A
			cleared(t, p, "the selection changed")
			if got := p.checkedIDs(); !slices.Equal(got, []string{b.ID}) {
				t.Errorf("the selection is %v, want only %s", got, b.ID)
			}
		})
		t.Run("a new weight clears a weight's preview", func(t *testing.T) {
			p := p.on(t)
			p.typeInto(`[data-testid=weight-input]`, "30")
			p.preview("weights")
			p.typeInto(`[data-testid=weight-input]`, "60")
			cleared(t, p, "the weight changed")
		})
		t.Run("unpicking a server clears an addition's preview", func(t *testing.T) {
			p := p.on(t)
			picked := p.pickServer(server.ID)
			p.preview("add")
			p.click(picked + ` [data-remove-row]`)
			cleared(t, p, "the picked server was unpicked")
		})
		t.Run("nothing was applied", func(t *testing.T) {
			e := e.on(t)
			if got := e.members(g.ID)[a.ID].Weight; got != a.Weight {
				t.Errorf("%s has weight %d, want %d", memberLabel(a), got, a.Weight)
			}
			if v := e.group(l, g).Version; v != g.Version {
				t.Errorf("the group moved to version %d", v)
			}
		})
	})
}

// selectedCount waits until the selection count says want.
func (p *tab) selectedCount(want string) {
	p.t.Helper()
	p.waitUntil("the count says "+want, fmt.Sprintf(
		`document.querySelector("[data-testid=selected-count]").innerText.trim() === %s`, js(want)))
}

// Bug 4: changing the filter emptied the selection, and clearing it lost a select all. The
// selection now outlives the filter, and the count says how much of it the filter hides.
func TestSelectionOutlivesTheFilter(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		first := firstMember(before)
		subnet := first.Address[:strings.LastIndex(first.Address, ".")+1]
		shown := matching(before, subnet)
		var other lb.Member // a member the filter hides
		for _, m := range before {
			if !strings.Contains(m.Address, subnet) {
				other = m
				break
			}
		}
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		p.click(memberSel(first.ID) + ` input[name=member]`)
		p.click(memberSel(other.ID) + ` input[name=member]`)

		step(t, "the filter keeps the selection and says what it hides", func(t *testing.T) {
			p := p.on(t)
			p.filterGroup(subnet, shown)
			p.selectedCount("2 servers selected (1 hidden by the filter)")
			if got := p.checkedIDs(); !slices.Equal(got, []string{first.ID}) {
				t.Errorf("the ticked rows are %v, want %s", got, first.ID)
			}
		})
		step(t, "a preview covers the servers the filter hides", func(t *testing.T) {
			p := p.on(t)
			p.preview("drain")
			got := p.attrs(previewSel+` [data-testid=diff-changed]`, "data-server-id")
			if want := []string{first.ServerID, other.ServerID}; !slices.Equal(sorted(got), sorted(want)) {
				t.Errorf("the preview drains %v, want %v", got, want)
			}
		})
		step(t, "select all, then clearing the filter, keeps every selected server", func(t *testing.T) {
			p := p.on(t)
			p.click(`[data-testid=select-all]`)
			p.selectedCount(fmt.Sprintf("%d servers selected (1 hidden by the filter)", len(shown)+1))
			p.filterGroup("", keys(before))
			p.selectedCount(fmt.Sprintf("%d servers selected", len(shown)+1))
			if got, want := sorted(p.checkedIDs()), sorted(append(slices.Clone(shown), other.ID)); !slices.Equal(got, want) {
				t.Errorf("the ticked rows are %v, want %v", got, want)
			}
		})
		t.Run("Clear selection unticks everything", func(t *testing.T) {
			p := p.on(t)
			p.filterGroup(subnet, shown)
			p.click(`[data-testid=clear-selection]`)
			p.selectedCount("0 servers selected")
			p.filterGroup("", keys(before))
			if got := p.checkedIDs(); len(got) != 0 {
				t.Errorf("after Clear selection %v are ticked", got)
			}
		})
	})
}

// Bug 6: a refused batch named servers by their internal member ids ("member 28ba949b-…: weight
// 150 is out of range"). It names the server and its address and port, as the table does.
func TestRefusalsNameServersNotMemberIDs(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		m := p.memberFor(1, before)
		p.checkRow(1)
		p.typeInto(`[data-testid=weight-input]`, "150")
		p.preview("weights")
		msg := p.text(previewSel + ` [data-testid=preview-error]`)
		if strings.Contains(msg, m.ID) {
			t.Errorf("the refusal %q names the member id %s", msg, m.ID)
		}
		if want := fmt.Sprintf("%s (%s:%d)", m.ServerID, m.Address, m.Port); !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not name the server as %q", msg, want)
		}
		if !strings.Contains(msg, "150") {
			t.Errorf("the refusal %q does not say what was wrong", msg)
		}
	})
}
