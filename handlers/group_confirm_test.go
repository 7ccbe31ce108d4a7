package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// A batch that removes more than 50 servers, or more than half of its group, applies only with
// the number of servers it removes typed into its confirm field: whatever client posts it.
func TestLargeRemovalsNeedTheCountTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	ms := e.members(g.ID)
	c := e.signInAt(operatorName)
	path := groupPath(lbID, g.ID)
	version, _ := batchFormValues(t, c.Get(path).Doc())
	gone := ids(ms[:51])
	n := strconv.Itoa(len(gone))

	t.Run("the preview asks for the count", func(t *testing.T) {
		r := c.Post(path+"/preview", c.WithCSRF(batchForm("remove", version, gone)), htmx)
		wantStatus(t, r, http.StatusOK)
		if got := r.Doc().Find(`[data-testid="confirm-count"]`).AttrOr("pattern", ""); got != n {
			t.Errorf("the confirm field's pattern is %q; want %s", got, n)
		}
	})
	for _, typed := range []string{"", "50", "all"} {
		t.Run("refused with "+strconv.Quote(typed), func(t *testing.T) {
			before := e.snapshot(lbID, g.ID)
			r := c.Post(path+"/batch", c.WithCSRF(batchForm("remove", version, gone, "confirm", typed)), htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "type "+n+" in the box next to Apply") {
				t.Errorf("the refusal says %q", got)
			}
			e.assertUnchanged(t, lbID, g.ID, before, true)
		})
	}
	t.Run("applied with the count", func(t *testing.T) {
		r := c.Post(path+"/batch", c.WithCSRF(batchForm("remove", version, gone, "confirm", n)), htmx)
		wantStatus(t, r, http.StatusOK)
		if got := len(e.members(g.ID)); got != len(ms)-len(gone) {
			t.Errorf("the group has %d members; want %d", got, len(ms)-len(gone))
		}
	})
	t.Run("a small removal needs no count", func(t *testing.T) {
		version, _ := batchFormValues(t, c.Get(path).Doc())
		r := c.Post(path+"/batch", c.WithCSRF(batchForm("remove", version, ids(e.members(g.ID)[:1]))), htmx)
		wantStatus(t, r, http.StatusOK)
	})
}
