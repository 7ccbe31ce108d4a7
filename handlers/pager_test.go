package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// A page past the end of a list sends a browser to the last page; an htmx request (a pager
// link followed after the list shrank) gets the list, whose pager says so and links there.
func TestPagePastTheEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signInAt(viewerName)
	for _, tc := range []struct{ path, last string }{
		{"/lbs?page=999&q=-", "/lbs?page=1&q=-"},
		{"/servers?page=999", "/servers?page=10"},
		{"/audit?page=999", "/audit?page=1"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := c.Get(tc.path)
			wantStatus(t, r, http.StatusSeeOther)
			if got := r.Header.Get("Location"); got != tc.last {
				t.Errorf("Location = %q; want %q", got, tc.last)
			}
			r = c.Get(tc.path, htmx)
			wantStatus(t, r, http.StatusOK)
			pager := r.Doc().Find(`[data-testid="pager"]`)
			if got := text(pager); !strings.Contains(got, "page 999 is past the end") {
				t.Errorf("the pager says %q", got)
			}
			if got := pager.Find("a").AttrOr("href", ""); got != tc.last {
				t.Errorf("the pager links to %q; want %q", got, tc.last)
			}
		})
	}
}
