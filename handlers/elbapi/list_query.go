package elbapi

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxPage is the most objects one list answers, Octavia's default pagination_max_limit.
const maxPage = 1000

// listQuery is a list request's query as Octavia reads it: filters (an object matches when
// each named attribute has one of the given values, and its tags pass the tag filters), a
// sort, a page (after the marker, or before it with page_reverse), and the fields to show.
type listQuery struct {
	filters     map[string][]string
	tags        map[string][]string // tags, tags-any, not-tags, not-tags-any → the tags named
	sort        []sortKey
	backwards   bool // sort_dir=desc alone: the store's order, backwards
	limit       int
	marker      string
	pageReverse bool
	fields      []string
}

// sortKey is one key of a sort and its direction.
type sortKey struct {
	name string
	desc bool
}

// singleParams are the list parameters that take one value; filters and fields take several.
var singleParams = map[string]bool{"limit": true, "marker": true, "sort": true, "sort_key": true, "sort_dir": true, "page_reverse": true}

// tagParams are Octavia's tag filters, each a list of tags, repeated or comma-separated.
var tagParams = map[string]bool{"tags": true, "tags-any": true, "not-tags": true, "not-tags-any": true}

// parseListQuery reads a list's query on objects of schema s. It refuses parameters it does
// not know rather than answer an unfiltered list to a filter it would have ignored, and a
// single-valued parameter given twice rather than guess which one was meant. It reads the
// parameters in order of name, so that the same query always gets the same refusal.
func parseListQuery(s *schema, v url.Values) (listQuery, error) {
	q := listQuery{filters: map[string][]string{}, tags: map[string][]string{}, limit: maxPage}
	if v.Has("sort") && (v.Has("sort_key") || v.Has("sort_dir")) {
		return q, bad("give sort (sort=key:dir,…) or sort_key and sort_dir, not both")
	}
	for _, key := range slices.Sorted(maps.Keys(v)) {
		vals := v[key]
		if singleParams[key] && len(vals) > 1 {
			return q, bad("%s is given %d times: give it once", key, len(vals))
		}
		var err error
		switch {
		case key == "limit":
			q.limit, err = parseLimit(vals[0])
		case key == "marker":
			q.marker = vals[0]
		case key == "page_reverse":
			q.pageReverse, err = strconv.ParseBool(vals[0])
			if err != nil {
				err = bad("page_reverse must be true or false, not %q", vals[0])
			}
		case key == "sort":
			q.sort, err = parseSort(s, vals[0])
		case key == "sort_key":
			q.sort, err = parseSortKeys(s, vals[0], v.Get("sort_dir"))
		case key == "sort_dir":
			q.backwards, err = parseSortDirs(vals[0], v.Has("sort_key"))
		case key == "fields":
			q.fields, err = parseFields(s, vals)
		case tagParams[key]:
			q.tags[key] = splitList(vals)
		default:
			err = q.addFilter(s, key, vals)
		}
		if err != nil {
			return q, err
		}
	}
	return q, nil
}

func parseLimit(val string) (int, error) {
	n, err := strconv.Atoi(val)
	if err != nil || n < 1 {
		return 0, bad("limit must be a whole number of at least 1, not %q", val)
	}
	return min(n, maxPage), nil
}

// parseSort reads sort=key[:asc|desc],…
func parseSort(s *schema, val string) ([]sortKey, error) {
	var keys []sortKey
	for _, part := range strings.Split(val, ",") {
		name, dir, _ := strings.Cut(part, ":")
		k, err := newSortKey(s, "sort", name, dir)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseSortKeys reads sort_key=a,b with sort_dir=asc,desc: a key without a direction sorts
// ascending.
func parseSortKeys(s *schema, names, dirs string) ([]sortKey, error) {
	ns := strings.Split(names, ",")
	var ds []string
	if dirs != "" {
		ds = strings.Split(dirs, ",")
	}
	if len(ds) > len(ns) {
		return nil, bad("sort_dir gives %d directions for %d sort keys", len(ds), len(ns))
	}
	keys := make([]sortKey, len(ns))
	for i, name := range ns {
		dir := ""
		if i < len(ds) {
			dir = ds[i]
		}
		var err error
		if keys[i], err = newSortKey(s, "sort_key", name, dir); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// parseSortDirs checks sort_dir; alone, desc lists the store's order backwards.
func parseSortDirs(val string, withKeys bool) (bool, error) {
	for _, dir := range strings.Split(val, ",") {
		if dir != "asc" && dir != "desc" {
			return false, bad("sort_dir must be asc or desc, not %q", dir)
		}
	}
	return !withKeys && val == "desc", nil
}

// newSortKey reads one key of a sort and its direction, given in param.
func newSortKey(s *schema, param, name, dir string) (sortKey, error) {
	if _, ok := s.attrs[name]; !ok {
		return sortKey{}, bad("%s %q is not one of %s", param, name, s.attrNames())
	}
	switch dir {
	case "", "asc":
		return sortKey{name: name}, nil
	case "desc":
		return sortKey{name: name, desc: true}, nil
	}
	return sortKey{}, bad("the direction of sort key %s must be asc or desc, not %q", name, dir)
}

// parseFields reads fields=a&fields=b or fields=a,b: the keys each object shows.
func parseFields(s *schema, vals []string) ([]string, error) {
	var out []string
	for _, name := range splitList(vals) {
		if !slices.Contains(s.keys, name) {
			return nil, bad("fields names %q, which is not an attribute of a %s: give some of %s", name, s.noun, strings.Join(s.keys, ", "))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// splitList reads a repeated parameter whose values may also be comma-separated lists, as
// Octavia reads tags and fields. Empty items are dropped.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, item := range strings.Split(v, ",") {
			if item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

func (q *listQuery) addFilter(s *schema, key string, vals []string) error {
	if _, ok := s.attrs[key]; !ok {
		return bad("unknown query parameter %q: a list of %ss takes limit, marker, page_reverse, sort (or sort_key and sort_dir), fields, the tag filters tags, tags-any, not-tags and not-tags-any, and filters on %s", key, s.noun, s.attrNames())
	}
	for _, val := range vals {
		norm, err := s.normalise(key, val)
		if err != nil {
			return err
		}
		q.filters[key] = append(q.filters[key], norm)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
