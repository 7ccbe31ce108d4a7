package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"lbconsole/handlers"
)

// With a short idle timeout, a session in use is not signed out: its last use is recorded
// often enough.
func TestActiveSessionOutlivesAShortIdleTimeout(t *testing.T) {
	t.Parallel()
	s := newEnvWith(t, func(cfg *handlers.Config) { cfg.SessionIdle = 3 * time.Second })
	c := s.signInAt(viewerName)
	for i := 1; i <= 10; i++ {
		s.clock.Advance(time.Second)
		if r := c.Get("/lbs"); r.StatusCode != http.StatusOK {
			t.Fatalf("GET /lbs %d s after sign-in, 1 s after the last request, idle timeout 3 s = %d %q; want 200",
				i, r.StatusCode, r.Header.Get("Location"))
		}
	}
	s.clock.Advance(4 * time.Second)
	wantToLogin(t, c.Get("/lbs"), "GET /lbs after 4 idle seconds")
}
