package handlers_test

import (
	"fmt"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// A backup member (set through the REST API) says so in its row of the group page, and no
// other row does.
func TestGroupPageShowsBackupMembers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	m := e.members(g.ID)[0]
	backup := true
	if _, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID, Actor: adminName, Source: db.SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetBackup, New: []lb.Spec{{MemberID: m.ID, Backup: &backup}}}}); err != nil {
		t.Fatal(err)
	}
	d := e.signIn(viewerName).Get(groupPath(lbID, g.ID)).Doc()
	if n := d.Find(fmt.Sprintf(`tr[data-member-id=%q] [data-testid="member-backup"]`, m.ID)).Length(); n != 1 {
		t.Errorf("the backup member's row has %d backup badges; want 1", n)
	}
	if n := d.Find(`[data-testid="member-backup"]`).Length(); n != 1 {
		t.Errorf("%d backup badges on the page; want only the backup member's", n)
	}
}
