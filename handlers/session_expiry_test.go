package handlers_test

import (
	"net/http"
	"testing"
	"time"
)

func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	vera := s.user(viewerName)
	live := func(t *testing.T) int {
		t.Helper()
		n, err := s.store.LiveSessions(s.ctx, vera.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("ThirtyOneIdleMinutesEndTheSession", func(t *testing.T) {
		c := s.signInAt(viewerName)
		if n := live(t); n != 1 {
			t.Fatalf("live sessions = %d after sign-in; want 1", n)
		}
		s.clock.Advance(31 * time.Minute)
		wantToLogin(t, c.Get("/lbs"), "GET /lbs after 31 idle minutes")
		if n := live(t); n != 0 {
			t.Errorf("live sessions = %d after the idle timeout; want the row deleted", n)
		}
		wantToLogin(t, c.Get("/lbs"), "GET /lbs again")
	})

	t.Run("AnHTMXRequestAfterTheIdleTimeoutIsToldToSignIn", func(t *testing.T) {
		c := s.signInAt(viewerName)
		s.clock.Advance(31 * time.Minute)
		r := c.Get("/lbs", htmx)
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login" {
			t.Errorf("htmx GET /lbs = %d, HX-Redirect %q; want 401 and /login", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
	})

	t.Run("ARequestEveryTwentyMinutesKeepsItAlive", func(t *testing.T) {
		c := s.signInAt(viewerName)
		for i := 1; i <= 4; i++ {
			s.clock.Advance(20 * time.Minute)
			if r := c.Get("/lbs"); r.StatusCode != http.StatusOK {
				t.Fatalf("GET /lbs %d minutes after sign-in, 20 after the last request = %d; want 200", 20*i, r.StatusCode)
			}
		}
		if n := live(t); n != 1 {
			t.Errorf("live sessions = %d; want 1", n)
		}
	})
}

func TestSessionAbsoluteLifetime(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.signInAt(operatorName)
	elapsed := time.Duration(0)
	for elapsed < 12*time.Hour-20*time.Minute {
		s.clock.Advance(20 * time.Minute)
		elapsed += 20 * time.Minute
		if r := c.Get("/lbs"); r.StatusCode != http.StatusOK {
			t.Fatalf("GET /lbs %v after sign-in (active every 20 minutes) = %d; want 200", elapsed, r.StatusCode)
		}
	}
	s.clock.Advance(20 * time.Minute)
	wantToLogin(t, c.Get("/lbs"), "GET /lbs 12h after sign-in despite activity")
	wantStatus(t, c.Get("/login"), http.StatusOK)
}
