package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// A batch the rules refuse is "refused", with the kind of rule that refused it, in the same
// words on the group page, in the audit log, on the entry's page and in the outcome filter.
func TestRefusedAndConflictMeanTheSameEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	ms := e.members(g.ID)
	c := e.signInAt(operatorName)
	path := groupPath(lbID, g.ID)
	version, _ := batchFormValues(t, c.Get(path).Doc())
	w := 3
	if _, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID, Actor: adminName, Source: db.SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: ms[0].ID, Weight: &w}}}}); err != nil {
		t.Fatal(err)
	}
	r := c.Post(path+"/batch", c.WithCSRF(batchForm("drain", version, ids(ms[1:2]))), htmx)
	wantStatus(t, r, http.StatusConflict)
	if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.HasPrefix(got, "Refused (conflict): ") {
		t.Errorf("the group page says %q", got)
	}
	seq := e.auditTotal() // the refused attempt is the newest entry
	row := c.Get("/audit?outcome=conflict").Doc().Find(fmt.Sprintf(`tr[data-testid="audit-row"][data-seq="%d"]`, seq))
	if got := text(row.Find("td").Eq(7)); !strings.HasPrefix(got, "refused conflict") {
		t.Errorf("the audit log's outcome cell says %q", got)
	}
	if got := text(c.Get(fmt.Sprintf("/audit/%d", seq)).Doc().Find(`[data-testid="audit-outcome"]`)); !strings.HasPrefix(got, "refused (conflict)") {
		t.Errorf("the entry's page says %q", got)
	}
}
