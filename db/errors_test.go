package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lbconsole/auth"
	"lbconsole/lb"
)

// TestConstraintKind shows the one translation of broken constraints into the domain's kinds,
// with real statements against a real database.
func TestConstraintKind(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{Key: testKey})
	insertUser := "INSERT INTO users (name, role, password_hash, created) VALUES ('ann', 'admin', 'x', '')"
	if _, err := d.write.ExecContext(ctx, insertUser); err != nil {
		t.Fatal(err)
	}
	_, unique := d.write.ExecContext(ctx, insertUser)
	_, foreign := d.write.ExecContext(ctx, "INSERT INTO sessions (id_hash, user_id, created, last_seen, expires) VALUES ('h', 999, '', '', '')")
	for _, tt := range []struct {
		name string
		err  error
		want lb.Kind
	}{
		{"UniqueKeyIsAConflict", unique, lb.KindConflict},
		{"ForeignKeyIsNotFound", foreign, lb.KindNotFound},
		{"AnythingElseIsNoKind", errors.New("disk I/O error"), ""},
		{"NoError", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := constraintKind(tt.err); got != tt.want {
				t.Errorf("constraintKind(%v) = %q; want %q", tt.err, got, tt.want)
			}
		})
	}
}

// TestMissingNamesTheObject shows that a lookup of something that does not exist answers an
// *lb.Error that names it, so that every interface can show the store's message as it is.
func TestMissingNamesTheObject(t *testing.T) {
	ctx := context.Background()
	p := newPeople(t)
	d, _ := seededDB(t, Options{Key: testKey})
	page, err := d.ListLoadBalancers(ctx, LBFilter{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("ListLoadBalancers = %v, %v", page, err)
	}
	lbID := page.Items[0].ID
	call := func(_ any, err error) error { return err }
	for _, tt := range []struct {
		name  string
		err   error
		kind  lb.Kind
		field string
		words string
	}{
		{"LoadBalancer", call(d.GetLoadBalancer(ctx, "lb-nope")), lb.KindNotFound, lb.FieldLoadBalancer, "load balancer lb-nope does not exist"},
		{"Group", call(d.GetGroup(ctx, lbID, "rsp-nope")), lb.KindNotFound, lb.FieldGroup, "load balancer " + lbID + " has no server group rsp-nope"},
		{"Pool", call(d.GetPool(ctx, "rsp-nope")), lb.KindNotFound, lb.FieldGroup, "pool rsp-nope does not exist"},
		{"Member", call(d.GetMember(ctx, "rsp-1", "m-nope")), lb.KindNotFound, lb.FieldMemberID, "member m-nope is not in pool rsp-1"},
		{"Server", call(d.GetServer(ctx, "i-nope")), lb.KindNotFound, lb.FieldServerID, "server i-nope does not exist in the inventory"},
		{"AuditEntry", call(d.GetAudit(ctx, 999_999)), lb.KindNotFound, FieldAuditEntry, "audit entry 999999 does not exist"},
		{"UserByName", call(p.d.UserByName(ctx, "nobody")), lb.KindNotFound, lb.FieldUser, "user nobody does not exist"},
		{"APIKey", call(p.d.FindAPIKey(ctx, "LTAInothere")), lb.KindNotFound, FieldAPIKey, "API key LTAInothere does not exist"},
		{"RevokeOwnKey", call(p.d.RevokeOwnAPIKey(ctx, p.annAt, 999)), lb.KindNotFound, FieldAPIKey, "ann has no API key 999"},
		{"NameTaken", call(p.d.CreateUser(ctx, p.annAt, "bob", lb.RoleViewer, "x")), lb.KindConflict, lb.FieldUserName, "a user named bob already exists"},
		{"Token", call3(p.d.APIKeyByToken(ctx, "lbc_nope")), lb.KindUnauthenticated, FieldToken, "token is unknown"},
		{"Session", call3(p.d.SessionUser(ctx, auth.HashToken("nope"))), lb.KindUnauthenticated, "", "not signed in"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := lb.AsError(tt.err)
			if !ok || e.Kind != tt.kind || e.Field != tt.field || !strings.Contains(e.Message, tt.words) {
				t.Errorf("got %#v; want a %s error about %q saying %q", tt.err, tt.kind, tt.field, tt.words)
			}
		})
	}
}

func call3[A, B any](_ A, _ B, err error) error { return err }

// A request's own deadline or cancellation is not a failing store: the interfaces say the
// request took too long, not that the disk is full.
func TestARequestsDeadlineIsNotUnavailable(t *testing.T) {
	t.Parallel()
	for _, err := range []error{context.DeadlineExceeded, context.Canceled, fmt.Errorf("db: unable to read: %w", context.DeadlineExceeded)} {
		if IsUnavailable(err) {
			t.Errorf("IsUnavailable(%v) = true; want false", err)
		}
	}
}
