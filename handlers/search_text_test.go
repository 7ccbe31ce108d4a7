package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// searchBox is one search or filter box of the console: a page and its query parameter.
type searchBox struct{ path, param string }

func searchBoxes(e *env) []searchBox {
	lbID, g := e.bigGroup()
	group := groupPath(lbID, g.ID)
	return []searchBox{
		{"/lbs", "q"}, {"/lbs", "region"},
		{"/servers", "q"}, {"/servers", "region"},
		{group, "q"},
		{group + "/candidates", "pick_q"},
		{"/audit", "actor"}, {"/audit", "source"}, {"/audit", "action"}, {"/audit", "lb"}, {"/audit", "group"}, {"/audit", "outcome"},
		{"/audit.csv", "actor"}, {"/audit.csv", "lb"},
	}
}

// TestSearchTextRefusals: every search and filter box takes at most 128 characters of text
// without control characters, and says which box was wrong. A q of 50,010 characters reached
// SQLite's LIKE and answered 500 ("LIKE or GLOB pattern too complex"); q=%00 matched every row.
func TestSearchTextRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(operatorName)
	values := []struct {
		name, value, message string
	}{
		{"Err50010Characters", strings.Repeat("a", 50_010), "is 50010 characters long: at most 128 are allowed"},
		{"Err129Characters", strings.Repeat("é", 129), "is 129 characters long: at most 128 are allowed"},
		{"ErrNUL", "\x00", "holds a control character"},
		{"ErrNULAfterText", "web\x00", "holds a control character"},
		{"ErrEscapeSequence", "\x1b[31mweb", "holds a control character"},
		{"ErrLineBreak", "web\r\n", "holds a control character"},
		{"ErrC1Control", "web\u0085", "holds a control character"},
		{"ErrInvalidUTF8", "web\xff", "is not valid UTF-8"},
	}
	for _, box := range searchBoxes(e) {
		for _, v := range values {
			t.Run(box.path+"?"+box.param+"/"+v.name, func(t *testing.T) {
				c.T = t
				r := c.Get(box.path + "?" + url.Values{box.param: {v.value}}.Encode())
				wantStatus(t, r, http.StatusBadRequest)
				msg := text(r.Doc().Find(`[role="alert"]`))
				if !strings.Contains(msg, "("+box.param+")") || !strings.Contains(msg, v.message) {
					t.Errorf("message %q; want one naming (%s) and saying %q", msg, box.param, v.message)
				}
			})
		}
	}
}

// TestSearchTextAllowed: 128 characters of any script, and text with LIKE's wildcards, are
// fine; the search finds what it names.
func TestSearchTextAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn(operatorName)
	for _, box := range searchBoxes(e) {
		for _, v := range []string{strings.Repeat("é", 128), "负载均衡 %_\\ 'x'", "\u202eweb"} {
			c.T = t
			r := c.Get(box.path + "?" + url.Values{box.param: {v}}.Encode())
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s?%s=%q answered %d; want 200\n%s", box.path, box.param, v, r.StatusCode, r.Snippet())
			}
		}
	}
	ls := allLBs(e)
	r := c.Get("/lbs?" + url.Values{"q": {ls[0].Name}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if ids := lbRowIDs(t, r.Doc()); !slices.Contains(ids, ls[0].ID) {
		t.Errorf("searching for %q found %v; want %s among them", ls[0].Name, ids, ls[0].ID)
	}
}
