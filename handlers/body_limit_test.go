package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lbconsole/db"
)

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	count := func(t *testing.T) int {
		t.Helper()
		all, err := s.store.ListSignIns(s.ctx, db.SignInFilter{Limit: 1_000})
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	c := s.browser()
	c.Get("/login")
	big := url.Values{"username": {viewerName}, "password": {strings.Repeat("a", 3<<20)}, "_csrf": {c.CSRF}}.Encode()

	t.Run("A3MiBSignInIs413AndNotRecorded", func(t *testing.T) {
		before := count(t)
		r := c.Do(http.MethodPost, "/login", strings.NewReader(big))
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		if !strings.Contains(r.Body, "2 MiB") {
			t.Errorf("the 413 answer does not say what the limit is:\n%s", r.Snippet())
		}
		if n := count(t); n != before {
			t.Errorf("sign-in rows = %d; want unchanged at %d", n, before)
		}
	})

	t.Run("A3MiBChunkedSignInIs413AndNotRecorded", func(t *testing.T) {
		before := count(t)
		// A reader without a length makes the client send the body chunked, with no
		// Content-Length for the limit to look at before reading.
		r := c.Do(http.MethodPost, "/login", io.MultiReader(strings.NewReader(big)), header("X-CSRF-Token", c.CSRF))
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked POST /login of 3 MiB = %d; want 413", r.StatusCode)
		}
		if n := count(t); n != before {
			t.Errorf("sign-in rows = %d; want unchanged at %d", n, before)
		}
	})
}
