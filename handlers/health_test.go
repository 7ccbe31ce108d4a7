package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()
	r := c.Get("/healthz")
	wantStatus(t, r, http.StatusOK)
	r = c.Get("/readyz")
	wantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(r.Body) != "ready" {
		t.Errorf("/readyz body = %q; want ready", r.Body)
	}
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
	r = c.Get("/readyz")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if strings.Contains(r.Body, "ready\n") && !strings.Contains(r.Body, "unavailable") {
		t.Errorf("/readyz with a closed store says %q", r.Body)
	}
	wantStatus(t, c.Get("/healthz"), http.StatusOK)
}
