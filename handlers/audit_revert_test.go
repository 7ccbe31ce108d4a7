package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// A revert is confirmed on a page that shows what it would change, and its answer is a
// redirect to a page of its own, whose message comes from the audit log, never from the
// address.
func TestRevertIsConfirmedAndRedirects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	m := e.members(g.ID)[0]
	w := m.Weight/2 + 1
	res, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID, Actor: adminName, Source: db.SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: m.ID, Weight: &w}}}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAt(operatorName)
	entry := fmt.Sprintf("/audit/%d", res.Seq)

	t.Run("the confirmation shows the change and changes nothing", func(t *testing.T) {
		before := e.snapshot(lbID, g.ID)
		r := c.Get(entry + "/revert")
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if got := text(d.Find(`[data-testid="diff-changed"]`)); !strings.Contains(got, fmt.Sprintf("%d → %d", w, m.Weight)) {
			t.Errorf("the confirmation shows %q, want the weight going back from %d to %d", got, w, m.Weight)
		}
		if d.Find(`form[data-testid="revert-form"] [data-testid="revert-confirm"]`).Length() != 1 {
			t.Error("the confirmation has no Revert button")
		}
		e.assertUnchanged(t, lbID, g.ID, before, true)
	})
	var revertSeq int64
	t.Run("the revert redirects to its own entry", func(t *testing.T) {
		r := c.Post(entry+"/revert", c.WithCSRF(url.Values{}))
		wantStatus(t, r, http.StatusSeeOther)
		if _, err := fmt.Sscanf(r.Header.Get("Location"), "/audit/%d?reverted=", &revertSeq); err != nil {
			t.Fatalf("Location = %q: %v", r.Header.Get("Location"), err)
		}
		page := c.Get(r.Header.Get("Location"))
		wantStatus(t, page, http.StatusOK)
		if got := text(page.Doc().Find(`[data-testid="flash"]`)); got != fmt.Sprintf("Entry #%d was reverted by this entry.", res.Seq) {
			t.Errorf("the message is %q", got)
		}
	})
	t.Run("a second revert is refused and redirects to the entry with the reason", func(t *testing.T) {
		r := c.Post(entry+"/revert", c.WithCSRF(url.Values{}))
		wantStatus(t, r, http.StatusSeeOther)
		page := c.Get(r.Header.Get("Location"))
		if got := text(page.Doc().Find(`[data-testid="flash"]`)); !strings.HasPrefix(got, "Revert refused (conflict):") || !strings.Contains(got, "already reverted") {
			t.Errorf("the message is %q", got)
		}
		if got := text(c.Get(entry + "/revert").Doc().Find(`[data-testid="revert-refusal"]`)); !strings.Contains(got, "already reverted") {
			t.Errorf("the confirmation page says %q, want that it was already reverted", got)
		}
	})
	t.Run("an address cannot make up a message", func(t *testing.T) {
		for _, path := range []string{
			fmt.Sprintf("%s?reverted=%d", entry, res.Seq),         // the entry does not revert itself
			fmt.Sprintf("%s?revert_refused=%d", entry, revertSeq), // an applied revert is no refusal
			fmt.Sprintf("/audit/%d?revert_refused=%d", revertSeq, res.Seq),
		} {
			if got := c.Get(path).Doc().Find(`[data-testid="flash"]`); got.Length() != 0 {
				t.Errorf("%s shows the message %q", path, text(got))
			}
		}
	})
}
