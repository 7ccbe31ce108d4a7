package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"lbconsole/lb"
)

// The picker never offers what the preview would refuse: a server of the default list is not
// picked for it again, one server is picked once per batch, and a search that matches more
// servers than the picker lists says so.
func TestPickerRefusesWhatCannotJoin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	groups, err := e.store.ListGroups(e.ctx, lbID)
	if err != nil {
		t.Fatal(err)
	}
	var list string
	for _, gs := range groups {
		if gs.Kind == lb.KindDefault && gs.Members > 0 {
			list = gs.ID
		}
	}
	if list == "" {
		t.Fatalf("load balancer %s has no default server list with servers", lbID)
	}
	listed := e.members(list)[0]
	c := e.signInAt(operatorName)

	t.Run("a server already in the default list is refused", func(t *testing.T) {
		r := c.Get(groupPath(lbID, "default")+"/candidates/pick?server="+url.QueryEscape(listed.ServerID), htmx)
		wantStatus(t, r, http.StatusConflict)
		if !strings.Contains(r.Body, listed.ServerID+" is already in this list") {
			t.Errorf("the refusal says %q", text(r.Doc().Selection))
		}
	})
	t.Run("a server picked twice is refused and nothing changes", func(t *testing.T) {
		page := c.Get(groupPath(lbID, g.ID))
		version, _ := batchFormValues(t, page.Doc())
		before := e.snapshot(lbID, g.ID)
		form := url.Values{"op": {"add"}, "version": {version}, "new_server": {"i-a", "i-a"}, "new_port": {"80", "81"}, "new_weight": {"1", "1"}}
		r := c.Post(groupPath(lbID, g.ID)+"/preview", c.WithCSRF(form), htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "server i-a is picked twice") {
			t.Errorf("the refusal says %q", text(r.Doc().Selection))
		}
		e.assertUnchanged(t, lbID, g.ID, before, true)
	})
	t.Run("a member on a stopped server says it cannot be picked and which port it holds", func(t *testing.T) {
		var stopped lb.Member
		for _, m := range e.members(g.ID) {
			s, err := e.store.GetServer(e.ctx, m.ServerID)
			if err != nil {
				t.Fatal(err)
			}
			if s.Status == lb.StatusStopped {
				stopped = m
				break
			}
		}
		if stopped.ID == "" {
			t.Fatalf("group %s has no member on a stopped server in the demo data", g.ID)
		}
		r := c.Get(groupPath(lbID, g.ID)+"/candidates?pick_q="+url.QueryEscape(stopped.ServerID), htmx)
		wantStatus(t, r, http.StatusOK)
		row := r.Doc().Find(`tr[data-testid="candidate-row"][data-server-id="` + stopped.ServerID + `"]`)
		if row.Find(`[data-testid="pick"]`).Length() != 0 || !strings.Contains(strings.ToLower(text(row.Find(`[data-testid="not-pickable"]`))), "stopped") {
			t.Errorf("the stopped server's row says %q; want no Pick button and that it is stopped", text(row))
		}
		if got, want := text(row.Find(`[data-testid="in-group"]`)), strconv.Itoa(stopped.Port); !strings.HasPrefix(got, "in this group on port") || !strings.Contains(got, want) {
			t.Errorf("the stopped server's row says %q of its place in the group, want the ports it holds, %s among them", got, want)
		}
	})
	t.Run("a search that matches more than the picker lists says how many more", func(t *testing.T) {
		r := c.Get(groupPath(lbID, g.ID)+"/candidates?pick_q=-", htmx)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if n := d.Find(`tr[data-testid="candidate-row"]`).Length(); n != 25 {
			t.Errorf("the picker lists %d servers, want 25", n)
		}
		if got := text(d.Find(`[data-testid="candidates-more"]`)); !strings.Contains(got, "more servers match") {
			t.Errorf("under the list the picker says %q, want how many more match", got)
		}
	})
}
