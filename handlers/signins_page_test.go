package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signInRowFull is one row of /users/sign-ins with its attempt count.
type signInRowFull struct {
	signInRow
	Count int
}

func signInRowsWithCount(t *testing.T, r *response) []signInRowFull {
	t.Helper()
	var out []signInRowFull
	for i, row := range signInRows(t, r) {
		sel := r.Doc().Find(`[data-testid="signin-table"] tr[data-testid="signin-row"]`).Eq(i)
		// A row without a count is one attempt.
		n, err := strconv.Atoi(sel.AttrOr("data-count", "1"))
		if err != nil {
			t.Errorf("sign-in row %+v has data-count %q; want a number", row, sel.AttrOr("data-count", ""))
		}
		out = append(out, signInRowFull{signInRow: row, Count: n})
	}
	return out
}

// Throttled sign-ins are kept as one row per client address and minute, with a count, so that a
// flood of them cannot push the real failures out of the admin's view; the view filters.
func TestThrottledSignInsAreAggregated(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	s.clock.Set(s.clock.Now().Truncate(time.Minute))
	c := s.browser()
	for i := 1; i <= 20; i++ {
		wantStatus(t, attempt(c, "nobody-"+strconv.Itoa(i), "wrong-password"), http.StatusUnauthorized)
	}
	for i := 0; i < 300; i++ {
		wantStatus(t, attempt(c, "flood-"+strconv.Itoa(i%7), "wrong-password"), http.StatusTooManyRequests)
	}
	s.clock.Advance(time.Minute)
	for i := 0; i < 50; i++ {
		wantStatus(t, attempt(c, operatorName, "wrong-password"), http.StatusTooManyRequests)
	}

	s.clock.Advance(15 * time.Minute)
	admin := s.signInAt(adminName)
	page := admin.Get("/users/sign-ins")
	wantStatus(t, page, http.StatusOK)
	rows := signInRowsWithCount(t, page)

	t.Run("OneRowPerAddressAndMinute", func(t *testing.T) {
		var throttled []signInRowFull
		failed := 0
		for _, r := range rows {
			switch r.Outcome {
			case "throttled":
				throttled = append(throttled, r)
			case "failed":
				failed++
			}
		}
		if len(rows) != 23 {
			t.Errorf("%d sign-in rows; want 23: 20 failures, two throttled minutes and the admin's sign-in", len(rows))
		}
		if failed != 20 {
			t.Errorf("%d failed rows; want 20", failed)
		}
		if len(throttled) != 2 || throttled[0].Count != 50 || throttled[1].Count != 300 {
			t.Errorf("throttled rows = %+v; want two, counting 50 (newest) and 300", throttled)
		}
		if len(throttled) == 2 && throttled[0].Name != operatorName {
			t.Errorf("the second minute's row names %q; want %q, the only name tried", throttled[0].Name, operatorName)
		}
	})

	filtered := func(t *testing.T, query string) []signInRowFull {
		t.Helper()
		r := admin.Get("/users/sign-ins?" + query)
		wantStatus(t, r, http.StatusOK)
		return signInRowsWithCount(t, r)
	}

	t.Run("FailuresOnly", func(t *testing.T) {
		got := filtered(t, "outcome=failed")
		if len(got) != 20 {
			t.Errorf("outcome=failed: %d rows; want 20", len(got))
		}
		for _, r := range got {
			if r.Outcome != "failed" {
				t.Errorf("outcome=failed shows %+v", r)
				break
			}
		}
	})

	t.Run("ByUser", func(t *testing.T) {
		got := filtered(t, "user=NOBODY-7")
		if len(got) != 1 || got[0].Name != "nobody-7" {
			t.Errorf("user=NOBODY-7: %+v; want nobody-7's one failure (names match whatever their case)", got)
		}
		got = filtered(t, url.Values{"user": {adminName}, "outcome": {"ok"}}.Encode())
		if len(got) != 1 || got[0].Name != adminName || got[0].Outcome != "ok" {
			t.Errorf("user=%s&outcome=ok: %+v; want the admin's one sign-in", adminName, got)
		}
	})

	t.Run("ByAddress", func(t *testing.T) {
		if got := filtered(t, "address=127.0.0.1"); len(got) != len(rows) {
			t.Errorf("address=127.0.0.1: %d rows; want all %d", len(got), len(rows))
		}
		if got := filtered(t, "address=203.0.113.9"); len(got) != 0 {
			t.Errorf("address=203.0.113.9: %+v; want none", got)
		}
	})

	t.Run("TheFormKeepsTheFilters", func(t *testing.T) {
		d := admin.Get("/users/sign-ins?outcome=throttled&user=flood-1&address=127.0.0.1").Doc()
		form := d.Find(`form[data-testid="signin-filter"]`)
		if form.Length() != 1 {
			t.Fatal("no sign-in filter form")
		}
		if v := form.Find(`select[name="outcome"] option[selected]`).AttrOr("value", ""); v != "throttled" {
			t.Errorf("selected outcome = %q; want throttled", v)
		}
		for name, want := range map[string]string{"user": "flood-1", "address": "127.0.0.1"} {
			if v := form.Find(`input[name="`+name+`"]`).AttrOr("value", ""); v != want {
				t.Errorf("input %s = %q; want %q", name, v, want)
			}
		}
	})

	t.Run("BadFiltersAreRefusedByName", func(t *testing.T) {
		for query, field := range map[string]string{
			"outcome=bogus":                   "outcome",
			"address=not-an-address":          "address",
			"user=" + strings.Repeat("x", 65): "user",
		} {
			r := admin.Get("/users/sign-ins?" + query)
			if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, field) {
				t.Errorf("GET /users/sign-ins?%s = %d; want 400 naming %s\n%s", query, r.StatusCode, field, r.Snippet())
			}
		}
	})
}
