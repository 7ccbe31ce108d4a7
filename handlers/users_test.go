package handlers_test

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// newPassword is what tests change passwords to.
const newPassword = "a-new-password-for-tests"

// signInAs returns a browser signed in with the given password, or fails.
func (e *env) signInAs(name, password string) *client {
	e.t.Helper()
	c := e.browser()
	c.Get("/login")
	r := c.Post("/login", c.WithCSRF(url.Values{"username": {name}, "password": {password}}))
	if r.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d; want 303", name, r.StatusCode)
	}
	return c
}

// signInRefused checks that the name and password do not sign in.
func (e *env) signInRefused(t *testing.T, name, password string) {
	t.Helper()
	c := e.browser()
	c.Get("/login")
	if r := c.Post("/login", c.WithCSRF(url.Values{"username": {name}, "password": {password}})); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign in as %s = %d; want 401", name, r.StatusCode)
	}
}

// wantSignedOut checks that the browser's session no longer lets it in.
func wantSignedOut(t *testing.T, c *client) {
	t.Helper()
	r := c.Get("/lbs")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("GET /lbs = %d to %q; want 303 to /login: the session should have ended", r.StatusCode, r.Header.Get("Location"))
	}
}

// wantSignedIn checks that the browser's session still lets it in.
func wantSignedIn(t *testing.T, c *client) {
	t.Helper()
	if r := c.Get("/lbs"); r.StatusCode != http.StatusOK {
		t.Errorf("GET /lbs = %d; want 200: the session should be live", r.StatusCode)
	}
}

func (e *env) user(name string) db.User {
	e.t.Helper()
	u, err := e.store.UserByName(e.ctx, name)
	if err != nil {
		e.t.Fatalf("UserByName(%s): %v", name, err)
	}
	return u
}

func userAction(u db.User, action string) string { return fmt.Sprintf("/users/%d/%s", u.ID, action) }

// userRowsByName returns the users page's rows by the user's name.
func userRowsByName(d *goquery.Document) map[string]*goquery.Selection {
	out := map[string]*goquery.Selection{}
	d.Find(`tr[data-testid="user-row"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-name", "")] = s
	})
	return out
}

// fieldErrorIn returns the field error message inside s, or "".
func fieldErrorIn(s *goquery.Selection) string { return text(s.Find(`[data-testid="field-error"]`)) }

func TestUsersCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)

	t.Run("AdminSeesEveryUser", func(t *testing.T) {
		r := admin.Get("/users")
		wantStatus(t, r, http.StatusOK)
		rows := userRowsByName(r.Doc())
		for name, role := range map[string]string{adminName: "admin", operatorName: "operator", viewerName: "viewer"} {
			if rows[name] == nil || rows[name].AttrOr("data-role", "") != role || rows[name].AttrOr("data-disabled", "") != "false" {
				t.Errorf("row of %s missing or wrong; want an enabled %s", name, role)
			}
		}
		if r.Doc().Find(`form[data-testid="user-create-form"] input[name="_csrf"]`).AttrOr("value", "") == "" {
			t.Error("the create form has no _csrf")
		}
	})

	t.Run("CreatedUserCanSignIn", func(t *testing.T) {
		admin.Get("/users")
		r := admin.Post("/users", admin.WithCSRF(url.Values{"name": {"dora"}, "role": {"operator"}, "password": {testPassword}, "confirm": {testPassword}}))
		wantStatus(t, r, http.StatusOK)
		if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "Added dora as operator") {
			t.Errorf("flash = %q; want it to say dora was added", got)
		}
		if row := userRowsByName(r.Doc())["dora"]; row == nil || row.AttrOr("data-role", "") != "operator" {
			t.Error("no operator row for dora")
		}
		dora := e.signIn("dora")
		if got := text(dora.Get("/lbs").Doc().Find(`[data-testid="whoami"]`)); got != "dora (operator)" {
			t.Errorf("whoami = %q; want dora (operator)", got)
		}
		a, err := e.store.ListAudit(e.ctx, db.AuditFilter{Action: db.ActionCreateUser, Source: db.SourceConsole})
		if err != nil || a.Total != 1 || a.Items[0].Actor != adminName {
			t.Errorf("create_user audit entries = %+v, %v; want one by %s", a.Items, err, adminName)
		}
	})

	t.Run("HTMXGetsTheFragment", func(t *testing.T) {
		admin.Get("/users")
		r := admin.Post("/users", admin.WithCSRF(url.Values{"name": {"erin"}, "role": {"viewer"}, "password": {testPassword}, "confirm": {testPassword}}), htmx)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if strings.Contains(r.Body, "<html") || d.Find(`[data-testid="users-table"]`).Length() != 1 || userRowsByName(d)["erin"] == nil {
			t.Errorf("htmx answer should be the users fragment with erin in it:\n%s", r.Snippet())
		}
	})

	t.Run("BadInputIsRefusedNextToTheField", func(t *testing.T) {
		good := url.Values{"name": {"frank"}, "role": {"viewer"}, "password": {testPassword}, "confirm": {testPassword}}
		for _, tc := range []struct {
			name, field, value, message string
			status                      int // zero: 422
		}{
			{"ErrNameEmpty", "name", "", "1 to 64 letters", 0},
			{"ErrNameSpace", "name", "fr ank", "1 to 64 letters", 0},
			{"ErrNameMarkup", "name", "<b>frank</b>", "1 to 64 letters", 0},
			{"ErrNameTooLong", "name", strings.Repeat("f", 65), "1 to 64 letters", 0},
			{"ErrNameTaken", "name", viewerName, "already exists", http.StatusConflict},
			{"ErrRole", "role", "root", "pick a role", 0},
			{"ErrPasswordShort", "password", "short-pw", "at least 12 characters", 0},
			{"ErrConfirm", "confirm", testPassword + "x", "not the same", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := e.store.CountUsers(e.ctx)
				audit := e.auditTotal()
				form := url.Values{}
				for k, v := range good {
					form[k] = v
				}
				form.Set(tc.field, tc.value)
				admin.Get("/users")
				r := admin.Post("/users", admin.WithCSRF(form))
				wantStatus(t, r, cmp.Or(tc.status, http.StatusUnprocessableEntity))
				f := r.Doc().Find(`form[data-testid="user-create-form"]`)
				if got := fieldErrorIn(f); !strings.Contains(got, tc.message) {
					t.Errorf("field error = %q; want %q", got, tc.message)
				}
				if got := f.Find(`input[name="name"]`).AttrOr("value", ""); got != form.Get("name") {
					t.Errorf("name input = %q; want what was typed, %q", got, form.Get("name"))
				}
				if got := f.Find(`input[name="password"]`).AttrOr("value", ""); got != "" {
					t.Error("the password was sent back to the browser")
				}
				if after, _ := e.store.CountUsers(e.ctx); after != before || e.auditTotal() != audit {
					t.Errorf("users %d → %d, audit %d → %d; want nothing changed", before, after, audit, e.auditTotal())
				}
			})
		}
	})
}

func TestUsersChangeRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	vera := e.signIn(viewerName)
	wantStatus(t, vera.Get("/users"), http.StatusForbidden)

	admin.Get("/users")
	r := admin.Post(userAction(e.user(viewerName), "role"), admin.WithCSRF(url.Values{"role": {"admin"}}), htmx)
	wantStatus(t, r, http.StatusOK)
	if row := userRowsByName(r.Doc())[viewerName]; row == nil || row.AttrOr("data-role", "") != "admin" {
		t.Error("vera's row does not show admin")
	}
	// The new role applies to vera's live session at once.
	wantStatus(t, vera.Get("/users"), http.StatusOK)

	t.Run("ErrRole", func(t *testing.T) {
		admin.Get("/users")
		r := admin.Post(userAction(e.user(operatorName), "role"), admin.WithCSRF(url.Values{"role": {"superuser"}}))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldErrorIn(userRowsByName(r.Doc())[operatorName]); !strings.Contains(got, "pick a role") {
			t.Errorf("oscar's row error = %q; want a message about the role", got)
		}
		if e.user(operatorName).Role != lb.RoleOperator {
			t.Error("oscar's role changed")
		}
	})

	t.Run("UnknownUser", func(t *testing.T) {
		admin.Get("/users")
		wantStatus(t, admin.Post("/users/99999/role", admin.WithCSRF(url.Values{"role": {"viewer"}})), http.StatusNotFound)
		wantStatus(t, admin.Post("/users/abc/disable", admin.WithCSRF(url.Values{})), http.StatusNotFound)
	})
}

func TestUsersDisable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	vera1, vera2 := e.signIn(viewerName), e.signIn(viewerName)
	wantSignedIn(t, vera1)

	admin.Get("/users")
	r := admin.Post(userAction(e.user(viewerName), "disable"), admin.WithCSRF(url.Values{}))
	wantStatus(t, r, http.StatusOK)
	if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "ended their 2 sessions") {
		t.Errorf("flash = %q; want it to say 2 sessions ended", got)
	}
	if row := userRowsByName(r.Doc())[viewerName]; row.AttrOr("data-disabled", "") != "true" {
		t.Error("vera's row does not show her disabled")
	}
	wantSignedOut(t, vera1)
	wantSignedOut(t, vera2)
	e.signInRefused(t, viewerName, testPassword)
	if a, _ := e.store.ListAudit(e.ctx, db.AuditFilter{Action: db.ActionDisableUser}); a.Total != 1 {
		t.Errorf("%d disable_user audit entries; want 1", a.Total)
	}

	admin.Get("/users")
	wantStatus(t, admin.Post(userAction(e.user(viewerName), "enable"), admin.WithCSRF(url.Values{})), http.StatusOK)
	wantSignedIn(t, e.signIn(viewerName))
}

func TestUsersResetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	oscar := e.signIn(operatorName)

	t.Run("ErrPasswordShort", func(t *testing.T) {
		admin.Get("/users")
		r := admin.Post(userAction(e.user(operatorName), "password"), admin.WithCSRF(url.Values{"password": {"short"}, "confirm": {"short"}}))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldErrorIn(userRowsByName(r.Doc())[operatorName]); !strings.Contains(got, "at least 12") {
			t.Errorf("oscar's row error = %q; want the length rule", got)
		}
		wantSignedIn(t, oscar)
	})

	admin.Get("/users")
	r := admin.Post(userAction(e.user(operatorName), "password"), admin.WithCSRF(url.Values{"password": {newPassword}, "confirm": {newPassword}}))
	wantStatus(t, r, http.StatusOK)
	wantSignedOut(t, oscar)
	e.signInRefused(t, operatorName, testPassword)
	wantSignedIn(t, e.signInAs(operatorName, newPassword))
}

func TestUsersOwnAccountRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	alice := e.user(adminName)
	for _, tc := range []struct {
		name, action, field string
		form                url.Values
		status              int
		message             string
	}{
		{"DisableSelf", "disable", "disabled", url.Values{}, http.StatusForbidden, "cannot disable your own account"},
		{"DemoteSelf", "role", "role", url.Values{"role": {"viewer"}}, http.StatusForbidden, "cannot change your own role"},
		{"ResetOwnPassword", "password", "password", url.Values{"password": {newPassword}, "confirm": {newPassword}}, http.StatusForbidden, "account page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			audit := e.auditTotal()
			admin.Get("/users")
			r := admin.Post(userAction(alice, tc.action), admin.WithCSRF(tc.form), htmx)
			wantStatus(t, r, tc.status)
			if got := fieldErrorIn(userRowsByName(r.Doc())[adminName]); !strings.Contains(got, tc.message) {
				t.Errorf("alice's row error = %q; want %q", got, tc.message)
			}
			if u := e.user(adminName); u.Role != lb.RoleAdmin || u.Disabled || u.PasswordHash != alice.PasswordHash || e.auditTotal() != audit {
				t.Errorf("alice = %+v; want her account and the audit log unchanged", u)
			}
			wantSignedIn(t, admin)
		})
	}
	// The page offers no way to do it in the first place.
	row := userRowsByName(admin.Get("/users").Doc())[adminName]
	if row.Find(`form[data-testid="disable-form"], form[data-testid="role-form"], form[data-testid="password-form"]`).Length() != 0 {
		t.Error("alice's own row offers to disable, demote or reset her")
	}
}

// Two admins who disable or demote each other at the same moment must not leave nobody to
// manage users: the store's last-admin rule refuses whichever comes second.
func TestUsersNeverLoseTheLastAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.store.CreateUser(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, "bea", lb.RoleAdmin, testenv.PasswordHash(t)); err != nil {
		t.Fatal(err)
	}
	for round, action := range []string{"disable", "role"} {
		alice, bea := e.signIn(adminName), e.signIn("bea")
		alice.Get("/users")
		bea.Get("/users")
		form := url.Values{"role": {"viewer"}}
		reqs := []struct {
			c    *client
			path string
			form url.Values
		}{{alice, userAction(e.user("bea"), action), alice.WithCSRF(form)}, {bea, userAction(e.user(adminName), action), bea.WithCSRF(form)}}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, rq := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = rq.c.Post(rq.path, rq.form).StatusCode
			}()
		}
		wg.Wait()
		admins := 0
		for _, name := range []string{adminName, "bea"} {
			if u := e.user(name); u.Role == lb.RoleAdmin && !u.Disabled {
				admins++
			}
		}
		t.Logf("round %d (%s): statuses %v", round, action, statuses)
		if admins != 1 {
			t.Errorf("round %d (%s): %d enabled admins left, statuses %v; want exactly 1", round, action, admins, statuses)
		}
		// Make both admins again for the next round.
		for _, name := range []string{adminName, "bea"} {
			if _, err := e.store.SetUserRole(e.ctx, db.Origin{}, e.user(name).ID, lb.RoleAdmin); err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.store.SetUserDisabled(e.ctx, db.Origin{}, e.user(name).ID, false, false); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestUsersForbiddenToNonAdmins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	target := e.user(viewerName)
	for _, name := range []string{operatorName, viewerName} {
		t.Run(name, func(t *testing.T) {
			c := e.signIn(name)
			r := c.Get("/users")
			wantStatus(t, r, http.StatusForbidden)
			if r.Doc().Find(`[data-testid="users-table"]`).Length() != 0 {
				t.Error("the 403 page shows the users")
			}
			if c.Get("/lbs").Doc().Find(`a[href="/users"]`).Length() != 0 {
				t.Error("the navigation links to /users for a non-admin")
			}
			users, _ := e.store.CountUsers(e.ctx)
			audit := e.auditTotal()
			for path, form := range map[string]url.Values{
				"/users":                         {"name": {"mallory"}, "role": {"admin"}, "password": {testPassword}, "confirm": {testPassword}},
				userAction(target, "role"):       {"role": {"admin"}},
				userAction(target, "disable"):    {},
				userAction(target, "enable"):     {},
				userAction(target, "password"):   {"password": {newPassword}, "confirm": {newPassword}},
				userAction(e.user(name), "role"): {"role": {"admin"}},
			} {
				wantStatus(t, c.Post(path, c.WithCSRF(form)), http.StatusForbidden)
			}
			after, _ := e.store.CountUsers(e.ctx)
			if u := e.user(viewerName); after != users || u.Role != lb.RoleViewer || u.Disabled || u.PasswordHash != target.PasswordHash || e.auditTotal() != audit {
				t.Errorf("something changed: users %d → %d, vera %+v, audit %d → %d", users, after, u, audit, e.auditTotal())
			}
			if e.user(name).Role == lb.RoleAdmin {
				t.Errorf("%s made themself admin", name)
			}
		})
	}
}

func TestUsersNeedTheCSRFToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.signIn(adminName)
	admin.Get("/users")
	r := admin.Post(userAction(e.user(viewerName), "disable"), url.Values{})
	wantStatus(t, r, http.StatusForbidden)
	if e.user(viewerName).Disabled {
		t.Error("vera was disabled without a CSRF token")
	}
}

func TestAccountPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vera, other := e.signIn(viewerName), e.signIn(viewerName)
	r := vera.Get("/account")
	wantStatus(t, r, http.StatusOK)
	if got := text(r.Doc().Find(`[data-testid="session-count"]`)); !strings.Contains(got, "2 browsers") {
		t.Errorf("session count = %q; want 2 browsers", got)
	}

	for _, tc := range []struct {
		name                      string
		current, password, repeat string
		field, message            string
	}{
		{"ErrCurrentWrong", "not-my-password", newPassword, newPassword, "current", "not your current password"},
		{"ErrPasswordShort", testPassword, "short", "short", "password", "at least 12"},
		{"ErrConfirm", testPassword, newPassword, newPassword + "!", "confirm", "not the same"},
		{"ErrSamePassword", testPassword, testPassword, testPassword, "password", "same as the current"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hash := e.user(viewerName).PasswordHash
			vera.Get("/account")
			r := vera.Post("/account/password", vera.WithCSRF(url.Values{"current": {tc.current}, "password": {tc.password}, "confirm": {tc.repeat}}))
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := text(r.Doc().Find(`#` + tc.field + `-error`)); !strings.Contains(got, tc.message) {
				t.Errorf("%s error = %q; want %q", tc.field, got, tc.message)
			}
			if e.user(viewerName).PasswordHash != hash {
				t.Error("the password changed")
			}
			wantSignedIn(t, other)
		})
	}

	t.Run("ChangeEndsTheOtherSessionsOnly", func(t *testing.T) {
		vera.Get("/account")
		r := vera.Post("/account/password", vera.WithCSRF(url.Values{"current": {testPassword}, "password": {newPassword}, "confirm": {newPassword}}))
		wantStatus(t, r, http.StatusOK)
		if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "password is changed") {
			t.Errorf("flash = %q", got)
		}
		wantSignedIn(t, vera)
		wantSignedOut(t, other)
		e.signInRefused(t, viewerName, testPassword)
		wantSignedIn(t, e.signInAs(viewerName, newPassword))
		if a, _ := e.store.ListAudit(e.ctx, db.AuditFilter{Action: db.ActionChangePassword, Actor: viewerName}); a.Total != 1 {
			t.Errorf("%d change_password audit entries by vera; want 1", a.Total)
		}
	})
}

func TestAccountSignOutEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	one, two := e.signIn(operatorName), e.signIn(operatorName)
	alice := e.signIn(adminName)
	r := one.Get("/account")
	form := r.Doc().Find(`form[data-testid="sign-out-everywhere-form"]`)
	if form.AttrOr("action", "") != "/account/sign-out-everywhere" || form.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
		t.Fatal("no sign-out-everywhere form with a _csrf")
	}
	r = one.Post("/account/sign-out-everywhere", one.WithCSRF(url.Values{}))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("sign out everywhere = %d to %q; want 303 to /login", r.StatusCode, r.Header.Get("Location"))
	}
	wantSignedOut(t, one)
	wantSignedOut(t, two)
	wantSignedIn(t, alice)
	wantSignedIn(t, e.signIn(operatorName))
}
