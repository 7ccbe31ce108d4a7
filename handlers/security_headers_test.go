package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/handlers"
	"lbconsole/lb"
)

// cspDirectives splits a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// checkPageSecurity checks an HTML answer's security headers and that every script carries the
// header's nonce, and that nothing inline would need 'unsafe-inline'.
func checkPageSecurity(t *testing.T, r *response, secure bool) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type = %q; want an HTML page", ct)
	}
	csp := r.Header.Get("Content-Security-Policy")
	dirs := cspDirectives(csp)
	scriptSrc, ok := dirs["script-src"]
	if !ok {
		scriptSrc = dirs["default-src"]
	}
	nonce := ""
	for _, v := range scriptSrc {
		if strings.HasPrefix(v, "'nonce-") && strings.HasSuffix(v, "'") {
			nonce = strings.TrimSuffix(strings.TrimPrefix(v, "'nonce-"), "'")
		}
		if v == "'unsafe-inline'" || v == "'unsafe-eval'" || v == "*" {
			t.Errorf("CSP script-src allows %s: %q", v, csp)
		}
	}
	if len(nonce) < 16 {
		t.Errorf("CSP %q: script-src has no nonce of at least 16 characters", csp)
	}
	if fa := strings.Join(dirs["frame-ancestors"], " "); fa != "'none'" {
		t.Errorf("CSP frame-ancestors = %q; want 'none'", fa)
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
	}
	switch got := r.Header.Get("Referrer-Policy"); got {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("Referrer-Policy = %q; want one that keeps paths from other sites", got)
	}
	if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q; want DENY", got)
	}
	hsts := r.Header.Get("Strict-Transport-Security")
	if secure && !strings.Contains(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q; want a max-age when serving securely", hsts)
	}
	if !secure && hsts != "" {
		t.Errorf("Strict-Transport-Security = %q on a console not served securely; want none", hsts)
	}
	d := r.Doc()
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if got := s.AttrOr("nonce", ""); got != nonce {
			t.Errorf("script %s has nonce %q; want the header's %q", s.AttrOr("src", "(inline)"), got, nonce)
		}
	})
	// The CSP forbids inline event handlers, inline styles and javascript: URLs: a page that uses
	// them is broken in the browser.
	d.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") || k == "style" || strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
				t.Errorf("<%s %s=%q> needs inline script or style, which the CSP forbids", goquery.NodeName(s), a.Key, a.Val)
			}
		}
	})
	if d.Find("style").Length() != 0 {
		t.Error("the page has a <style> element, which the CSP forbids")
	}
}

// someAuditSeq writes one audit entry (a weight change in the big group) and returns its number.
func someAuditSeq(t *testing.T, e *env) int64 {
	t.Helper()
	lbID, g := e.bigGroup()
	m := e.members(g.ID)[0]
	w := 42
	res, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: m.ID, Weight: &w}}},
		Actor: adminName, Source: db.SourceConsole, ClientIP: "127.0.0.1", RequestID: "security-test"})
	if err != nil || res.Seq == 0 {
		t.Fatalf("ApplyBatch = seq %d, %v", res.Seq, err)
	}
	return res.Seq
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		t.Run("Secure="+strconv.FormatBool(secure), func(t *testing.T) {
			s := newEnvWith(t, func(cfg *handlers.Config) { cfg.Secure = secure })
			lbID, g := s.bigGroup()
			seq := someAuditSeq(t, s)
			m := s.members(g.ID)[1]

			anon := s.browser()
			login := anon.Get("/login")
			wantStatus(t, login, http.StatusOK)
			t.Run("login", func(t *testing.T) { checkPageSecurity(t, login, secure) })

			t.Run("CookiesAreSecureOnlyWhenServingSecurely", func(t *testing.T) {
				csrf := login.Cookie("lbconsole_csrf")
				if csrf == nil {
					t.Fatalf("the login page set no CSRF cookie; Set-Cookie %q", login.Header.Values("Set-Cookie"))
				}
				if csrf.Secure != secure {
					t.Errorf("CSRF cookie Secure = %v; want %v", csrf.Secure, secure)
				}
				c := s.browser()
				c.Get("/login")
				r := c.Post("/login", c.WithCSRF(url.Values{"username": {viewerName}, "password": {testPassword}}))
				wantStatus(t, r, http.StatusSeeOther)
				ck := r.Cookie("lbconsole_session")
				if ck == nil {
					t.Fatal("no session cookie")
				}
				if ck.Secure != secure || !ck.HttpOnly {
					t.Errorf("session cookie Secure = %v, HttpOnly = %v; want Secure %v and HttpOnly", ck.Secure, ck.HttpOnly, secure)
				}
				wantStatus(t, c.Get("/lbs"), http.StatusOK)
			})

			admin := s.signInAt(adminName)
			pages := []struct {
				path   string
				status int
				opts   []option
			}{
				{path: "/lbs", status: 200},
				{path: "/lbs?q=web", status: 200, opts: []option{htmx}},
				{path: "/lbs/" + lbID, status: 200},
				{path: groupPath(lbID, g.ID), status: 200},
				{path: groupPath(lbID, g.ID) + "/members/" + m.ID + "/weight", status: 200},
				{path: groupPath(lbID, g.ID) + "/candidates", status: 200},
				{path: "/audit", status: 200},
				{path: "/audit/" + strconv.FormatInt(seq, 10), status: 200},
				{path: "/servers", status: 200},
				{path: "/users", status: 200},
				{path: "/users/sign-ins", status: 200},
				{path: "/keys", status: 200},
				{path: "/account", status: 200},
				{path: "/lbs/lb-doesnotexist", status: 404},
				{path: "/no-such-page", status: 404},
			}
			seen := map[string]bool{}
			for _, p := range pages {
				name := strings.TrimPrefix(p.path, "/")
				if len(p.opts) > 0 {
					name += " (htmx)"
				}
				t.Run(name, func(t *testing.T) {
					r := admin.Get(p.path, p.opts...)
					wantStatus(t, r, p.status)
					checkPageSecurity(t, r, secure)
					n := r.Header.Get("Content-Security-Policy")
					if seen[n] {
						t.Errorf("the same CSP (and nonce) was sent twice: %q", n)
					}
					seen[n] = true
				})
			}

			t.Run("ErrorAnswersWithoutASessionToo", func(t *testing.T) {
				r := anon.Post("/logout", url.Values{})
				wantStatus(t, r, http.StatusForbidden)
				checkPageSecurity(t, r, secure)
			})
		})
	}
}
