package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// attempt posts a sign-in from a browser that has loaded the login page.
func attempt(c *client, name, password string, opts ...option) *response {
	c.T.Helper()
	if c.CSRF == "" {
		c.Get("/login")
	}
	r := c.Post("/login", c.WithCSRF(url.Values{"username": {name}, "password": {password}}), opts...)
	if r.StatusCode == http.StatusSeeOther {
		// A sign-in drops the login page's CSRF token: the next attempt loads the page again.
		c.CSRF = ""
	}
	return r
}

func wantToLogin(t *testing.T, r *response, what string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("%s = %d to %q; want 303 to /login", what, r.StatusCode, r.Header.Get("Location"))
	}
}

// wantThrottled checks a 429 answer: a Retry-After of whole seconds in (0, max], a message,
// and no session. It returns Retry-After.
func wantThrottled(t *testing.T, c *client, r *response, max int) int {
	t.Helper()
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sign-in = %d; want 429\n%s", r.StatusCode, r.Snippet())
	}
	ra := r.Header.Get("Retry-After")
	secs, err := strconv.Atoi(ra)
	if err != nil || secs <= 0 || secs > max {
		t.Errorf("Retry-After = %q; want a whole number of seconds in 1..%d", ra, max)
	}
	if msg := text(r.Doc().Find(`[data-testid="login-error"]`)); !strings.Contains(strings.ToLower(msg), "too many") {
		t.Errorf("login-error = %q; want a message about too many failed sign-ins", msg)
	}
	if r.Cookie("lbconsole_session") != nil || c.SessionCookie() != nil {
		t.Error("a throttled sign-in set a session cookie")
	}
	return secs
}

func TestSignInThrottlePerAccount(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()

	for i := 1; i <= 5; i++ {
		wantStatus(t, attempt(c, operatorName, "wrong-password-"+strconv.Itoa(i)), http.StatusUnauthorized)
	}

	t.Run("SixthAttemptWithTheRightPasswordIs429", func(t *testing.T) {
		r := attempt(c, operatorName, testPassword)
		if secs := wantThrottled(t, c, r, 900); secs != 900 {
			t.Errorf("Retry-After = %d right after the fifth failure; want 900 (the whole window)", secs)
		}
		wantToLogin(t, c.Get("/lbs"), "GET /lbs after a throttled sign-in")
	})

	t.Run("TheAccountNameIsThrottledWhateverItsCase", func(t *testing.T) {
		wantThrottled(t, c, attempt(c, strings.ToUpper(operatorName), testPassword), 900)
	})

	t.Run("OtherAccountsFromTheSameAddressStillSignIn", func(t *testing.T) {
		other := s.browser()
		wantStatus(t, attempt(other, viewerName, testPassword), http.StatusSeeOther)
	})

	t.Run("RetryAfterCountsDown", func(t *testing.T) {
		s.clock.Advance(10 * time.Minute)
		if secs := wantThrottled(t, c, attempt(c, operatorName, testPassword), 900); secs != 300 {
			t.Errorf("Retry-After = %d ten minutes into the window; want 300", secs)
		}
		s.clock.Advance(5*time.Minute - time.Second)
		if secs := wantThrottled(t, c, attempt(c, operatorName, testPassword), 900); secs != 1 {
			t.Errorf("Retry-After = %d one second before the window ends; want 1", secs)
		}
	})

	t.Run("AfterFifteenMinutesTheRightPasswordWorks", func(t *testing.T) {
		s.clock.Advance(time.Second)
		r := attempt(c, operatorName, testPassword)
		wantStatus(t, r, http.StatusSeeOther)
		if r.Header.Get("Location") != "/lbs" || c.SessionCookie() == nil {
			t.Errorf("sign-in after the window: Location %q, session cookie %v; want /lbs and a session", r.Header.Get("Location"), c.SessionCookie())
		}
		wantStatus(t, c.Get("/lbs"), http.StatusOK)
	})
}

func TestSignInThrottlePerClientAddress(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()
	for i := 1; i <= 20; i++ {
		wantStatus(t, attempt(c, "nobody-"+strconv.Itoa(i), "wrong-password"), http.StatusUnauthorized)
	}

	t.Run("TwentyFirstAttemptIs429ForAnyName", func(t *testing.T) {
		wantThrottled(t, c, attempt(c, "nobody-21", "wrong-password"), 900)
		for _, name := range []string{adminName, viewerName} {
			fresh := s.browser()
			wantThrottled(t, fresh, attempt(fresh, name, testPassword), 900)
		}
	})

	t.Run("AfterFifteenMinutesTheAddressMaySignInAgain", func(t *testing.T) {
		s.clock.Advance(15 * time.Minute)
		wantStatus(t, attempt(s.browser(), adminName, testPassword), http.StatusSeeOther)
	})
}

func TestSignInSuccessResetsTheAccountCounter(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()
	fail := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			wantStatus(t, attempt(c, viewerName, "wrong-password"), http.StatusUnauthorized)
		}
	}
	fail(4)
	wantStatus(t, attempt(c, viewerName, testPassword), http.StatusSeeOther)
	fail(4)
	t.Run("FourFailuresSuccessFourFailuresIsNotThrottled", func(t *testing.T) {
		wantStatus(t, attempt(s.browser(), viewerName, testPassword), http.StatusSeeOther)
	})
	t.Run("TheFifthFailureAfterTheResetThrottles", func(t *testing.T) {
		// The success above reset the counter again: five fresh failures are needed.
		fail(5)
		fresh := s.browser()
		wantThrottled(t, fresh, attempt(fresh, viewerName, testPassword), 900)
	})
}
