package handlers_test

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/handlers"
)

// signInRow is one row of /users/sign-ins.
type signInRow struct{ Outcome, Name, Client string }

func signInRows(t *testing.T, r *response) []signInRow {
	t.Helper()
	var out []signInRow
	r.Doc().Find(`[data-testid="signin-table"] tr[data-testid="signin-row"]`).Each(func(_ int, s *goquery.Selection) {
		tds := s.Find("td")
		if tds.Length() < 4 {
			t.Errorf("a sign-in row has %d cells; want 4", tds.Length())
			return
		}
		out = append(out, signInRow{Outcome: s.AttrOr("data-outcome", ""), Name: tds.Eq(1).Text(), Client: strings.TrimSpace(tds.Eq(2).Text())})
	})
	return out
}

func hasSignIn(rows []signInRow, want signInRow) bool {
	for _, r := range rows {
		if r == want {
			return true
		}
	}
	return false
}

func TestSignInAttemptsAreRecorded(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	const hostile = `<script>alert(1)</script>`
	c := s.browser()
	wantStatus(t, attempt(c, viewerName, "wrong-password"), http.StatusUnauthorized)
	wantStatus(t, attempt(s.browser(), operatorName, testPassword), http.StatusSeeOther)
	for i := 0; i < 5; i++ {
		wantStatus(t, attempt(c, "ghost", "wrong-password"), http.StatusUnauthorized)
	}
	wantStatus(t, attempt(c, "ghost", "wrong-password"), http.StatusTooManyRequests)
	hostileAnswer := attempt(c, hostile, "wrong-password")
	wantStatus(t, hostileAnswer, http.StatusUnauthorized)

	admin := s.signInAt(adminName)
	page := admin.Get("/users/sign-ins")
	wantStatus(t, page, http.StatusOK)
	rows := signInRows(t, page)

	t.Run("OkFailedAndThrottledRowsNameTheUserAndAddress", func(t *testing.T) {
		for _, want := range []signInRow{
			{"failed", viewerName, "127.0.0.1"},
			{"ok", operatorName, "127.0.0.1"},
			{"failed", "ghost", "127.0.0.1"},
			{"throttled", "ghost", "127.0.0.1"},
			{"ok", adminName, "127.0.0.1"},
		} {
			if !hasSignIn(rows, want) {
				t.Errorf("no sign-in row %+v among %+v", want, rows)
			}
		}
		if len(rows) != 10 {
			t.Errorf("%d sign-in rows; want 10 (one per attempt)", len(rows))
		}
		if len(rows) > 0 && rows[0] != (signInRow{"ok", adminName, "127.0.0.1"}) {
			t.Errorf("first row = %+v; want the admin's own sign-in, newest first", rows[0])
		}
	})

	t.Run("AHostileNameIsShownAsText", func(t *testing.T) {
		if !hasSignIn(rows, signInRow{"failed", hostile, "127.0.0.1"}) {
			t.Errorf("no failed row naming %q among %+v", hostile, rows)
		}
		for name, r := range map[string]*response{"sign-ins page": page, "login page answering the attempt": hostileAnswer} {
			d := r.Doc()
			d.Find("script").Each(func(_ int, sc *goquery.Selection) {
				if _, ok := sc.Attr("src"); !ok || strings.Contains(sc.Text(), "alert") {
					t.Errorf("%s has an injected script element: %q", name, sc.Text())
				}
			})
			if strings.Contains(r.Body, hostile) {
				t.Errorf("%s carries the name unescaped", name)
			}
		}
	})

	t.Run("ViewersAndOperatorsMayNotSeeSignIns", func(t *testing.T) {
		for _, name := range []string{viewerName, operatorName} {
			r := s.signInAt(name).Get("/users/sign-ins")
			wantStatus(t, r, http.StatusForbidden)
			if r.Doc().Find(`[data-testid="signin-table"]`).Length() != 0 || strings.Contains(r.Body, "ghost") {
				t.Errorf("the 403 page for %s shows sign-in attempts", name)
			}
		}
	})

	t.Run("AnonymousIsSentToLogin", func(t *testing.T) {
		wantToLogin(t, s.browser().Get("/users/sign-ins"), "anonymous GET /users/sign-ins")
	})

	t.Run("AVeryLongNameIsStoredTruncated", func(t *testing.T) {
		long := strings.Repeat("x", 10_000)
		wantStatus(t, attempt(s.browser(), long, "wrong-password"), http.StatusUnauthorized)
		latest, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Limit: 1})
		if err != nil || len(latest) != 1 {
			t.Fatalf("ListSignIns = %v, %v", latest, err)
		}
		if got := latest[0].UserName; len(got) == 0 || len(got) > 64 || !strings.HasPrefix(long, got) {
			t.Errorf("stored name has %d bytes; want the first 64 at most", len(got))
		}
		wantStatus(t, admin.Get("/users/sign-ins"), http.StatusOK)
	})

	t.Run("ALongMultibyteNameIsCutOnACharacterBoundary", func(t *testing.T) {
		long := strings.Repeat("€", 10_000) // three bytes each: 64 bytes end inside a character
		wantStatus(t, attempt(s.browser(), long, "wrong-password"), http.StatusUnauthorized)
		latest, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Limit: 1})
		if err != nil || len(latest) != 1 {
			t.Fatalf("ListSignIns = %v, %v", latest, err)
		}
		got := latest[0].UserName
		if !utf8.ValidString(got) {
			t.Errorf("stored name %q (%d bytes) is not valid UTF-8: the truncation cut a character in half", got, len(got))
		}
		if utf8.RuneCountInString(got) > 64 || !strings.HasPrefix(long, strings.ToValidUTF8(got, "")) {
			t.Errorf("stored name %q; want a prefix of at most 64 characters", got)
		}
	})
}

func TestSignInClientAddress(t *testing.T) {
	t.Parallel()
	latestClient := func(t *testing.T, s *env) string {
		t.Helper()
		latest, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Limit: 1})
		if err != nil || len(latest) != 1 {
			t.Fatalf("ListSignIns = %v, %v", latest, err)
		}
		return latest[0].ClientIP
	}

	t.Run("WithoutTrustedProxiesForwardedHeadersAreIgnored", func(t *testing.T) {
		s := newEnv(t)
		c := s.browser()
		for _, h := range []option{header("X-Forwarded-For", "203.0.113.9"), header("X-Real-IP", "203.0.113.9")} {
			wantStatus(t, attempt(c, viewerName, "wrong-password", h), http.StatusUnauthorized)
			if got := latestClient(t, s); got != "127.0.0.1" {
				t.Errorf("recorded client = %q; want the connection's 127.0.0.1", got)
			}
		}
		// Nor can a forged header escape the per-address throttle.
		for i := 3; i <= 20; i++ {
			wantStatus(t, attempt(c, "nobody-"+strconv.Itoa(i), "wrong", header("X-Forwarded-For", "198.51.100."+strconv.Itoa(i))), http.StatusUnauthorized)
		}
		wantThrottled(t, c, attempt(c, adminName, testPassword, header("X-Forwarded-For", "198.51.100.99")), 900)
	})

	t.Run("BehindATrustedProxyTheForwardedAddressIsRecorded", func(t *testing.T) {
		s := newEnvWith(t, func(cfg *handlers.Config) {
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		})
		c := s.browser()
		for xff, want := range map[string]string{
			"203.0.113.9":               "203.0.113.9",
			"198.51.100.7, 203.0.113.9": "203.0.113.9", // the left one is the client's say-so
			"203.0.113.9, 127.0.0.5":    "203.0.113.9", // through two trusted proxies
		} {
			wantStatus(t, attempt(c, viewerName, "wrong-password", header("X-Forwarded-For", xff)), http.StatusUnauthorized)
			if got := latestClient(t, s); got != want {
				t.Errorf("X-Forwarded-For %q: recorded client = %q; want %q", xff, got, want)
			}
		}
		wantStatus(t, attempt(s.browser(), viewerName, testPassword), http.StatusSeeOther)
		if got := latestClient(t, s); got != "127.0.0.1" {
			t.Errorf("without X-Forwarded-For: recorded client = %q; want the proxy's 127.0.0.1", got)
		}
		// The per-address throttle follows the forwarded address.
		for i := 1; i <= 17; i++ {
			wantStatus(t, attempt(c, "nobody-"+strconv.Itoa(i), "wrong", header("X-Forwarded-For", "203.0.113.9")), http.StatusUnauthorized)
		}
		wantThrottled(t, c, attempt(c, adminName, testPassword, header("X-Forwarded-For", "203.0.113.9")), 900)
		wantStatus(t, attempt(s.browser(), adminName, testPassword, header("X-Forwarded-For", "203.0.113.10")), http.StatusSeeOther)
	})
}
