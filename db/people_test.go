package db

import (
	"context"
	"testing"
	"time"

	"lbconsole/lb"
)

// people is a store with two admins and an operator, each with two live sessions.
type people struct {
	d               *DB
	clk             *clock
	ann, bob, oscar User
	annAt           Origin
	sessionsPerUser int
	sessionHashes   map[int64][]string
	// base is how many audit entries making the three users wrote.
	base int
}

// testOrigin is who makes a test's users and keys: the command line.
var testOrigin = Origin{Actor: "test", Source: SourceCLI}

func newPeople(t *testing.T) *people {
	t.Helper()
	ctx := context.Background()
	clk := newClock()
	d, _ := emptyDB(t, Options{Now: clk.Now})
	p := &people{d: d, clk: clk, sessionsPerUser: 2, sessionHashes: map[int64][]string{}}
	for _, u := range []struct {
		dst  *User
		name string
		role lb.Role
	}{{&p.ann, "ann", lb.RoleAdmin}, {&p.bob, "bob", lb.RoleAdmin}, {&p.oscar, "oscar", lb.RoleOperator}} {
		var err error
		if *u.dst, err = d.CreateUser(ctx, testOrigin, u.name, u.role, "hash-"+u.name); err != nil {
			t.Fatal(err)
		}
		for i := range p.sessionsPerUser {
			h := u.name + "-session-" + string(rune('a'+i))
			now := clk.Now()
			if err := d.CreateSession(ctx, Session{IDHash: h, UserID: u.dst.ID, Created: now, LastSeen: now, Expires: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			p.sessionHashes[u.dst.ID] = append(p.sessionHashes[u.dst.ID], h)
		}
	}
	p.annAt = Origin{ActorID: p.ann.ID, Actor: "ann", ClientIP: "192.0.2.1", RequestID: "req-1"}
	p.base = auditTotal(t, d)
	return p
}

// liveSessions counts the sessions of u that still sign someone in.
func (p *people) liveSessions(t *testing.T, u User) int {
	t.Helper()
	n := 0
	for _, h := range p.sessionHashes[u.ID] {
		_, _, err := p.d.SessionUser(context.Background(), h)
		switch {
		case err == nil:
			n++
		case lb.ErrorKind(err) != lb.KindUnauthenticated:
			t.Fatalf("SessionUser(%s): %v", h, err)
		}
	}
	return n
}

func (p *people) reload(t *testing.T, u User) User {
	t.Helper()
	got, err := p.d.UserByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// lastAudit returns the newest audit entry, checking that there are want entries since the
// users were made.
func (p *people) lastAudit(t *testing.T, want int) AuditEntry {
	t.Helper()
	page, err := p.d.ListAudit(context.Background(), AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != p.base+want || len(page.Items) == 0 {
		t.Fatalf("%d audit entries since the users were made; want %d", page.Total-p.base, want)
	}
	return page.Items[0]
}

func TestAccountChanges(t *testing.T) {
	ctx := context.Background()

	t.Run("CreateUserIsAudited", func(t *testing.T) {
		p := newPeople(t)
		u, err := p.d.CreateUser(ctx, p.annAt, "carol", lb.RoleViewer, "hash-carol")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.reload(t, u); got.Name != "carol" || got.Role != lb.RoleViewer || got.Disabled {
			t.Errorf("carol = %+v; want an enabled viewer", got)
		}
		e := p.lastAudit(t, 1)
		if e.Action != ActionCreateUser || e.Actor != "ann" || e.Outcome != OutcomeOK || e.ClientIP != "192.0.2.1" || e.RequestID != "req-1" {
			t.Errorf("audit entry = %+v; want create_user by ann, ok, with her address and request id", e)
		}
	})

	t.Run("ErrNameTaken", func(t *testing.T) {
		p := newPeople(t)
		if _, err := p.d.CreateUser(ctx, p.annAt, "bob", lb.RoleViewer, "x"); lb.ErrorKind(err) != lb.KindConflict {
			t.Errorf("CreateUser(bob) = %v; want a conflict", err)
		}
		if n := auditTotal(t, p.d) - p.base; n != 0 {
			t.Errorf("%d audit entries after a refused CreateUser; want 0", n)
		}
	})

	t.Run("ChangeRole", func(t *testing.T) {
		p := newPeople(t)
		was, err := p.d.SetUserRole(ctx, p.annAt, p.oscar.ID, lb.RoleViewer)
		if err != nil {
			t.Fatal(err)
		}
		if was.Role != lb.RoleOperator || p.reload(t, p.oscar).Role != lb.RoleViewer {
			t.Errorf("SetUserRole returned %s, now %s; want operator, then viewer", was.Role, p.reload(t, p.oscar).Role)
		}
		if e := p.lastAudit(t, 1); e.Action != ActionChangeRole {
			t.Errorf("audit action = %s; want %s", e.Action, ActionChangeRole)
		}
		if _, err := p.d.SetUserRole(ctx, p.annAt, p.oscar.ID, "root"); err == nil {
			t.Error("SetUserRole(root) succeeded; want an error")
		}
	})

	t.Run("ErrOwnAccount", func(t *testing.T) {
		p := newPeople(t)
		if _, err := p.d.SetUserRole(ctx, p.annAt, p.ann.ID, lb.RoleViewer); lb.ErrorKind(err) != lb.KindForbidden {
			t.Errorf("demote self = %v; want forbidden", err)
		}
		if _, _, err := p.d.SetUserDisabled(ctx, p.annAt, p.ann.ID, true, false); lb.ErrorKind(err) != lb.KindForbidden {
			t.Errorf("disable self = %v; want forbidden", err)
		}
		if _, _, err := p.d.ResetPassword(ctx, p.annAt, p.ann.ID, "new", false); lb.ErrorKind(err) != lb.KindForbidden {
			t.Errorf("reset own password = %v; want forbidden", err)
		}
		if got := p.reload(t, p.ann); got.Role != lb.RoleAdmin || got.Disabled || got.PasswordHash != "hash-ann" {
			t.Errorf("ann = %+v; want her unchanged", got)
		}
		if n := p.liveSessions(t, p.ann); n != 2 {
			t.Errorf("ann has %d live sessions; want 2", n)
		}
		if n := auditTotal(t, p.d) - p.base; n != 0 {
			t.Errorf("%d audit entries after refusals; want 0", n)
		}
	})

	t.Run("ErrLastAdmin", func(t *testing.T) {
		p := newPeople(t)
		if _, _, err := p.d.SetUserDisabled(ctx, p.annAt, p.bob.ID, true, false); err != nil {
			t.Fatalf("ann disables bob: %v", err)
		}
		// bob acted at the same moment, before his session ended: ann is now the last admin.
		bobAt := Origin{ActorID: p.bob.ID, Actor: "bob"}
		if _, _, err := p.d.SetUserDisabled(ctx, bobAt, p.ann.ID, true, false); lb.ErrorKind(err) != lb.KindConflict {
			t.Errorf("disable the last admin = %v; want a conflict", err)
		}
		if _, err := p.d.SetUserRole(ctx, bobAt, p.ann.ID, lb.RoleOperator); lb.ErrorKind(err) != lb.KindConflict {
			t.Errorf("demote the last admin = %v; want a conflict", err)
		}
		if got := p.reload(t, p.ann); got.Role != lb.RoleAdmin || got.Disabled {
			t.Errorf("ann = %+v; want an enabled admin still", got)
		}
		// A disabled admin is no admin to keep: demoting bob is fine.
		if _, err := p.d.SetUserRole(ctx, p.annAt, p.bob.ID, lb.RoleViewer); err != nil {
			t.Errorf("demote disabled bob = %v; want nil", err)
		}
	})

	t.Run("DisableEndsSessionsAtOnce", func(t *testing.T) {
		p := newPeople(t)
		was, ended, err := p.d.SetUserDisabled(ctx, p.annAt, p.oscar.ID, true, false)
		if err != nil {
			t.Fatal(err)
		}
		if was.Disabled || ended.Sessions != 2 {
			t.Errorf("SetUserDisabled = was disabled %v, ended %d sessions; want false, 2", was.Disabled, ended.Sessions)
		}
		if n := p.liveSessions(t, p.oscar); n != 0 {
			t.Errorf("oscar has %d live sessions after being disabled; want 0", n)
		}
		if n := count(t, p.d, "SELECT count(*) FROM sessions WHERE user_id = ?", p.oscar.ID); n != 0 {
			t.Errorf("%d session rows left for oscar; want 0", n)
		}
		if n := p.liveSessions(t, p.bob); n != 2 {
			t.Errorf("bob has %d live sessions; want his 2 untouched", n)
		}
		if e := p.lastAudit(t, 1); e.Action != ActionDisableUser {
			t.Errorf("audit action = %s; want %s", e.Action, ActionDisableUser)
		}
		if _, _, err := p.d.SetUserDisabled(ctx, p.annAt, p.oscar.ID, false, false); err != nil {
			t.Fatal(err)
		}
		if got := p.reload(t, p.oscar); got.Disabled {
			t.Error("oscar is still disabled after enabling")
		}
		if e := p.lastAudit(t, 2); e.Action != ActionEnableUser {
			t.Errorf("audit action = %s; want %s", e.Action, ActionEnableUser)
		}
	})

	t.Run("ResetPasswordEndsSessions", func(t *testing.T) {
		p := newPeople(t)
		_, ended, err := p.d.ResetPassword(ctx, p.annAt, p.oscar.ID, "hash-new", false)
		if err != nil {
			t.Fatal(err)
		}
		if ended.Sessions != 2 || p.liveSessions(t, p.oscar) != 0 || p.reload(t, p.oscar).PasswordHash != "hash-new" {
			t.Errorf("after reset: ended %d, live %d, hash %q; want 2, 0, hash-new", ended.Sessions, p.liveSessions(t, p.oscar), p.reload(t, p.oscar).PasswordHash)
		}
		if e := p.lastAudit(t, 1); e.Action != ActionResetPassword {
			t.Errorf("audit action = %s; want %s", e.Action, ActionResetPassword)
		}
	})

	t.Run("ChangeOwnPasswordKeepsThisSession", func(t *testing.T) {
		p := newPeople(t)
		oscarAt := Origin{ActorID: p.oscar.ID, Actor: "oscar"}
		keep := p.sessionHashes[p.oscar.ID][0]
		ended, err := p.d.ChangeOwnPassword(ctx, oscarAt, "hash-mine", keep)
		if err != nil {
			t.Fatal(err)
		}
		if ended != 1 || p.liveSessions(t, p.oscar) != 1 {
			t.Errorf("ended %d, live %d; want 1 ended and this one live", ended, p.liveSessions(t, p.oscar))
		}
		if _, _, err := p.d.SessionUser(ctx, keep); err != nil {
			t.Errorf("the kept session: %v", err)
		}
		if e := p.lastAudit(t, 1); e.Action != ActionChangePassword || e.Actor != "oscar" {
			t.Errorf("audit = %s by %s; want change_password by oscar", e.Action, e.Actor)
		}
	})

	t.Run("ListUsersCountsLiveSessions", func(t *testing.T) {
		p := newPeople(t)
		p.clk.Advance(2 * time.Hour) // every session has expired
		now := p.clk.Now()
		if err := p.d.CreateSession(ctx, Session{IDHash: "fresh", UserID: p.bob.ID, Created: now, LastSeen: now, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		users, err := p.d.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		var names []string
		for _, u := range users {
			got[u.Name] = u.Sessions
			names = append(names, u.Name)
		}
		if want := []string{"ann", "bob", "oscar"}; len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
			t.Errorf("ListUsers names = %v; want %v", names, want)
		}
		if got["ann"] != 0 || got["bob"] != 1 || got["oscar"] != 0 {
			t.Errorf("live sessions = %v; want ann 0, bob 1, oscar 0", got)
		}
		if n, err := p.d.LiveSessions(ctx, p.bob.ID); err != nil || n != 1 {
			t.Errorf("LiveSessions(bob) = %d, %v; want 1", n, err)
		}
	})

	t.Run("AuditChainHolds", func(t *testing.T) {
		p := newPeople(t)
		if _, err := p.d.CreateUser(ctx, p.annAt, "dan", lb.RoleOperator, "h"); err != nil {
			t.Fatal(err)
		}
		if _, err := p.d.SetUserRole(ctx, p.annAt, p.oscar.ID, lb.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.d.SetUserDisabled(ctx, p.annAt, p.bob.ID, true, false); err != nil {
			t.Fatal(err)
		}
		r, err := p.d.VerifyAudit(ctx)
		if err != nil || !r.OK() || r.Rows != int64(p.base+3) {
			t.Errorf("VerifyAudit = %+v, %v; want %d intact rows", r, err, p.base+3)
		}
	})
}
