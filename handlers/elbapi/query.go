package elbapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"lbconsole/lb"
)

// query reads the request's query string, refusing a malformed one and any parameter not in
// known: a client that believes it asked for something (a dry run, a filter, a flag) must
// hear that it did not, rather than see the request run without it.
func query(r *http.Request, known ...string) (url.Values, error) {
	q, err := rawQuery(r)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case slices.Contains(known, name):
		case len(known) == 0:
			return nil, bad("unknown query parameter %q: this call takes no query parameters", lb.Clip(name))
		default:
			return nil, bad("unknown query parameter %q: this call takes only %s", lb.Clip(name), strings.Join(known, ", "))
		}
	}
	return q, nil
}

// rawQuery parses the query string, refusing one that is malformed, which url.Values would
// read in part, dropping the rest in silence.
func rawQuery(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, bad("the query string cannot be read: %v", err)
	}
	return q, nil
}

// additiveOnlyParam is Octavia's flag on a batch update: with it true, the members listed are
// created or updated and the others are left alone.
const additiveOnlyParam = "additive_only"

// additiveOnly reads ?additive_only=, false when absent. It takes the spellings that
// Octavia's oslo bool_from_string reads as true or false, in any case; where Octavia reads any
// other text as false, and so deletes, this refuses it: a flag that keeps members must never
// be lost to a typo.
func additiveOnly(q url.Values) (bool, error) {
	vals, given := q[additiveOnlyParam]
	switch {
	case !given:
		return false, nil
	case len(vals) > 1:
		return false, bad("%s is given more than once", additiveOnlyParam)
	}
	switch strings.ToLower(vals[0]) {
	case "true", "t", "1", "yes", "y", "on":
		return true, nil
	case "false", "f", "0", "no", "n", "off":
		return false, nil
	}
	return false, bad("%s must be true or false, not %q", additiveOnlyParam, lb.Clip(vals[0]))
}
