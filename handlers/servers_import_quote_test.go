package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"lbconsole/db"
)

// TestServerImportStrayQuote: a line that starts with an unclosed quote is a problem at its
// line, like any other line the reader cannot read. It made the reader panic (found by
// FuzzReadServerCSV), and the admin got a 500.
func TestServerImportStrayQuote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	admin.Get("/servers")
	before := e.inventory(db.ServerFilter{}).Total
	r := uploadCSV(admin, []byte("id,name,address,subnet_id,type,status\n\"i-quote1,q,10.0.0.1,vsw-1,ecs,Running\n"))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := text(r.Doc().Find(`li[data-testid="import-problem"][data-line="2"]`)); !strings.Contains(got, "not valid CSV") {
		t.Errorf("problem at line 2 = %q; want it to say the file is not valid CSV there", got)
	}
	if n := e.inventory(db.ServerFilter{}).Total; n != before {
		t.Errorf("%d servers after a refused import; want %d", n, before)
	}
}
