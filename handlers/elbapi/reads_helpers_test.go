package elbapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"lbconsole/db"
)

// get sends a GET with the viewer's token, as a read-only script would, and returns the answer
// and its body.
func (e *env) get(path string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", tokens[viewerName])
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, body
}

// list is a list answer: its objects under the resource's key, its links under key_links.
type list struct {
	items []map[string]any
	links map[string]string // rel → href
}

// getList GETs a list of the resource key (members, pools, loadbalancers) and fails unless it
// answers 200.
func (e *env) getList(path, key string) list {
	e.t.Helper()
	resp, body := e.get(path)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		e.t.Fatalf("GET %s: %v in %s", path, err, body)
	}
	var out list
	var links []struct{ Href, Rel string }
	if err := json.Unmarshal(raw[key], &out.items); err != nil || out.items == nil {
		e.t.Fatalf("GET %s: no %q list in %s", path, key, body)
	}
	if err := json.Unmarshal(raw[key+"_links"], &links); err != nil {
		e.t.Fatalf("GET %s: no %q_links list in %s", path, key, body)
	}
	out.links = map[string]string{}
	for _, l := range links {
		out.links[l.Rel] = l.Href
	}
	return out
}

// ids lists the ids of a list's objects.
func (l list) ids() []string {
	out := make([]string, len(l.items))
	for i, it := range l.items {
		out[i], _ = it["id"].(string)
	}
	return out
}

// follow returns the path and query of a link, checking that it is an absolute URL on the
// server the client asked.
func (e *env) follow(href string) string {
	e.t.Helper()
	u, err := url.Parse(href)
	if err != nil || u.Scheme+"://"+u.Host != e.srv.URL {
		e.t.Fatalf("link %q is not an absolute URL on %s", href, e.srv.URL)
	}
	return u.RequestURI()
}

// allPools returns every pool (VServer group) of the store, and the ids of those of the env's
// load balancer.
func (e *env) allPools() ([]db.PoolMembers, []string) {
	e.t.Helper()
	ps, err := e.store.ListPools(e.ctx, db.PoolSelect{})
	if err != nil {
		e.t.Fatal(err)
	}
	var mine []string
	for _, p := range ps {
		if p.LoadBalancerID == e.lb.ID {
			mine = append(mine, p.ID)
		}
	}
	return ps, mine
}

// keys returns the keys of an object, as a sorted comma-separated list.
func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// errorOf reads an error answer's message, failing unless it is JSON with faultstring.
func errorOf(t *testing.T, resp *http.Response, body []byte, status int, want string) {
	t.Helper()
	var out struct {
		Code        int    `json:"code"`
		FaultString string `json:"faultstring"`
	}
	if err := json.Unmarshal(body, &out); err != nil || resp.StatusCode != status || out.Code != status || !strings.Contains(out.FaultString, want) {
		t.Fatalf("got %d %s; want %d with a faultstring containing %q", resp.StatusCode, body, status, want)
	}
}
