package elbapi_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// listPools lists pools through gophercloud's pager.
func (e *env) listPools(opts pools.ListOpts) []pools.Pool {
	e.t.Helper()
	pages, err := pools.List(e.client(viewerName, "/v2.0"), opts).AllPages(context.Background())
	if err != nil {
		e.t.Fatalf("pools.List(%+v): %v", opts, err)
	}
	out, err := pools.ExtractPools(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func poolIDs(ps []pools.Pool) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestListPools(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	all, mine := e.allPools()
	got := e.listPools(pools.ListOpts{})
	if len(got) != len(all) {
		t.Fatalf("listed %d pools; the store has %d VServer groups", len(got), len(all))
	}
	if slices.Contains(poolIDs(got), e.dflt.ID) {
		t.Errorf("the default server list %s is listed as a pool", e.dflt.ID)
	}
	t.Run("ByLoadBalancer", func(t *testing.T) {
		// `openstack loadbalancer pool list --loadbalancer X` sends ?loadbalancer_id=.
		if got := e.listPools(pools.ListOpts{LoadbalancerID: e.lb.ID}); !slices.Equal(poolIDs(got), mine) {
			t.Errorf("?loadbalancer_id=%s = %v; want %v", e.lb.ID, poolIDs(got), mine)
		}
	})
	t.Run("ByNameAndID", func(t *testing.T) {
		got := e.listPools(pools.ListOpts{Name: e.pool.Name, LoadbalancerID: e.lb.ID})
		if !slices.Equal(poolIDs(got), []string{e.pool.ID}) {
			t.Errorf("?name=%s&loadbalancer_id= = %v; want %s", e.pool.Name, poolIDs(got), e.pool.ID)
		}
		if got := e.listPools(pools.ListOpts{ID: e.pool.ID}); !slices.Equal(poolIDs(got), []string{e.pool.ID}) {
			t.Errorf("?id= = %v; want %s", poolIDs(got), e.pool.ID)
		}
		if got := e.listPools(pools.ListOpts{ID: e.dflt.ID}); len(got) != 0 {
			t.Errorf("?id=<a default server list> = %v; want none", poolIDs(got))
		}
	})
	t.Run("ManyValuesOfAFilter", func(t *testing.T) {
		// More values than the store selects by: the list filters them itself.
		q := url.Values{"id": {e.pool.ID, e.other.ID}}
		for i := range 150 {
			q.Add("id", "rsp-x"+itoa(i))
		}
		got := e.getList("/v2.0/lbaas/pools?"+q.Encode(), "pools")
		if !slices.Equal(sortedIDs(got.ids()), sortedIDs([]string{e.pool.ID, e.other.ID})) {
			t.Errorf("152 ids = %v; want the 2 that exist", got.ids())
		}
	})
}

func sortedIDs(ids []string) []string { return slices.Sorted(slices.Values(ids)) }

func TestGetPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	got, err := pools.Get(context.Background(), e.client(viewerName, "/v2.0"), e.pool.ID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, m := range got.Members {
		members = append(members, m.ID)
	}
	var want []string
	for _, m := range e.members(e.pool.ID) {
		want = append(want, m.ID)
	}
	// `member create --wait` reads the pool's load balancer from loadbalancers[0].
	if got.ID != e.pool.ID || got.Name != e.pool.Name || got.ProjectID != e.lb.ID || len(got.Loadbalancers) != 1 ||
		got.Loadbalancers[0].ID != e.lb.ID || got.LBMethod != "ROUND_ROBIN" || got.ProvisioningStatus != "ACTIVE" || !slices.Equal(members, want) {
		t.Errorf("pool = %+v; want %s of %s with members %v", got, e.pool.ID, e.lb.ID, want)
	}
	for _, id := range []string{e.dflt.ID, "rsp-nosuch"} {
		_, err := pools.Get(context.Background(), e.client(viewerName, "/v2.0"), id).Extract()
		wantError(t, err, http.StatusNotFound, "pool "+id+" does not exist")
	}
	resp, body := e.get("/v2.0/lbaas/pools/" + e.pool.ID + "?fields=name&fields=id")
	if want := `{"pool":{"name":"` + e.pool.Name + `","id":"` + e.pool.ID + `"}}`; resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != want {
		t.Errorf("?fields=name&fields=id = %d %s; want %s", resp.StatusCode, body, want)
	}
	resp, body = e.get("/v2.0/lbaas/pools/" + e.pool.ID + "?fields=colour")
	errorOf(t, resp, body, http.StatusBadRequest, `fields names "colour", which is not an attribute of a pool`)
}

// TestListPaging walks the pools forwards by their next links and backwards by their previous
// links, sorted and filtered, a few at a time: both ways list every pool that matches once,
// in the order asked for, and each link repeats the filters.
func TestListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	all := e.getList("/v2.0/lbaas/pools?fields=id,name&sort=name:desc,id&provisioning_status=ACTIVE", "pools")
	if len(all.items) < 10 || len(all.links) != 0 {
		t.Fatalf("the unpaged list has %d pools and links %v; want at least 10 and none", len(all.items), all.links)
	}
	for _, it := range all.items {
		if keys(it) != "id,name" {
			t.Fatalf("?fields=id,name answered %v", it)
		}
	}
	if !slices.IsSortedFunc(all.items, func(a, b map[string]any) int { return strings.Compare(b["name"].(string), a["name"].(string)) }) {
		t.Fatalf("?sort=name:desc listed %v", all.items)
	}
	const query = "?fields=id,name&sort=name:desc,id&provisioning_status=ACTIVE&limit=4"
	var forward []string
	next := "/v2.0/lbaas/pools" + query
	for pages := 0; next != ""; pages++ {
		if pages > len(all.items) {
			t.Fatal("the next links never end")
		}
		page := e.getList(next, "pools")
		if _, ok := page.links["previous"]; ok != (pages > 0) {
			t.Errorf("page %d links %v: a previous link only after the first page", pages, page.links)
		}
		forward = append(forward, page.ids()...)
		next = ""
		if href, ok := page.links["next"]; ok {
			next = e.follow(href)
			if !strings.Contains(next, "provisioning_status=ACTIVE") || !strings.Contains(next, "sort=name%3Adesc%2Cid") {
				t.Fatalf("next link %s drops the filter or the sort", next)
			}
		}
	}
	if !slices.Equal(forward, all.ids()) {
		t.Fatalf("forwards, the pages listed %v; want %v", forward, all.ids())
	}
	var backward []string
	prev := "/v2.0/lbaas/pools" + query + "&page_reverse=True"
	for pages := 0; prev != ""; pages++ {
		if pages > len(all.items) {
			t.Fatal("the previous links never end")
		}
		page := e.getList(prev, "pools")
		backward = append(page.ids(), backward...)
		prev = ""
		if href, ok := page.links["previous"]; ok {
			prev = e.follow(href)
		}
	}
	if !slices.Equal(backward, all.ids()) {
		t.Fatalf("backwards from the last page, the pages listed %v; want %v", backward, all.ids())
	}
}
