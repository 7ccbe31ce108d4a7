package elbapi

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxPage is the most members one list answers, Octavia's default pagination_max_limit.
const maxPage = 1000

// memberAttrs are the attributes a list filters and sorts on, each as the text compared.
var memberAttrs = map[string]func(memberJSON) string{
	"id":                  func(m memberJSON) string { return m.ID },
	"name":                func(m memberJSON) string { return m.Name },
	"address":             func(m memberJSON) string { return m.Address },
	"protocol_port":       func(m memberJSON) string { return itoa(m.ProtocolPort) },
	"weight":              func(m memberJSON) string { return itoa(m.Weight) },
	"subnet_id":           func(m memberJSON) string { return m.SubnetID },
	"project_id":          func(m memberJSON) string { return m.ProjectID },
	"admin_state_up":      func(m memberJSON) string { return strconv.FormatBool(m.AdminStateUp) },
	"backup":              func(m memberJSON) string { return strconv.FormatBool(m.Backup) },
	"provisioning_status": func(m memberJSON) string { return m.ProvisioningStatus },
	"operating_status":    func(m memberJSON) string { return m.OperatingStatus },
	"created_at":          func(m memberJSON) string { return m.CreatedAt },
	"updated_at":          func(m memberJSON) string { return m.UpdatedAt },
}

// numericAttrs sort as numbers and are compared after normalising ("080" is 80).
var numericAttrs = map[string]bool{"protocol_port": true, "weight": true}

// boolAttrs accept any spelling strconv.ParseBool does ("True", "1").
var boolAttrs = map[string]bool{"admin_state_up": true, "backup": true}

// listQuery is a list request's query: filters (a member matches when each named attribute
// has one of the given values), an optional sort, and a page.
type listQuery struct {
	filters map[string][]string
	sortKey string
	desc    bool
	limit   int
	marker  string
}

// pagingParams are the list parameters that take one value; filters take several.
var pagingParams = map[string]bool{"limit": true, "marker": true, "sort_key": true, "sort_dir": true}

// parseListQuery reads the query, refusing parameters it does not know rather than answering
// an unfiltered list to a filter it would have ignored, and a paging parameter given twice
// rather than guessing which one was meant. It reads the parameters in order of name, so that
// the same query always gets the same refusal.
func parseListQuery(v url.Values) (listQuery, error) {
	q := listQuery{filters: map[string][]string{}, limit: maxPage}
	for _, key := range slices.Sorted(maps.Keys(v)) {
		vals := v[key]
		if pagingParams[key] && len(vals) > 1 {
			return q, bad("%s is given %d times: give it once", key, len(vals))
		}
		switch key {
		case "limit":
			n, err := strconv.Atoi(vals[0])
			if err != nil || n < 1 {
				return q, bad("limit must be a whole number of at least 1, not %q", vals[0])
			}
			q.limit = min(n, maxPage)
		case "marker":
			q.marker = vals[0]
		case "sort_key":
			if _, ok := memberAttrs[vals[0]]; !ok {
				return q, bad("sort_key %q is not one of %s", vals[0], attrNames())
			}
			q.sortKey = vals[0]
		case "sort_dir":
			if vals[0] != "asc" && vals[0] != "desc" {
				return q, bad("sort_dir must be asc or desc, not %q", vals[0])
			}
			q.desc = vals[0] == "desc"
		default:
			if _, ok := memberAttrs[key]; !ok {
				return q, bad("unknown query parameter %q: a list takes limit, marker, sort_key, sort_dir and filters on %s", key, attrNames())
			}
			for _, val := range vals {
				norm, err := normalise(key, val)
				if err != nil {
					return q, err
				}
				q.filters[key] = append(q.filters[key], norm)
			}
		}
	}
	return q, nil
}

func normalise(key, val string) (string, error) {
	switch {
	case numericAttrs[key]:
		n, err := strconv.Atoi(val)
		if err != nil {
			return "", bad("%s must be a whole number, not %q", key, val)
		}
		return itoa(n), nil
	case boolAttrs[key]:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return "", bad("%s must be true or false, not %q", key, val)
		}
		return strconv.FormatBool(b), nil
	}
	return val, nil
}

func attrNames() string {
	names := make([]string, 0, len(memberAttrs))
	for k := range memberAttrs {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// page filters and sorts ms and cuts the page after the marker. It reports whether more
// members follow.
func (q listQuery) page(ms []memberJSON) ([]memberJSON, bool, error) {
	out := slices.DeleteFunc(ms, func(m memberJSON) bool { return !q.matches(m) })
	switch {
	case q.sortKey != "":
		slices.SortStableFunc(out, q.compare)
	case q.desc:
		slices.Reverse(out) // the store's order, backwards
	}
	start := 0
	if q.marker != "" {
		i := slices.IndexFunc(out, func(m memberJSON) bool { return m.ID == q.marker })
		if i < 0 {
			return nil, false, bad("marker %q is not a member of this list: it may have been deleted since; start again without a marker", q.marker)
		}
		start = i + 1
	}
	end := min(start+q.limit, len(out))
	return out[start:end], end < len(out), nil
}

func (q listQuery) matches(m memberJSON) bool {
	for key, vals := range q.filters {
		if !slices.Contains(vals, memberAttrs[key](m)) {
			return false
		}
	}
	return true
}

// compare orders by the sort key, then by id, so that pages never overlap or skip.
func (q listQuery) compare(a, b memberJSON) int {
	get := memberAttrs[q.sortKey]
	var c int
	if numericAttrs[q.sortKey] {
		x, _ := strconv.Atoi(get(a))
		y, _ := strconv.Atoi(get(b))
		c = cmp.Compare(x, y)
	} else {
		c = strings.Compare(get(a), get(b))
	}
	if c == 0 {
		c = strings.Compare(a.ID, b.ID)
	}
	if q.desc {
		return -c
	}
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }
