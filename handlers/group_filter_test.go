package handlers_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/lb"
)

func itoa(n int) string { return strconv.Itoa(n) }

// A batch's answer is filtered as the page that posted it: the batch and apply forms post the
// page's filter back in their filter field. A refused batch keeps the selection, the servers
// the filter hides included, as hidden fields the form posts again.
func TestBatchAnswerKeepsTheFilterAndTheHiddenSelection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	all := e.members(g.ID)
	port := all[0].Port
	var shown, hidden []lb.Member
	for _, m := range all {
		if m.Port == port {
			shown = append(shown, m)
		} else {
			hidden = append(hidden, m)
		}
	}
	if len(shown) == 0 || len(hidden) == 0 {
		t.Fatalf("the group's ports do not split it: %d on port %d, %d others", len(shown), port, len(hidden))
	}
	c := e.signInAt(operatorName)
	path := groupPath(lbID, g.ID)
	page := c.Get(path + "?port=" + itoa(port))
	wantStatus(t, page, http.StatusOK)
	if got := page.Doc().Find(`input[name="filter"]`).AttrOr("value", ""); got != "port="+itoa(port) {
		t.Fatalf("the batch form's filter field holds %q, want port=%d", got, port)
	}
	version, _ := batchFormValues(t, page.Doc())
	// Someone else changes the group: the page's version is out of date.
	w := 5
	if _, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID, Actor: adminName, Source: db.SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: shown[1].ID, Weight: &w}}}}); err != nil {
		t.Fatal(err)
	}
	selected := []string{shown[0].ID, hidden[0].ID}
	stale := batchForm("drain", version, selected, "filter", "port="+itoa(port))
	r := c.Post(path+"/batch", c.WithCSRF(stale), htmx)
	wantStatus(t, r, http.StatusConflict)
	d := r.Doc()

	t.Run("the table is filtered", func(t *testing.T) {
		rows := memberRows(d)
		if len(rows) != len(shown) {
			t.Errorf("the answer shows %d rows, want the %d on port %d", len(rows), len(shown), port)
		}
		for _, row := range rows {
			if row.Port != itoa(port) {
				t.Errorf("the answer shows %s on port %s, which the filter hides", row.ServerID, row.Port)
			}
		}
		if got := text(d.Find(`[data-testid="member-total"]`)); !strings.Contains(got, "match the filter") {
			t.Errorf("the count says %q", got)
		}
	})
	t.Run("the selection hidden by the filter is kept", func(t *testing.T) {
		var kept []string
		d.Find(`[data-hidden-selection] input[name="member"]`).Each(func(_ int, s *goquery.Selection) {
			kept = append(kept, s.AttrOr("value", ""))
		})
		if !slices.Equal(kept, []string{hidden[0].ID}) {
			t.Errorf("the hidden selection is %v, want [%s]", kept, hidden[0].ID)
		}
		if d.Find(`input[type="checkbox"][name="member"][value="`+shown[0].ID+`"][checked]`).Length() != 1 {
			t.Errorf("the shown selected server %s is not ticked", shown[0].ServerID)
		}
	})
	t.Run("a filter field that is not a query string is refused", func(t *testing.T) {
		bad := batchForm("drain", version, selected, "filter", "q=%zz")
		wantStatus(t, c.Post(path+"/preview", c.WithCSRF(bad), htmx), http.StatusBadRequest)
	})
}

// The group page's view: an exact weight (as older addresses have it) and a range both filter,
// the table sorts by the columns people sort by, and anything else is refused with a message.
func TestGroupViewParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	c := e.signInAt(viewerName)
	path := groupPath(lbID, g.ID)
	count := func(weight func(int) bool) int {
		n := 0
		for _, m := range e.members(g.ID) {
			if weight(m.Weight) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"weight=100", count(func(w int) bool { return w == 100 })},
		{"weight_min=51", count(func(w int) bool { return w >= 51 })},
		{"weight_max=50&sort=address&dir=desc", count(func(w int) bool { return w <= 50 })},
	} {
		r := c.Get(path + "?" + tc.query)
		wantStatus(t, r, http.StatusOK)
		if got := len(memberRows(r.Doc())); got != tc.want {
			t.Errorf("?%s shows %d rows; want %d", tc.query, got, tc.want)
		}
	}
	for query, want := range map[string]string{
		"sort=health":                 "sort must be server, address, port or weight",
		"weight_min=60&weight_max=40": "the weight range 60 to 40 is empty",
		"weight_max=101":              "the highest weight (weight_max) must be a whole number from 0 to 100",
	} {
		r := c.Get(path + "?" + query)
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r.Doc().Find(`[data-testid="error"]`)); !strings.Contains(got, want) {
			t.Errorf("?%s is refused with %q; want %q", query, got, want)
		}
	}
}
