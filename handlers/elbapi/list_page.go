package elbapi

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// listPage is one page of a list, and whether objects come before and after it.
type listPage[T any] struct {
	items         []T
	before, after bool
}

// pageOf filters and sorts items (values of s's struct, in the store's order) and cuts the
// page q asks for: the limit after the marker, or with page_reverse the limit before it (the
// last page without a marker), in the list's order either way.
func pageOf[T any](q listQuery, s *schema, items []T) (listPage[T], error) {
	out := slices.DeleteFunc(items, func(it T) bool { return !q.matches(s, reflect.ValueOf(it)) })
	switch {
	case len(q.sort) > 0:
		slices.SortStableFunc(out, func(a, b T) int { return q.compare(s, reflect.ValueOf(a), reflect.ValueOf(b)) })
	case q.backwards:
		slices.Reverse(out)
	}
	at := -1
	if q.marker != "" {
		at = slices.IndexFunc(out, func(it T) bool { return s.text(reflect.ValueOf(it), "id") == q.marker })
		if at < 0 {
			return listPage[T]{}, bad("marker %q is not a %s of this list: it may have been deleted since; start again without a marker", q.marker, s.noun)
		}
	}
	start, end := at+1, min(at+1+q.limit, len(out))
	if q.pageReverse {
		end = len(out)
		if at >= 0 {
			end = at
		}
		start = max(0, end-q.limit)
	}
	return listPage[T]{items: out[start:end], before: start > 0, after: end < len(out)}, nil
}

func (q listQuery) matches(s *schema, v reflect.Value) bool {
	for key, vals := range q.filters {
		if !slices.Contains(vals, s.text(v, key)) {
			return false
		}
	}
	has := s.tagsOf(v)
	for param, tags := range q.tags {
		if len(tags) == 0 {
			continue
		}
		n := 0
		for _, t := range tags {
			if slices.Contains(has, t) {
				n++
			}
		}
		all, anyOf := n == len(tags), n > 0
		if (param == "tags" && !all) || (param == "tags-any" && !anyOf) || (param == "not-tags" && all) || (param == "not-tags-any" && anyOf) {
			return false
		}
	}
	return true
}

// compare orders by the sort keys, then by id, so that pages never overlap or skip.
func (q listQuery) compare(s *schema, a, b reflect.Value) int {
	for _, k := range q.sort {
		x, y := s.text(a, k.name), s.text(b, k.name)
		var c int
		if s.attrs[k.name].kind == numberAttr {
			c = cmp.Compare(number(x), number(y))
		} else {
			c = strings.Compare(x, y)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(s.text(a, "id"), s.text(b, "id"))
}

// number reads a numeric attribute; null sorts before every number.
func number(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return math.MinInt
	}
	return n
}

// pageLinks are the page's links: next after its last object when more follow, previous
// before its first (with page_reverse) when some come before. Each is an absolute URL that
// repeats the request's query, filters included: python-octaviaclient keeps only a link's
// query, and openstacksdk requests a link as the URL it is.
func pageLinks[T any](r *http.Request, q listQuery, s *schema, p listPage[T]) []link {
	links := []link{}
	if len(p.items) == 0 {
		return links
	}
	if p.before {
		first := s.text(reflect.ValueOf(p.items[0]), "id")
		links = append(links, link{Href: pageURL(r, q.limit, first, true), Rel: "previous"})
	}
	if p.after {
		last := s.text(reflect.ValueOf(p.items[len(p.items)-1]), "id")
		links = append(links, link{Href: pageURL(r, q.limit, last, false), Rel: "next"})
	}
	return links
}

// pageURL is the request's own URL with the marker moved on. It names the host the client
// asked, so a client that reached the API through a proxy follows it through the same proxy
// only if the proxy keeps the Host header.
func pageURL(r *http.Request, limit int, marker string, reverse bool) string {
	q := r.URL.Query()
	q.Set("marker", marker)
	q.Set("limit", itoa(limit))
	q.Del("page_reverse")
	if reverse {
		q.Set("page_reverse", "True")
	}
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}
