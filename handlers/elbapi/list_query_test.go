package elbapi

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// listSample is a pool to page through: ties on every attribute, so that the order between
// equals (by id) matters.
var listSample = []memberJSON{
	{ID: "m-4", Name: "web", Address: "10.0.0.4", ProtocolPort: 80, Weight: 10, AdminStateUp: true, OperatingStatus: "NO_MONITOR"},
	{ID: "m-1", Name: "web", Address: "10.0.0.1", ProtocolPort: 8080, Weight: 0, AdminStateUp: true, OperatingStatus: "DRAINING"},
	{ID: "m-3", Name: "api", Address: "10.0.0.3", ProtocolPort: 80, Weight: 10, Backup: true, OperatingStatus: "NO_MONITOR"},
	{ID: "m-6", Name: "", Address: "10.0.0.6", ProtocolPort: 443, Weight: 100, AdminStateUp: true, OperatingStatus: "NO_MONITOR"},
	{ID: "m-2", Name: "api", Address: "10.0.0.2", ProtocolPort: 9, Weight: 9, AdminStateUp: true, OperatingStatus: "NO_MONITOR"},
	{ID: "m-5", Name: "web", Address: "10.0.0.5", ProtocolPort: 80, Weight: 100, OperatingStatus: "NO_MONITOR"},
}

// FuzzParseListQuery: whatever query a list is sent, it is read or refused with a 400 and a
// message, the same refusal each time. An accepted query honours every parameter given (each
// paging parameter once, every filter value), pages within bounds, and sorts on a known
// attribute. Walked page by page with the marker the next link carries, it visits each
// member it matches exactly once, in its order; a marker it does not list is refused.
func FuzzParseListQuery(f *testing.F) {
	for _, seed := range []string{
		"", "limit=2&sort_key=weight&sort_dir=desc", "weight=010&weight=100&admin_state_up=True", "marker=m-3&limit=1",
		"sort_dir=desc&limit=4", "protocol_port=80&sort_key=address", "name=web&name=&sort_key=name", "backup=1&limit=1",
		"marker=gone", "sort_key=colour", "limit=0", "limit=99999999999999999999", "protocol_port=x", "colour=red",
		"limit=1&limit=2", "sort_key=created_at&sort_dir=asc&id=m-1&id=m-2", "admin_state_up=maybe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // rawQuery refuses it before the list reads it
		}
		q, err := parseListQuery(v)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.message == "" {
				t.Fatalf("refusal %v is not a 400 with a message", err)
			}
			if _, again := parseListQuery(v); again == nil || again.Error() != err.Error() {
				t.Fatalf("the same query was refused with %q, then %v", err, again)
			}
			return
		}
		checkListQuery(t, v, q)
		walkPages(t, q)
	})
}

// checkListQuery fails t unless q honours every parameter of v, within bounds.
func checkListQuery(t *testing.T, v url.Values, q listQuery) {
	t.Helper()
	if q.limit < 1 || q.limit > maxPage {
		t.Fatalf("accepted limit %d", q.limit)
	}
	if _, ok := memberAttrs[q.sortKey]; q.sortKey != "" && !ok {
		t.Fatalf("accepted sort_key %q", q.sortKey)
	}
	for key, vals := range v {
		if pagingParams[key] {
			if len(vals) != 1 {
				t.Fatalf("accepted %s given %d times", key, len(vals))
			}
			continue
		}
		if len(q.filters[key]) != len(vals) {
			t.Fatalf("filter %s has %d values; %d were given", key, len(q.filters[key]), len(vals))
		}
		for _, val := range q.filters[key] {
			if norm, err := normalise(key, val); err != nil || norm != val {
				t.Fatalf("filter %s=%q is not in normal form", key, val)
			}
		}
	}
}

// walkPages pages through listSample as a client following next links would.
func walkPages(t *testing.T, q listQuery) {
	t.Helper()
	var want []string
	for _, m := range listSample {
		if q.matches(m) {
			want = append(want, m.ID)
		}
	}
	if _, _, err := q.page(slices.Clone(listSample)); (err == nil) != (q.marker == "" || slices.Contains(want, q.marker)) {
		t.Fatalf("marker %q among %v: page answered %v", q.marker, want, err)
	}
	walk := q
	walk.marker = ""
	var seen []memberJSON
	for range len(listSample) + 1 {
		page, more, err := walk.page(slices.Clone(listSample))
		if err != nil {
			t.Fatalf("following the next link: %v", err)
		}
		if len(page) > walk.limit || more && len(page) == 0 {
			t.Fatalf("a page of %d members under limit %d, more %v", len(page), walk.limit, more)
		}
		seen = append(seen, page...)
		if !more {
			break
		}
		walk.marker = page[len(page)-1].ID
	}
	ids := make([]string, len(seen))
	for i, m := range seen {
		ids[i] = m.ID
	}
	if !slices.Equal(slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("the pages listed %v; the query matches %v", ids, want)
	}
	if q.sortKey != "" && !slices.IsSortedFunc(seen, q.compare) {
		t.Fatalf("the pages listed %v, not in %s order", ids, q.sortKey)
	}
}
