package elbapi

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
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
// single-valued one once, every filter value), pages within bounds, and sorts on known
// attributes. Walked page by page with the marker the next links carry, or backwards with the
// previous links from the last page, it visits each member it matches exactly once, in its
// order; a marker it does not list is refused.
func FuzzParseListQuery(f *testing.F) {
	for _, seed := range []string{
		"", "limit=2&sort_key=weight&sort_dir=desc", "weight=010&weight=100&admin_state_up=True", "marker=m-3&limit=1",
		"sort_dir=desc&limit=4", "protocol_port=80&sort_key=address", "name=web&name=&sort_key=name", "backup=1&limit=1",
		"marker=gone", "sort_key=colour", "limit=0", "limit=99999999999999999999", "protocol_port=x", "colour=red",
		"limit=1&limit=2", "sort_key=created_at&sort_dir=asc&id=m-1&id=m-2", "admin_state_up=maybe",
		"sort=weight:desc,name&limit=2", "sort=weight:up", "sort=weight&sort_key=name", "sort_key=name,weight&sort_dir=desc",
		"sort_key=name&sort_dir=asc,desc", "page_reverse=True&limit=2", "page_reverse=yes", "marker=m-2&page_reverse=1&limit=1",
		"fields=id&fields=name,weight", "fields=colour", "tags=a", "not-tags-any=a,b&limit=3", "tags-any=", "monitor_port=80",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // rawQuery refuses it before the list reads it
		}
		q, err := parseListQuery(memberSchema, v)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.message == "" {
				t.Fatalf("refusal %v is not a 400 with a message", err)
			}
			if _, again := parseListQuery(memberSchema, v); again == nil || again.Error() != err.Error() {
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
	for _, k := range q.sort {
		if _, ok := memberSchema.attrs[k.name]; !ok {
			t.Fatalf("accepted sort key %q", k.name)
		}
	}
	for _, name := range q.fields {
		if !slices.Contains(memberSchema.keys, name) {
			t.Fatalf("accepted field %q", name)
		}
	}
	for key, vals := range v {
		switch {
		case singleParams[key]:
			if len(vals) != 1 {
				t.Fatalf("accepted %s given %d times", key, len(vals))
			}
		case key == "fields" || tagParams[key]:
		default:
			if len(q.filters[key]) != len(vals) {
				t.Fatalf("filter %s has %d values; %d were given", key, len(q.filters[key]), len(vals))
			}
			for _, val := range q.filters[key] {
				if norm, err := memberSchema.normalise(key, val); err != nil || norm != val {
					t.Fatalf("filter %s=%q is not in normal form", key, val)
				}
			}
		}
	}
}

// walkPages pages through listSample as a client following next links would, then backwards
// from the last page as one following previous links would.
func walkPages(t *testing.T, q listQuery) {
	t.Helper()
	var want []string
	for _, m := range listSample {
		if q.matches(memberSchema, reflect.ValueOf(m)) {
			want = append(want, m.ID)
		}
	}
	if _, err := pageOf(q, memberSchema, slices.Clone(listSample)); (err == nil) != (q.marker == "" || slices.Contains(want, q.marker)) {
		t.Fatalf("marker %q among %v: page answered %v", q.marker, want, err)
	}
	forward := walk(t, q, false)
	if !slices.Equal(slices.Sorted(slices.Values(ids(forward))), slices.Sorted(slices.Values(want))) {
		t.Fatalf("the pages listed %v; the query matches %v", ids(forward), want)
	}
	if len(q.sort) > 0 && !slices.IsSortedFunc(forward, func(a, b memberJSON) int {
		return q.compare(memberSchema, reflect.ValueOf(a), reflect.ValueOf(b))
	}) {
		t.Fatalf("the pages listed %v, not in the order of %v", ids(forward), q.sort)
	}
	if backward := walk(t, q, true); !slices.Equal(ids(backward), ids(forward)) {
		t.Fatalf("walked backwards, the pages listed %v; forwards %v", ids(backward), ids(forward))
	}
}

// walk lists every page from the first forwards or from the last backwards, following the
// links as a client would, and returns what they listed in the list's order.
func walk(t *testing.T, q listQuery, backwards bool) []memberJSON {
	t.Helper()
	q.marker, q.pageReverse = "", backwards
	var seen []memberJSON
	for range len(listSample) + 1 {
		p, err := pageOf(q, memberSchema, slices.Clone(listSample))
		if err != nil {
			t.Fatalf("following a link: %v", err)
		}
		more := p.after
		if backwards {
			more = p.before
		}
		if len(p.items) > q.limit || more && len(p.items) == 0 {
			t.Fatalf("a page of %d members under limit %d, more %v", len(p.items), q.limit, more)
		}
		if backwards {
			seen = append(slices.Clone(p.items), seen...)
		} else {
			seen = append(seen, p.items...)
		}
		if !more {
			return seen
		}
		q.marker, q.pageReverse = p.items[len(p.items)-1].ID, false
		if backwards {
			q.marker, q.pageReverse = p.items[0].ID, true
		}
	}
	t.Fatal("the links never end")
	return nil
}

func ids(ms []memberJSON) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}
