package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// tossedPair is what a sibling subdomain can plant in a victim's browser: a CSRF cookie it got
// from the console's own login page, and the form token that goes with it.
func tossedPair(t *testing.T, s *env) (*http.Cookie, string) {
	t.Helper()
	attacker := s.browser()
	r := attacker.Get("/login")
	wantStatus(t, r, http.StatusOK)
	ck := r.Cookie("lbconsole_csrf")
	if ck == nil || attacker.CSRF == "" {
		t.Fatalf("the login page gave no CSRF cookie and token; Set-Cookie %q", r.Header.Values("Set-Cookie"))
	}
	return &http.Cookie{Name: ck.Name, Value: ck.Value, Path: "/"}, attacker.CSRF
}

// sessionStateChanges are the console's POST routes behind a session, from the route table.
func sessionStateChanges() []routeRule {
	var out []routeRule
	for _, r := range routeTable {
		switch r.access {
		case accessViewer, accessOperator, accessAdmin:
			for _, m := range r.methods {
				if m == http.MethodPost {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// keyRows counts the API keys the browser's user sees on /keys.
func keyRows(t *testing.T, c *client) int {
	t.Helper()
	r := c.Get("/keys")
	wantStatus(t, r, http.StatusOK)
	return r.Doc().Find(`tr[data-testid="key-row"]`).Length()
}

func wantCSRFRefusal(t *testing.T, r *response, what string) {
	t.Helper()
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "security token") {
		t.Errorf("%s = %d; want 403 naming the security token\n%s", what, r.StatusCode, r.Snippet())
	}
}

// The CSRF token belongs to the session: a token from another session, or from no session,
// is refused on every state change, whatever cookie comes with it.
func TestCSRFTokenIsTiedToTheSession(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	f := newWalkFixture(t, s)
	u, _ := url.Parse(s.srv.URL)

	t.Run("ACookieAndTokenPairPlantedByASiblingSubdomainIsRefused", func(t *testing.T) {
		admin := s.signInAt(adminName)
		keysBefore := keyRows(t, admin)
		ck, token := tossedPair(t, s)
		admin.HTTP.Jar.SetCookies(u, []*http.Cookie{ck})
		for _, rule := range sessionStateChanges() {
			target := f.path(rule.path, "admin")
			r := admin.Post(target, url.Values{"_csrf": {token}}, header("Sec-Fetch-Site", "same-site"))
			wantCSRFRefusal(t, r, "POST "+target+" with a planted cookie and token, Sec-Fetch-Site same-site")
			r = admin.Post(target, url.Values{"_csrf": {token}})
			wantCSRFRefusal(t, r, "POST "+target+" with a planted cookie and token, no Sec-Fetch-Site")
			if rule.endsSession && r.StatusCode != http.StatusForbidden {
				admin = s.signInAt(adminName)
				admin.HTTP.Jar.SetCookies(u, []*http.Cookie{ck})
			}
		}
		if n := keyRows(t, admin); n != keysBefore {
			t.Errorf("admin has %d API keys; want %d: a forged POST /keys made one", n, keysBefore)
		}
		wantStatus(t, admin.Get("/lbs"), http.StatusOK)
	})

	t.Run("AnotherSessionsTokenIsRefused", func(t *testing.T) {
		admin, other := s.signInAt(adminName), s.signInAt(operatorName)
		for _, rule := range sessionStateChanges() {
			target := f.path(rule.path, "admin")
			wantCSRFRefusal(t, admin.Post(target, url.Values{"_csrf": {other.CSRF}}), "POST "+target+" with another session's token")
			wantCSRFRefusal(t, admin.Post(target, url.Values{}, header("X-CSRF-Token", other.CSRF)), "POST "+target+" with another session's token in the header")
		}
	})

	t.Run("TheTokenOfTheSameUsersEarlierSessionIsRefused", func(t *testing.T) {
		admin := s.signInAt(adminName)
		old := admin.CSRF
		wantStatus(t, admin.Post("/logout", admin.WithCSRF(nil)), http.StatusSeeOther)
		again := s.signInAt(adminName)
		if again.CSRF == old {
			t.Fatal("a new session got the same CSRF token as the last one")
		}
		wantCSRFRefusal(t, again.Post("/keys", url.Values{"_csrf": {old}}), "POST /keys with the token of a session that ended")
	})

	t.Run("TheLoginPagesTokenIsRefusedOnceSignedIn", func(t *testing.T) {
		c := s.browser()
		c.Get("/login")
		anonymous := c.CSRF
		wantStatus(t, c.Post("/login", c.WithCSRF(url.Values{"username": {adminName}, "password": {testPassword}})), http.StatusSeeOther)
		wantCSRFRefusal(t, c.Post("/keys", url.Values{"_csrf": {anonymous}}), "POST /keys with the login page's token")
	})

	t.Run("TheSessionsOwnTokenWorks", func(t *testing.T) {
		admin := s.signInAt(adminName)
		before := keyRows(t, admin)
		r := admin.Post("/keys", admin.WithCSRF(nil), header("Sec-Fetch-Site", "same-origin"))
		if r.StatusCode >= 400 {
			t.Fatalf("POST /keys with the session's token = %d\n%s", r.StatusCode, r.Snippet())
		}
		if n := keyRows(t, admin); n != before+1 {
			t.Errorf("admin has %d API keys; want %d", n, before+1)
		}
	})

	t.Run("ASignInPostedFromASiblingSubdomainIsRefused", func(t *testing.T) {
		victim := s.browser()
		ck, token := tossedPair(t, s)
		victim.HTTP.Jar.SetCookies(u, []*http.Cookie{ck})
		r := victim.Post("/login", url.Values{"username": {viewerName}, "password": {testPassword}, "_csrf": {token}},
			header("Sec-Fetch-Site", "same-site"))
		wantCSRFRefusal(t, r, "POST /login with a planted pair from a sibling subdomain")
		if victim.SessionCookie() != nil {
			t.Error("the planted sign-in left a session cookie")
		}
	})
}
