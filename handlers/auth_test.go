package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("LoginFormHasUsernamePasswordAndToken", func(t *testing.T) {
		c := e.browser()
		r := c.Get("/login")
		wantStatus(t, r, http.StatusOK)
		f := r.Doc().Find(`form[data-testid="login-form"]`)
		if f.Length() != 1 {
			t.Fatalf("found %d login forms; want 1", f.Length())
		}
		if got := f.AttrOr("action", ""); got != "/login" {
			t.Errorf("login form action = %q; want /login", got)
		}
		if got := strings.ToLower(f.AttrOr("method", "")); got != "post" {
			t.Errorf("login form method = %q; want post", got)
		}
		for _, name := range []string{"username", "password", "_csrf"} {
			if f.Find(`input[name="`+name+`"]`).Length() != 1 {
				t.Errorf("login form has no input %s", name)
			}
		}
		if f.Find(`input[name="password"]`).AttrOr("type", "") != "password" {
			t.Error("the password input is not type=password")
		}
		if f.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
			t.Error("the login form's _csrf is empty")
		}
	})

	t.Run("RightPasswordRedirectsToLBsWithHttpOnlyLaxSessionCookie", func(t *testing.T) {
		c := e.browser()
		c.Get("/login")
		r := c.Post("/login", c.WithCSRF(url.Values{"username": {operatorName}, "password": {testPassword}}))
		wantStatus(t, r, http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != "/lbs" {
			t.Errorf("Location = %q; want /lbs", got)
		}
		ck := r.Cookie("lbconsole_session")
		if ck == nil {
			t.Fatalf("no session cookie set; Set-Cookie: %q", r.Header.Values("Set-Cookie"))
		}
		if !ck.HttpOnly {
			t.Error("the session cookie is not HttpOnly")
		}
		if ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie SameSite = %v; want Lax", ck.SameSite)
		}
		if ck.Path != "/" {
			t.Errorf("session cookie Path = %q; want /", ck.Path)
		}
		page := c.Get("/lbs")
		wantStatus(t, page, http.StatusOK)
		if got := text(page.Doc().Find(`[data-testid="whoami"]`)); !strings.Contains(got, operatorName) {
			t.Errorf("whoami = %q; want it to name %s", got, operatorName)
		}
	})

	t.Run("WrongPasswordIs401WithMessageAndNoSession", func(t *testing.T) {
		c := e.browser()
		c.Get("/login")
		r := c.Post("/login", c.WithCSRF(url.Values{"username": {operatorName}, "password": {"not-the-password"}}))
		wantStatus(t, r, http.StatusUnauthorized)
		d := r.Doc()
		if d.Find(`[data-testid="login-error"]`).Length() != 1 {
			t.Errorf("no login-error shown:\n%s", r.Snippet())
		}
		if got := d.Find(`form[data-testid="login-form"] input[name="username"]`).AttrOr("value", ""); got != operatorName {
			t.Errorf("username field = %q; want the name typed, %q", got, operatorName)
		}
		if r.Cookie("lbconsole_session") != nil || c.SessionCookie() != nil {
			t.Error("a failed sign-in set a session cookie")
		}
		next := c.Get("/lbs")
		if next.StatusCode != http.StatusSeeOther || next.Header.Get("Location") != "/login" {
			t.Errorf("GET /lbs after a failed sign-in = %d to %q; want 303 to /login", next.StatusCode, next.Header.Get("Location"))
		}
	})

	t.Run("UnknownUserGetsTheSameMessageAsWrongPassword", func(t *testing.T) {
		c := e.browser()
		c.Get("/login")
		wrong := c.Post("/login", c.WithCSRF(url.Values{"username": {operatorName}, "password": {"not-the-password"}}))
		unknown := c.Post("/login", c.WithCSRF(url.Values{"username": {"nobody-here"}, "password": {testPassword}}))
		wantStatus(t, unknown, http.StatusUnauthorized)
		a := text(wrong.Doc().Find(`[data-testid="login-error"]`))
		b := text(unknown.Doc().Find(`[data-testid="login-error"]`))
		if a == "" || a != b {
			t.Errorf("messages differ: wrong password %q, unknown user %q; want one message for both", a, b)
		}
	})

	t.Run("LoginWithoutTokenIs403", func(t *testing.T) {
		c := e.browser()
		c.Get("/login")
		r := c.Post("/login", url.Values{"username": {operatorName}, "password": {testPassword}})
		wantStatus(t, r, http.StatusForbidden)
		if c.SessionCookie() != nil {
			t.Error("a sign-in without the CSRF token set a session cookie")
		}
	})

	t.Run("SessionIDChangesOnEverySignIn", func(t *testing.T) {
		c := e.browser()
		c.Get("/login")
		first := c.Post("/login", c.WithCSRF(url.Values{"username": {operatorName}, "password": {testPassword}}))
		wantStatus(t, first, http.StatusSeeOther)
		old := first.Cookie("lbconsole_session")
		c.Get("/login")
		second := c.Post("/login", c.WithCSRF(url.Values{"username": {operatorName}, "password": {testPassword}}))
		wantStatus(t, second, http.StatusSeeOther)
		cur := second.Cookie("lbconsole_session")
		if old == nil || cur == nil {
			t.Fatal("a sign-in set no session cookie")
		}
		if old.Value == cur.Value {
			t.Error("the second sign-in kept the same session cookie value")
		}
		// The session the browser brought to the second sign-in is ended, not left alive.
		replay := e.browser().Get("/lbs", withCookie(&http.Cookie{Name: old.Name, Value: old.Value}))
		if replay.StatusCode != http.StatusSeeOther || replay.Header.Get("Location") != "/login" {
			t.Errorf("replaying the first session after signing in again: %d to %q; want 303 to /login",
				replay.StatusCode, replay.Header.Get("Location"))
		}
		wantStatus(t, c.Get("/lbs"), http.StatusOK)
	})

	t.Run("TwoBrowsersGetDifferentSessions", func(t *testing.T) {
		a, b := e.signIn(operatorName), e.signIn(operatorName)
		if a.SessionCookie().Value == b.SessionCookie().Value {
			t.Error("two sign-ins got the same session cookie value")
		}
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("LogoutEndsTheSession", func(t *testing.T) {
		c := e.signIn(operatorName)
		wantStatus(t, c.Get("/lbs"), http.StatusOK)
		old := c.SessionCookie()
		r := c.Post("/logout", c.WithCSRF(url.Values{}))
		wantStatus(t, r, http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != "/login" {
			t.Errorf("Location = %q; want /login", got)
		}
		next := c.Get("/lbs")
		if next.StatusCode != http.StatusSeeOther || next.Header.Get("Location") != "/login" {
			t.Errorf("GET /lbs after logout = %d to %q; want 303 to /login", next.StatusCode, next.Header.Get("Location"))
		}
		replay := e.browser().Get("/lbs", withCookie(&http.Cookie{Name: old.Name, Value: old.Value}))
		if replay.StatusCode != http.StatusSeeOther || replay.Header.Get("Location") != "/login" {
			t.Errorf("GET /lbs with the old cookie after logout = %d to %q; want 303 to /login",
				replay.StatusCode, replay.Header.Get("Location"))
		}
	})

	t.Run("LogoutWithoutTokenIsRefusedAndKeepsTheSession", func(t *testing.T) {
		c := e.signIn(operatorName)
		wantStatus(t, c.Post("/logout", url.Values{}), http.StatusForbidden)
		wantStatus(t, c.Get("/lbs"), http.StatusOK)
	})

	t.Run("LogoutOfOneBrowserKeepsTheOther", func(t *testing.T) {
		a, b := e.signIn(operatorName), e.signIn(operatorName)
		a.Get("/lbs")
		wantStatus(t, a.Post("/logout", a.WithCSRF(url.Values{})), http.StatusSeeOther)
		wantStatus(t, b.Get("/lbs"), http.StatusOK)
	})
}

func TestSessionRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	pages := []string{"/lbs", "/lbs/" + lbID, groupPath(lbID, g.ID), "/audit", "/audit.csv", "/"}

	t.Run("PagesRedirectToLoginWithoutASession", func(t *testing.T) {
		c := e.browser()
		for _, p := range pages {
			r := c.Get(p)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
				t.Errorf("GET %s = %d to %q; want 303 to /login", p, r.StatusCode, r.Header.Get("Location"))
			}
		}
	})

	t.Run("HTMXRequestsGet401AndHXRedirect", func(t *testing.T) {
		c := e.browser()
		for _, p := range pages {
			r := c.Get(p, htmx)
			if r.StatusCode != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login" {
				t.Errorf("htmx GET %s = %d, HX-Redirect %q; want 401 and /login", p, r.StatusCode, r.Header.Get("HX-Redirect"))
			}
		}
	})

	t.Run("ForgedSessionCookieIsIgnored", func(t *testing.T) {
		r := e.browser().Get("/lbs", withCookie(&http.Cookie{Name: "lbconsole_session", Value: "forged-value"}))
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Errorf("GET /lbs with a forged cookie = %d to %q; want 303 to /login", r.StatusCode, r.Header.Get("Location"))
		}
	})

	t.Run("LoginHealthzAndStaticNeedNoSession", func(t *testing.T) {
		c := e.browser()
		wantStatus(t, c.Get("/login"), http.StatusOK)
		h := c.Get("/healthz")
		wantStatus(t, h, http.StatusOK)
		js := c.Get("/static/htmx-2.0.11.min.js")
		wantStatus(t, js, http.StatusOK)
		if ct := js.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Errorf("htmx Content-Type = %q; want javascript", ct)
		}
		if !strings.Contains(js.Body, "htmx") || len(js.Body) < 10_000 {
			t.Errorf("htmx body is %d bytes; want the library", len(js.Body))
		}
		for _, p := range []string{"/static/app.js", "/static/app.css"} {
			wantStatus(t, c.Get(p), http.StatusOK)
		}
	})

	t.Run("SignedInUserReachesEveryPage", func(t *testing.T) {
		c := e.signIn(viewerName)
		for _, p := range pages[:len(pages)-1] {
			wantStatus(t, c.Get(p), http.StatusOK)
		}
	})
}
