package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// clickAndAnswer clicks sel, answers the question the page asks (accepting it or not), and
// returns the question.
func (p *tab) clickAndAnswer(sel string, accept bool) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	clicked := make(chan error, 1)
	// The click returns only once the question is answered.
	go func() { clicked <- chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))) }()
	var question string
	for ev, err := range dialogs {
		if err != nil {
			p.fatalf("waiting for the question after clicking %s: %v", sel, err)
		}
		question = ev.Message
		break
	}
	if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept}); err != nil {
		p.fatalf("answer %q: %v", question, err)
	}
	if err := <-clicked; err != nil {
		p.fatalf("click %s: %v", sel, err)
	}
	return question
}

// An applied batch's message offers Undo, which shows the revert and asks to confirm it; Apply
// is red when the batch removes servers, and a batch that removes more than half of its group
// wants the number of servers typed first.
func TestUndoAndConfirmingARemoval(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		many := len(before)/2 + 1
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		for n := 1; n <= many; n++ {
			p.checkRow(n)
		}
		p.preview("remove")

		step(t, "Apply is red and waits for the count", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			if got := evalAs[string](p, `document.querySelector("[data-testid=apply]").className`); got != "danger" {
				t.Errorf("Apply's class is %q, want danger", got)
			}
			if got := p.text(`[data-testid=confirm]`); !strings.Contains(got, "Type "+strconv.Itoa(many)) {
				t.Errorf("the preview says %q, want it to ask for %d", got, many)
			}
			p.click(`[data-testid=apply]`) // without the count: the browser keeps the form
			p.typeInto(`[data-testid=confirm-count]`, strconv.Itoa(many-1))
			p.click(`[data-testid=apply]`)
			p.settled()
			if got := len(e.members(g.ID)); got != len(before) {
				t.Fatalf("Apply without the right count removed %d servers", len(before)-got)
			}
		})
		step(t, "with the count typed the removal applies and offers Undo", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			p.typeInto(`[data-testid=confirm-count]`, strconv.Itoa(many))
			status, msg := p.apply()
			if status != 200 || !strings.HasPrefix(msg, fmt.Sprintf("Removed %d servers", many)) {
				t.Fatalf("the removal answered %d %q", status, msg)
			}
			if got := len(e.members(g.ID)); got != len(before)-many {
				t.Errorf("the group has %d servers, want %d", got, len(before)-many)
			}
		})
		t.Run("Undo shows the revert, and Revert puts the servers back", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			removal := e.newestAudit()
			if got := p.attrs(flashSel+` [data-testid=undo]`, "href"); len(got) != 1 || got[0] != fmt.Sprintf("/audit/%d/revert", removal.Seq) {
				t.Fatalf("the message's Undo goes to %v", got)
			}
			p.click(flashSel + ` [data-testid=undo]`)
			p.waitUntil("the revert's confirmation shows", `document.querySelector("[data-testid=revert-confirm]")`)
			if n := p.count(`[data-testid=diff-added]`); n != many {
				t.Errorf("the revert would add %d servers, want %d", n, many)
			}
			p.click(`[data-testid=revert-confirm]`)
			p.waitUntil("the revert's entry shows", `document.querySelector("[data-testid=reverts-link]")`)
			if got := len(e.members(g.ID)); got != len(before) {
				t.Errorf("after Undo the group has %d servers, want %d", got, len(before))
			}
		})
	})
}

// Disabling a user and revoking a key ask first, and a No changes nothing.
func TestDisablingAndRevokingAskFirst(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		p := e.signedInAt(adminUser, s)
		p.open("/users")
		row := fmt.Sprintf(`tr[data-testid=user-row][data-name=%q]`, operatorUser)
		disable := row + ` [data-testid=disable-form] button`

		t.Run("No keeps the user enabled", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			q := p.clickAndAnswer(disable, false)
			if !strings.Contains(q, "Disable "+operatorUser+"?") {
				t.Errorf("the question is %q", q)
			}
			p.settled()
			if u, err := e.store.UserByName(e.ctx, operatorUser); err != nil || u.Disabled {
				t.Errorf("after No, %s is disabled (%v)", operatorUser, err)
			}
		})
		t.Run("Yes disables", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			p.clickAndAnswer(disable, true)
			p.waitUntil("the row says disabled", fmt.Sprintf(`document.querySelector(%s)`, js(row+`[data-disabled=true]`)))
			if u, err := e.store.UserByName(e.ctx, operatorUser); err != nil || !u.Disabled {
				t.Errorf("after Yes, %s is not disabled (%v)", operatorUser, err)
			}
		})
		t.Run("revoking a key asks first", func(t *testing.T) {
			p := p.on(t)
			p.open("/keys")
			p.click(`[data-testid=create-key]`)
			p.waitVisible(`[data-testid=key-row] [data-testid=revoke-key]`)
			p.settled()
			q := p.clickAndAnswer(`[data-testid=key-row] [data-testid=revoke-key]`, false)
			if !strings.Contains(q, "Revoke the key") {
				t.Errorf("the question is %q", q)
			}
			p.settled()
			if !p.exists(`[data-testid=key-row] [data-testid=revoke-key]`) {
				t.Error("after No the key was revoked")
			}
		})
	})
}
