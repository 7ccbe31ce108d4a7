package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"lbconsole/lb"
)

// After an applied batch the table answered is the group as a fresh page shows it: the rows
// the batch added sit where the page sorts them, not at the end.
func TestAppliedBatchAnswersTheTableAsThePageShowsIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, big := e.bigGroup()
	path := groupPath(lbID, big.ID)
	var first lb.Member
	for _, m := range e.members(big.ID) {
		if s, err := e.store.GetServer(e.ctx, m.ServerID); err == nil && s.Status == lb.StatusRunning && m.Port != 0 {
			first = m
			break
		}
	}
	if first.ID == "" {
		t.Fatal("no member on a running server with a port in the big group")
	}
	c := e.signIn(operatorName)
	c.Get(path)
	form := url.Values{"op": {"add"}, "version": {strconv.FormatInt(e.groupVersion(lbID, big.ID), 10)},
		"new_server": {first.ServerID}, "new_port": {"65001"}, "new_weight": {"3"}}
	r := c.Post(path+"/batch", c.WithCSRF(form), htmx)
	wantStatus(t, r, http.StatusOK)
	got := memberRows(rowDoc(t, r.Body))
	want := memberRows(c.Get(path).Doc())
	if len(got) != len(want) || len(want) != int(big.Members)+1 {
		t.Fatalf("%d rows answered, %d on the page; want %d", len(got), len(want), big.Members+1)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d answered %+v; the page shows %+v", i, got[i], want[i])
		}
	}
}
