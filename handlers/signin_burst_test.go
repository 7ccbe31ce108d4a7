package handlers_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/handlers"
)

// burstAnswer is what one sign-in of a burst was answered.
type burstAnswer struct {
	code       int
	retryAfter string
	err        error
}

// signInBurst sends n sign-ins at once, each from its own browser that has loaded the login
// page first; creds(i) is the i-th one's user name and password.
func signInBurst(t *testing.T, s *secEnv, n int, creds func(i int) (name, password string)) []burstAnswer {
	t.Helper()
	browsers := make([]*client, n)
	for i := range browsers {
		browsers[i] = s.browser()
		wantStatus(t, browsers[i].get("/login"), http.StatusOK)
	}
	answers := make([]burstAnswer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range browsers {
		name, password := creds(i)
		form := url.Values{"username": {name}, "password": {password}, "_csrf": {c.csrf}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := c.http.PostForm(s.srv.URL+"/login", form)
			if err != nil {
				answers[i].err = err
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			answers[i] = burstAnswer{code: res.StatusCode, retryAfter: res.Header.Get("Retry-After")}
		}()
	}
	close(start)
	wg.Wait()
	return answers
}

// tally counts a burst's answers by status code, failing on transport errors, on any answer
// but 303, 401 and 429, and on a 429 without a Retry-After of whole seconds.
func tally(t *testing.T, answers []burstAnswer) map[int]int {
	t.Helper()
	codes := map[int]int{}
	for i, a := range answers {
		if a.err != nil {
			t.Errorf("sign-in %d: %v", i, a.err)
			continue
		}
		codes[a.code]++
		switch a.code {
		case http.StatusSeeOther, http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			if secs, err := strconv.Atoi(a.retryAfter); err != nil || secs <= 0 {
				t.Errorf("sign-in %d: 429 with Retry-After %q; want whole seconds", i, a.retryAfter)
			}
		default:
			t.Errorf("sign-in %d = %d; want 303, 401 or 429", i, a.code)
		}
	}
	return codes
}

// A burst of sign-ins for one account, all sent before any is answered, gets no more passwords
// checked than the throttle allows one after another: five per account.
func TestSignInBurstIsThrottled(t *testing.T) {
	t.Run("FortyWrongPasswordsAtOnceGetFiveChecked", func(t *testing.T) {
		s := newBareSecEnv(t, nil)
		codes := tally(t, signInBurst(t, s, 40, func(i int) (string, string) { return operatorName, "wrong-password-" + strconv.Itoa(i) }))
		t.Logf("answers: %v", codes)
		if checked := codes[http.StatusUnauthorized] + codes[http.StatusSeeOther]; checked > 5 || checked == 0 {
			t.Errorf("%d of 40 passwords were checked (answered 401 or 303); want 1 to 5, the rest 429", checked)
		}
		if n := failedSignIns(t, s, operatorName); n > 5 {
			t.Errorf("%d failed sign-ins recorded for %s; want at most 5", n, operatorName)
		}
		wantThrottled(t, s.browser(), attempt(s.browser(), operatorName, testPassword), 900)
	})

	t.Run("ThirtyWrongAndTheRightOneAtOnceGetFiveChecked", func(t *testing.T) {
		s := newBareSecEnv(t, nil)
		codes := tally(t, signInBurst(t, s, 31, func(i int) (string, string) {
			if i == 30 {
				return viewerName, testPassword
			}
			return viewerName, "wrong-password-" + strconv.Itoa(i)
		}))
		t.Logf("answers: %v", codes)
		if checked := codes[http.StatusUnauthorized] + codes[http.StatusSeeOther]; checked > 5 || checked == 0 {
			t.Errorf("%d of 31 passwords were checked (answered 401 or 303); want 1 to 5, the rest 429", checked)
		}
	})

	t.Run("FortyUnknownNamesFromOneAddressGetTwentyChecked", func(t *testing.T) {
		s := newBareSecEnv(t, nil)
		// Distinct names, so that the per-address limit (20) is what holds.
		codes := tally(t, signInBurst(t, s, 40, func(i int) (string, string) { return fmt.Sprintf("nobody-%d", i), "wrong-password" }))
		t.Logf("answers: %v", codes)
		if checked := codes[http.StatusUnauthorized]; checked > 20 || checked == 0 {
			t.Errorf("%d of 40 unknown names were checked (answered 401); want 1 to 20, the rest 429", checked)
		}
	})
}

// failedSignIns counts the failed sign-ins recorded for name.
func failedSignIns(t *testing.T, s *secEnv, name string) int {
	t.Helper()
	all, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Outcome: db.SignInFailed, UserName: name, Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// anotherConsole serves a second console on s's database and clock, as a second replica or a
// restarted process would: it shares nothing with the first but the database.
func anotherConsole(t *testing.T, s *secEnv) *client {
	t.Helper()
	router, err := handlers.New(handlers.Config{DB: s.store, CookieKey: key32('c'),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	other := &env{t: t, ctx: s.ctx, store: s.store, path: s.path, srv: srv}
	c := s.browser()
	c.e = other
	return c
}

// The throttle is kept in the database: a console restarted on it, or a second one serving it,
// knows the failures the first one counted.
func TestSignInThrottleIsSharedAndSurvivesRestart(t *testing.T) {
	s := newBareSecEnv(t, nil)
	c := s.browser()
	for i := 1; i <= 5; i++ {
		wantStatus(t, attempt(c, operatorName, "wrong-password-"+strconv.Itoa(i)), http.StatusUnauthorized)
	}
	other := anotherConsole(t, s)
	wantThrottled(t, other, attempt(other, operatorName, testPassword), 900)

	s.clock.Advance(15 * time.Minute)
	wantStatus(t, attempt(other, operatorName, testPassword), http.StatusSeeOther)
}
