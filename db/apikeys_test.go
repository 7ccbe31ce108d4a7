package db

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"lbconsole/auth"
	"lbconsole/lb"
)

// giveKey makes a key for u by the command line and returns it with its credentials.
func (p *people) giveKey(t *testing.T, u User) (APIKey, auth.APICredentials) {
	t.Helper()
	cred := auth.NewAPICredentials()
	k, err := p.d.CreateAPIKey(context.Background(), testOrigin, u.ID, cred)
	if err != nil {
		t.Fatal(err)
	}
	return k, cred
}

// works reports whether both APIs would still take the key.
func (p *people) works(t *testing.T, cred auth.APICredentials) bool {
	t.Helper()
	ctx := context.Background()
	_, _, _, errSLB := p.d.APIKeyByAccessKeyID(ctx, cred.AccessKeyID)
	_, _, errREST := p.d.APIKeyByToken(ctx, cred.Token)
	for _, err := range []error{errSLB, errREST} {
		if err != nil && lb.ErrorKind(err) != lb.KindUnauthenticated {
			t.Fatal(err)
		}
	}
	if (errSLB == nil) != (errREST == nil) {
		t.Fatalf("the SLB API takes the key: %v, the REST API: %v; want both or neither", errSLB == nil, errREST == nil)
	}
	return errSLB == nil
}

func TestAPIKeyEvents(t *testing.T) {
	ctx := context.Background()

	t.Run("CreateIsAudited", func(t *testing.T) {
		p := newPeople(t)
		k, cred := p.giveKey(t, p.oscar)
		if k.Owner != "oscar" || !p.works(t, cred) {
			t.Errorf("CreateAPIKey = %+v; want a working key of oscar", k)
		}
		e := p.lastAudit(t, 1)
		if e.Action != ActionCreateKey || e.Source != SourceCLI || e.Actor != "test" || !strings.Contains(e.Message, cred.AccessKeyID) ||
			!strings.Contains(e.Message, "oscar") {
			t.Errorf("audit entry = %+v; want create_key from the cli naming the key and oscar", e)
		}
		if _, err := p.d.CreateAPIKey(ctx, testOrigin, 9999, auth.NewAPICredentials()); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("CreateAPIKey for an unknown user = %v; want not found", err)
		}
		p.lastAudit(t, 1)
	})

	t.Run("RevokeOwnRefusesAnotherUsersKey", func(t *testing.T) {
		p := newPeople(t)
		k, cred := p.giveKey(t, p.oscar)
		if _, err := p.d.RevokeOwnAPIKey(ctx, p.annAt, k.ID); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("ann revokes oscar's key as her own = %v; want not found", err)
		}
		if !p.works(t, cred) {
			t.Error("oscar's key stopped working")
		}
		oscarAt := Origin{ActorID: p.oscar.ID, Actor: "oscar"}
		was, err := p.d.RevokeOwnAPIKey(ctx, oscarAt, k.ID)
		if err != nil || !was.Active() || p.works(t, cred) {
			t.Errorf("oscar revokes his key = %+v, %v; want it revoked", was, err)
		}
		if e := p.lastAudit(t, 2); e.Action != ActionRevokeKey || e.Actor != "oscar" || e.Source != SourceConsole {
			t.Errorf("audit entry = %+v; want revoke_key by oscar on the console", e)
		}
	})

	t.Run("RevokeAnyOnceAndOnlyOnce", func(t *testing.T) {
		p := newPeople(t)
		k, cred := p.giveKey(t, p.oscar)
		if _, err := p.d.RevokeAPIKey(ctx, p.annAt, k.ID); err != nil || p.works(t, cred) {
			t.Fatalf("ann revokes oscar's key = %v, works %v; want it revoked", err, p.works(t, cred))
		}
		p.lastAudit(t, 2)
		was, err := p.d.RevokeAPIKey(ctx, p.annAt, k.ID)
		if err != nil || was.Active() {
			t.Errorf("revoke again = %+v, %v; want the key as it was: revoked", was, err)
		}
		p.lastAudit(t, 2) // nothing new
		if _, err := p.d.RevokeAPIKey(ctx, p.annAt, 9999); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("revoke an unknown key = %v; want not found", err)
		}
	})

	for _, change := range []struct {
		name   string
		action string
		do     func(p *people, revoke bool) (Ended, error)
	}{
		{"ResetPassword", ActionResetPassword, func(p *people, revoke bool) (Ended, error) {
			_, ended, err := p.d.ResetPassword(ctx, p.annAt, p.oscar.ID, "hash-new", revoke)
			return ended, err
		}},
		{"ResetPasswordFromTheCommandLine", ActionResetPassword, func(p *people, revoke bool) (Ended, error) {
			_, ended, err := p.d.ResetPassword(ctx, testOrigin, p.oscar.ID, "hash-new", revoke)
			return ended, err
		}},
		{"Disable", ActionDisableUser, func(p *people, revoke bool) (Ended, error) {
			_, ended, err := p.d.SetUserDisabled(ctx, p.annAt, p.oscar.ID, true, revoke)
			if err == nil {
				_, _, err = p.d.SetUserDisabled(ctx, p.annAt, p.oscar.ID, false, false)
			}
			return ended, err
		}},
	} {
		t.Run(change.name+"RevokesKeysWhenAsked", func(t *testing.T) {
			p := newPeople(t)
			_, cred1 := p.giveKey(t, p.oscar)
			_, cred2 := p.giveKey(t, p.oscar)
			_, bobs := p.giveKey(t, p.bob)
			ended, err := change.do(p, true)
			if err != nil || ended.Keys != 2 || ended.Sessions != 2 {
				t.Fatalf("%s = %+v, %v; want 2 sessions and 2 keys ended", change.name, ended, err)
			}
			if p.works(t, cred1) || p.works(t, cred2) || !p.works(t, bobs) {
				t.Errorf("after %s: oscar's keys work %v %v, bob's %v; want oscar's revoked, bob's working", change.name,
					p.works(t, cred1), p.works(t, cred2), p.works(t, bobs))
			}
			page, err := p.d.ListAudit(ctx, AuditFilter{Ascending: true})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range page.Items[p.base+3:] {
				actions = append(actions, e.Action)
			}
			if len(actions) < 3 || actions[0] != change.action || actions[1] != ActionRevokeKey || actions[2] != ActionRevokeKey {
				t.Errorf("audit actions after making the keys = %v; want %s, then revoke_key twice", actions, change.action)
			}
		})

		t.Run(change.name+"KeepsKeysOtherwise", func(t *testing.T) {
			p := newPeople(t)
			_, cred := p.giveKey(t, p.oscar)
			ended, err := change.do(p, false)
			if err != nil || ended.Keys != 0 || !p.works(t, cred) {
				t.Errorf("%s without revoking = %+v, %v, key works %v; want the key working", change.name, ended, err, p.works(t, cred))
			}
		})
	}

	t.Run("ListAndFind", func(t *testing.T) {
		p := newPeople(t)
		ko, credO := p.giveKey(t, p.oscar)
		kb, _ := p.giveKey(t, p.bob)
		every, err := p.d.ListEveryAPIKey(ctx, "")
		if err != nil || len(every) != 2 || every[0].Owner != "bob" || every[1].Owner != "oscar" {
			t.Errorf("ListEveryAPIKey = %+v, %v; want bob's key then oscar's", every, err)
		}
		if only, err := p.d.ListEveryAPIKey(ctx, "oscar"); err != nil || len(only) != 1 || only[0].ID != ko.ID {
			t.Errorf("ListEveryAPIKey(oscar) = %+v, %v; want oscar's key", only, err)
		}
		for _, ref := range []string{credO.AccessKeyID, strconv.FormatInt(ko.ID, 10)} {
			if k, err := p.d.FindAPIKey(ctx, ref); err != nil || k.ID != ko.ID || k.Owner != "oscar" {
				t.Errorf("FindAPIKey(%s) = %+v, %v; want oscar's key", ref, k, err)
			}
		}
		if _, err := p.d.FindAPIKey(ctx, "LTAInothere"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("FindAPIKey(unknown) = %v; want not found", err)
		}
		if _, err := p.d.RevokeAPIKey(ctx, p.annAt, kb.ID); err != nil {
			t.Fatal(err)
		}
		users, err := p.d.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		for _, u := range users {
			keys[u.Name] = u.Keys
		}
		if keys["oscar"] != 1 || keys["bob"] != 0 || keys["ann"] != 0 {
			t.Errorf("ListUsers working key counts = %v; want oscar 1, bob 0 (revoked), ann 0", keys)
		}
	})
}
