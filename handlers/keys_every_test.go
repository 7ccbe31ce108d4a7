package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/auth"
	"lbconsole/db"
)

// giveKey makes an API key for the named user, as they would on /keys, and returns its
// credentials.
func (e *env) giveKey(name string) (db.APIKey, auth.APICredentials) {
	e.t.Helper()
	cred := auth.NewAPICredentials()
	k, err := e.store.CreateAPIKey(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, e.user(name).ID, cred)
	if err != nil {
		e.t.Fatalf("CreateAPIKey(%s): %v", name, err)
	}
	return k, cred
}

// tokenWorks reports whether the pool members REST API takes cred's token: 200 yes, 401 no.
func (e *env) tokenWorks(t *testing.T, cred auth.APICredentials) bool {
	t.Helper()
	_, g := e.bigGroup()
	r := e.browser().Get("/v2.0/lbaas/pools/"+g.ID+"/members", header("X-Auth-Token", cred.Token))
	switch r.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	}
	t.Fatalf("GET members with a token = %d; want 200 or 401\n%s", r.StatusCode, r.Snippet())
	return false
}

// accountAudit returns the audit entries of an account action made on the console, newest first.
func (e *env) accountAudit(t *testing.T, action string) []db.AuditEntry {
	t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Action: action, Source: db.SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// revokeBox is the "also revoke this user's API keys" checkbox of one of a row's forms.
func revokeBox(row *goquery.Selection, form string) *goquery.Selection {
	return row.Find(`form[data-testid="` + form + `"] input[type="checkbox"][name="revoke_keys"]`)
}

// A new password does not stop a script that holds the old owner's key: the reset offers to
// revoke the keys, checked, and does it in the same step.
func TestResetPasswordRevokesKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	_, veraCred := e.giveKey(viewerName)
	_, oscarCred := e.giveKey(operatorName)
	if !e.tokenWorks(t, veraCred) || !e.tokenWorks(t, oscarCred) {
		t.Fatal("the new keys do not work")
	}

	row := userRowsByName(admin.Get("/users").Doc())[viewerName]
	if box := revokeBox(row, "password-form"); box.Length() != 1 || box.AttrOr("checked", "no") == "no" || box.AttrOr("value", "") != "on" {
		t.Errorf("vera's reset form has %d revoke_keys boxes (checked %q); want one, checked", box.Length(), box.AttrOr("checked", "no"))
	}
	if got := text(row.Find(`[data-testid="user-keys-link"]`)); got != "1" {
		t.Errorf("vera's row shows %q working keys; want 1", got)
	}

	t.Run("Checked", func(t *testing.T) {
		r := admin.Post(userAction(e.user(viewerName), "password"), admin.WithCSRF(url.Values{
			"password": {newPassword}, "confirm": {newPassword}, "revoke_keys": {"on"}}))
		wantStatus(t, r, http.StatusOK)
		if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "revoked their 1 API key") {
			t.Errorf("flash = %q; want it to say 1 API key was revoked", got)
		}
		if e.tokenWorks(t, veraCred) {
			t.Error("vera's key still works after her password was reset with the box checked")
		}
		resets, revokes := e.accountAudit(t, db.ActionResetPassword), e.accountAudit(t, db.ActionRevokeKey)
		if len(resets) != 1 || resets[0].Actor != adminName || len(revokes) != 1 || revokes[0].Actor != adminName ||
			!strings.Contains(revokes[0].Request, veraCred.AccessKeyID) || revokes[0].Seq != resets[0].Seq+1 {
			t.Errorf("audit: resets %+v, revokes %+v; want one reset_password then one revoke_key of %s, both by %s",
				resets, revokes, veraCred.AccessKeyID, adminName)
		}
	})

	t.Run("Unchecked", func(t *testing.T) {
		admin.Get("/users")
		r := admin.Post(userAction(e.user(operatorName), "password"), admin.WithCSRF(url.Values{
			"password": {newPassword}, "confirm": {newPassword}}))
		wantStatus(t, r, http.StatusOK)
		if !e.tokenWorks(t, oscarCred) {
			t.Error("oscar's key stopped working though the box was unchecked")
		}
		if got := text(userRowsByName(r.Doc())[operatorName].Find(`[data-testid="user-keys-link"]`)); got != "1" {
			t.Errorf("oscar's row shows %q working keys; want 1", got)
		}
	})
}

// A disabled owner's keys stop working, but came back on enabling: the disable form offers to
// revoke them for good.
func TestDisableRevokesKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	_, cred := e.giveKey(viewerName)

	row := userRowsByName(admin.Get("/users").Doc())[viewerName]
	if box := revokeBox(row, "disable-form"); box.Length() != 1 || box.AttrOr("checked", "no") == "no" {
		t.Errorf("vera's disable form has %d revoke_keys boxes; want one, checked", box.Length())
	}
	r := admin.Post(userAction(e.user(viewerName), "disable"), admin.WithCSRF(url.Values{"revoke_keys": {"on"}}))
	wantStatus(t, r, http.StatusOK)
	if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "revoked their 1 API key") {
		t.Errorf("flash = %q; want it to say 1 API key was revoked", got)
	}
	admin.Get("/users")
	wantStatus(t, admin.Post(userAction(e.user(viewerName), "enable"), admin.WithCSRF(url.Values{})), http.StatusOK)
	if e.tokenWorks(t, cred) {
		t.Error("vera's key works again after she was disabled with the box checked and enabled")
	}
	if n := len(e.accountAudit(t, db.ActionRevokeKey)); n != 1 {
		t.Errorf("%d revoke_key entries; want 1", n)
	}
}

// everyKeyRows returns the admins' key list by AccessKeyId.
func everyKeyRows(d *goquery.Document) map[string]*goquery.Selection {
	out := map[string]*goquery.Selection{}
	d.Find(`tr[data-testid="every-key-row"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-access-key-id", "")] = s
	})
	return out
}

func TestAdminSeesAndRevokesEveryKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	vk, veraCred := e.giveKey(viewerName)
	_, oscarCred := e.giveKey(operatorName)

	t.Run("ListsEveryUsersKeysWithTheirOwner", func(t *testing.T) {
		if admin.Get("/users").Doc().Find(`a[data-testid="every-key-link"][href="/users/keys"]`).Length() != 1 {
			t.Error("the users page does not link to every user's keys")
		}
		rows := everyKeyRows(admin.Get("/users/keys").Doc())
		for cred, owner := range map[auth.APICredentials]string{veraCred: viewerName, oscarCred: operatorName} {
			row := rows[cred.AccessKeyID]
			if row == nil || row.AttrOr("data-owner", "") != owner || row.AttrOr("data-active", "") != "true" ||
				row.Find(`button[data-testid="every-key-revoke"]`).Length() != 1 {
				t.Errorf("no active row with a revoke button for %s of %s", cred.AccessKeyID, owner)
			}
		}
		only := everyKeyRows(admin.Get("/users/keys?user=" + viewerName).Doc())
		if len(only) != 1 || only[veraCred.AccessKeyID] == nil {
			t.Errorf("?user=vera lists %d keys; want vera's one", len(only))
		}
	})

	t.Run("RevokeEndsTheKeyAtOnce", func(t *testing.T) {
		admin.Get("/users/keys")
		r := admin.Post("/users/keys/"+strconv.FormatInt(vk.ID, 10)+"/revoke", admin.WithCSRF(url.Values{}), htmx)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.Body, "<html") {
			t.Error("the htmx answer is a whole page")
		}
		row := everyKeyRows(r.Doc())[veraCred.AccessKeyID]
		if row == nil || row.AttrOr("data-active", "") != "false" {
			t.Error("vera's key is not shown revoked")
		}
		if e.tokenWorks(t, veraCred) {
			t.Error("vera's key still works after an admin revoked it")
		}
		if !e.tokenWorks(t, oscarCred) {
			t.Error("oscar's key stopped working")
		}
		a := e.accountAudit(t, db.ActionRevokeKey)
		if len(a) != 1 || a[0].Actor != adminName || !strings.Contains(a[0].Request, veraCred.AccessKeyID) || !strings.Contains(a[0].Request, viewerName) {
			t.Errorf("revoke_key entries = %+v; want one by %s naming vera's key", a, adminName)
		}
	})

	t.Run("AgainChangesNothing", func(t *testing.T) {
		audit := e.auditTotal()
		admin.Get("/users/keys")
		r := admin.Post("/users/keys/"+strconv.FormatInt(vk.ID, 10)+"/revoke", admin.WithCSRF(url.Values{}))
		wantStatus(t, r, http.StatusOK)
		if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "already revoked") || e.auditTotal() != audit {
			t.Errorf("flash = %q, audit %d → %d; want already revoked, nothing audited", got, audit, e.auditTotal())
		}
		wantStatus(t, admin.Post("/users/keys/99999/revoke", admin.WithCSRF(url.Values{})), http.StatusNotFound)
	})

	t.Run("OthersCannot", func(t *testing.T) {
		_, cred := e.giveKey(adminName)
		k, err := e.store.FindAPIKey(e.ctx, cred.AccessKeyID)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{operatorName, viewerName} {
			c := e.signIn(name)
			wantStatus(t, c.Get("/users/keys"), http.StatusForbidden)
			wantStatus(t, c.Post("/users/keys/"+strconv.FormatInt(k.ID, 10)+"/revoke", c.WithCSRF(url.Values{})), http.StatusForbidden)
		}
		if !e.tokenWorks(t, cred) {
			t.Error("a non-admin revoked the admin's key")
		}
	})
}

// Making and revoking one's own key is an account event like any other: in /audit, under its own
// action, and in the CSV.
func TestOwnKeyEventsAreAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vera := e.signIn(viewerName)
	vera.Get("/keys")
	r := vera.Post("/keys", vera.WithCSRF(url.Values{}))
	wantStatus(t, r, http.StatusOK)
	accessKeyID := text(r.Doc().Find(`[data-testid="new-access-key-id"]`))
	k, err := e.store.FindAPIKey(e.ctx, accessKeyID)
	if err != nil {
		t.Fatalf("FindAPIKey(%q): %v", accessKeyID, err)
	}
	wantStatus(t, vera.Post("/keys/"+strconv.FormatInt(k.ID, 10)+"/revoke", vera.WithCSRF(url.Values{})), http.StatusOK)

	for _, action := range []string{db.ActionCreateKey, db.ActionRevokeKey} {
		t.Run(action, func(t *testing.T) {
			d := vera.Get("/audit?action=" + action).Doc()
			rows := d.Find(`tr[data-testid="audit-row"]`)
			if rows.Length() != 1 || !strings.Contains(text(rows), viewerName) || !strings.Contains(text(rows), "console") ||
				!strings.Contains(text(rows), accessKeyID) {
				t.Errorf("/audit?action=%s rows = %q; want vera's one, from the console, naming the key", action, text(rows))
			}
			if d.Find(`select[name="action"] option[value="`+action+`"]`).Length() != 1 {
				t.Errorf("the action filter does not offer %s", action)
			}
			recs := readCSV(t, vera.Get("/audit.csv?action="+action).Body)
			col := columns(t, recs[0])
			if len(recs) != 2 || recs[1][col["actor"]] != viewerName || recs[1][col["action"]] != action ||
				!strings.Contains(recs[1][col["message"]], accessKeyID) {
				t.Errorf("/audit.csv?action=%s = %q; want vera's one row", action, recs)
			}
		})
	}
}
