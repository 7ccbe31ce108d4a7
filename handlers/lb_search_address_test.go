package handlers_test

import (
	"fmt"
	"testing"
)

// The load balancer search finds a load balancer by the address of a server behind it, as it
// does by the server's id.
func TestLBSearchFindsABackendsAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	m := e.members(g.ID)[0]
	d := e.signInAt(viewerName).Get("/lbs?q=" + m.Address).Doc()
	if d.Find(fmt.Sprintf(`tr[data-testid="lb-row"][data-id=%q]`, lbID)).Length() != 1 {
		t.Errorf("searching for %s, the address of %s, does not list %s", m.Address, m.ServerID, lbID)
	}
}
