package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/handlers"
	"lbconsole/internal/testenv"
)

// burstAnswer is what one sign-in of a burst was answered.
type burstAnswer struct {
	code       int
	retryAfter string
	// busy marks a 429 from the bound on concurrent password hashing rather than from the
	// throttle: the attempt was neither checked nor counted, and the account's slot was freed.
	busy bool
	err  error
}

// signInBurst sends n sign-ins at once, each from its own browser that has loaded the login
// page first; creds(i) is the i-th one's user name and password.
func signInBurst(t *testing.T, s *env, n int, creds func(i int) (name, password string)) []burstAnswer {
	t.Helper()
	return prepareBurst(t, s, n, creds).fire(func(int) {})
}

// burst is n browsers, each with the login page loaded and its sign-in form filled in.
type burst struct {
	url   string
	posts []func() burstAnswer
}

func prepareBurst(t *testing.T, s *env, n int, creds func(i int) (name, password string)) *burst {
	t.Helper()
	b := &burst{url: s.srv.URL + "/login"}
	for i := range n {
		c := s.browser()
		wantStatus(t, c.Get("/login"), http.StatusOK)
		name, password := creds(i)
		form := url.Values{"username": {name}, "password": {password}, "_csrf": {c.CSRF}}
		b.posts = append(b.posts, func() burstAnswer {
			res, err := c.HTTP.PostForm(b.url, form)
			if err != nil {
				return burstAnswer{err: err}
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			busy := res.StatusCode == http.StatusTooManyRequests && strings.Contains(string(body), "busy checking other passwords")
			return burstAnswer{code: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), busy: busy}
		})
	}
	return b
}

// fire sends every sign-in at once, calls answered with each status code as it arrives, and
// returns the answers once all are in. It may run on any goroutine.
func (b *burst) fire(answered func(code int)) []burstAnswer {
	answers := make([]burstAnswer, len(b.posts))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, post := range b.posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i] = post()
			answered(answers[i].code)
		}()
	}
	close(start)
	wg.Wait()
	return answers
}

// countBusy counts the answers turned away by the bound on hashing.
func countBusy(answers []burstAnswer) int {
	n := 0
	for _, a := range answers {
		if a.busy {
			n++
		}
	}
	return n
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
	t.Parallel()
	t.Run("FortyWrongPasswordsAtOnceGetFiveChecked", func(t *testing.T) {
		s := newEnv(t)
		codes := tally(t, signInBurst(t, s, 40, func(i int) (string, string) { return operatorName, "wrong-password-" + strconv.Itoa(i) }))
		t.Logf("answers: %v", codes)
		if checked := codes[http.StatusUnauthorized] + codes[http.StatusSeeOther]; checked > 5 || checked == 0 {
			t.Errorf("%d of 40 passwords were checked (answered 401 or 303); want 1 to 5, the rest 429", checked)
		}
		n := failedSignIns(t, s, operatorName)
		if n > 5 {
			t.Errorf("%d failed sign-ins recorded for %s; want at most 5", n, operatorName)
		}
		// On a busy machine the bound on hashing may have turned some of the burst away
		// unchecked and uncounted: wrong passwords one after another make up the five.
		for ; n < 5; n++ {
			wantStatus(t, attempt(s.browser(), operatorName, "wrong-password"), http.StatusUnauthorized)
		}
		wantThrottled(t, s.browser(), attempt(s.browser(), operatorName, testPassword), 900)
	})

	t.Run("TheRightPasswordDuringABurstIsNotChecked", func(t *testing.T) {
		s := newEnv(t)
		first429 := make(chan struct{})
		var once sync.Once
		done := make(chan []burstAnswer, 1)
		b := prepareBurst(t, s, 30, func(i int) (string, string) { return viewerName, "wrong-password-" + strconv.Itoa(i) })
		go func() {
			done <- b.fire(func(code int) {
				if code == http.StatusTooManyRequests {
					once.Do(func() { close(first429) })
				}
			})
		}()
		var answers []burstAnswer
		select {
		case <-first429:
		case answers = <-done: // no attempt was throttled: the check below fails
		}
		// The throttle has answered, so five attempts are reserved: the right password, sent
		// while they are still being checked, must not be checked either.
		right := attempt(s.browser(), viewerName, testPassword)
		if answers == nil {
			answers = <-done
		}
		codes := tally(t, answers)
		t.Logf("answers: %v", codes)
		checked := codes[http.StatusUnauthorized]
		if checked > 5 || checked == 0 {
			t.Errorf("%d of 30 wrong passwords were checked (answered 401); want 1 to 5, the rest 429", checked)
		}
		// When the bound on hashing turned wrong passwords away unchecked, their slots were
		// freed and the right one may be checked: still no more than five in all.
		if countBusy(answers) == 0 || checked == 5 {
			wantStatus(t, right, http.StatusTooManyRequests)
		}
	})

	t.Run("FortyUnknownNamesFromOneAddressGetTwentyChecked", func(t *testing.T) {
		s := newEnv(t)
		// Distinct names, so that the per-address limit (20) is what holds.
		codes := tally(t, signInBurst(t, s, 40, func(i int) (string, string) { return fmt.Sprintf("nobody-%d", i), "wrong-password" }))
		t.Logf("answers: %v", codes)
		if checked := codes[http.StatusUnauthorized]; checked > 20 || checked == 0 {
			t.Errorf("%d of 40 unknown names were checked (answered 401); want 1 to 20, the rest 429", checked)
		}
	})
}

// failedSignIns counts the failed sign-ins recorded for name.
func failedSignIns(t *testing.T, s *env, name string) int {
	t.Helper()
	all, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Outcome: db.SignInFailed, UserName: name, Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// anotherConsole serves a second console on s's database and clock, as a second replica or a
// restarted process would: it shares nothing with the first but the database.
func anotherConsole(t *testing.T, s *env) *client {
	t.Helper()
	srv := testenv.Serve(t, testenv.Router(t, handlers.Config{DB: s.store, Now: s.clock.Now}), false)
	c := s.browser()
	c.Base = srv.URL
	return c
}

// The throttle is kept in the database: a console restarted on it, or a second one serving it,
// knows the failures the first one counted.
func TestSignInThrottleIsSharedAndSurvivesRestart(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()
	for i := 1; i <= 5; i++ {
		wantStatus(t, attempt(c, operatorName, "wrong-password-"+strconv.Itoa(i)), http.StatusUnauthorized)
	}
	other := anotherConsole(t, s)
	wantThrottled(t, other, attempt(other, operatorName, testPassword), 900)

	s.clock.Advance(15 * time.Minute)
	wantStatus(t, attempt(other, operatorName, testPassword), http.StatusSeeOther)
}
