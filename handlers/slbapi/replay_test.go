package slbapi_test

import (
	"net/http"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/handlers"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// TestReplayRefusedByEveryConsole captures a signed removal and sends it again to a console
// started afresh on the same database file, as after a restart or on a second replica: the
// replay must be refused there too, and remove nothing.
func TestReplayRefusedByEveryConsole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	web := e.loadBalancer("web-frontend-hz")
	groups := e.vserverGroups(web)
	if len(groups) == 0 {
		t.Fatalf("%s has no VServer group", web.ID)
	}
	g := groups[0]
	free := e.servers(web, e.members(web.ID, g.ID), joinable(web))
	if len(free) == 0 {
		t.Fatalf("no server may join %s", g.ID)
	}
	list := `[{"ServerId":"` + free[0].ID + `","Port":8080}]`
	add := func(srv string) {
		t.Helper()
		u := e.signed(operatorName, "POST", map[string]string{"Action": "AddVServerGroupBackendServers", "VServerGroupId": g.ID, "BackendServers": list})
		if status, body := send(t, http.MethodPost, strings.Replace(u, e.srv.URL, srv, 1)); status != http.StatusOK {
			t.Fatalf("add %s: %d %s", free[0].ID, status, body)
		}
	}
	inGroup := func() bool {
		for _, m := range e.members(web.ID, g.ID) {
			if m.ServerID == free[0].ID && m.Port == 8080 {
				return true
			}
		}
		return false
	}
	add(e.srv.URL)
	captured := e.signed(operatorName, "POST", map[string]string{"Action": "RemoveVServerGroupBackendServers", "VServerGroupId": g.ID, "BackendServers": list})
	if status, body := send(t, http.MethodPost, captured); status != http.StatusOK || inGroup() {
		t.Fatalf("the captured removal: %d %s (still in the group: %v)", status, body, inGroup())
	}
	add(e.srv.URL)

	other := testenv.OpenStore(t, e.path, db.Options{})
	second := testenv.Serve(t, testenv.Router(t, handlers.Config{DB: other}), false)
	status, body := send(t, http.MethodPost, strings.Replace(captured, e.srv.URL, second.URL, 1))
	if status != http.StatusBadRequest || errorFields(t, body)["Code"] != "SignatureNonceUsed" {
		t.Fatalf("the removal replayed to another console: %d %s; want 400 SignatureNonceUsed", status, body)
	}
	if !inGroup() {
		t.Fatalf("the replay removed %s from %s again", free[0].ID, g.ID)
	}
	if a := e.lastAudit(); a.Action != string(lb.ActionAdd) {
		t.Errorf("the newest audit entry is a %s (%s); want the add before the replay: a replay is refused before it is a batch", a.Action, a.Outcome)
	}
}
