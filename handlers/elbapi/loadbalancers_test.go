package elbapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"

	"lbconsole/db"
	"lbconsole/lb"
)

// listLBs lists load balancers through gophercloud's pager.
func (e *env) listLBs(opts loadbalancers.ListOpts) []loadbalancers.LoadBalancer {
	e.t.Helper()
	pages, err := loadbalancers.List(e.client(viewerName, "/v2.0"), opts).AllPages(context.Background())
	if err != nil {
		e.t.Fatalf("loadbalancers.List(%+v): %v", opts, err)
	}
	out, err := loadbalancers.ExtractLoadBalancers(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestListLoadBalancers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	all, err := e.store.ListLoadBalancerPools(e.ctx, db.LBSelect{})
	if err != nil {
		t.Fatal(err)
	}
	got := e.listLBs(loadbalancers.ListOpts{})
	if len(got) != len(all) {
		t.Fatalf("listed %d load balancers; the store has %d", len(got), len(all))
	}
	for i, l := range got {
		want := all[i]
		status, up := "ONLINE", true
		if want.Status == lb.LBInactive {
			status, up = "OFFLINE", false
		}
		var pools []string
		for _, p := range l.Pools {
			pools = append(pools, p.ID)
		}
		// Every load balancer is ACTIVE, locked ones too: the clients' --wait polls for it.
		if l.ID != want.ID || l.Name != want.Name || l.ProjectID != want.ID || l.VipAddress != want.Address || l.VipNetworkID != want.VpcID ||
			l.AvailabilityZone != want.RegionID || l.Provider != "lbconsole" || l.ProvisioningStatus != "ACTIVE" ||
			l.OperatingStatus != status || l.AdminStateUp != up || !slices.Equal(pools, want.PoolIDs) || !l.CreatedAt.Equal(want.Created.Truncate(1e9)) {
			t.Errorf("load balancer %d = %+v; want %+v (%s)", i, l, want, want.Status)
		}
	}
	t.Run("ByName", func(t *testing.T) {
		got := e.listLBs(loadbalancers.ListOpts{Name: e.lb.Name})
		if len(got) != 1 || got[0].ID != e.lb.ID {
			t.Errorf("?name=%s = %v; want just %s", e.lb.Name, got, e.lb.ID)
		}
	})
	t.Run("ByIDAndStatus", func(t *testing.T) {
		if got := e.listLBs(loadbalancers.ListOpts{ID: e.lb.ID, OperatingStatus: "ONLINE"}); len(got) != 1 {
			t.Errorf("?id=&operating_status=ONLINE = %v; want %s", got, e.lb.ID)
		}
		if got := e.listLBs(loadbalancers.ListOpts{ID: e.lb.ID, OperatingStatus: "OFFLINE"}); len(got) != 0 {
			t.Errorf("?id=&operating_status=OFFLINE = %v; want none", got)
		}
	})
	t.Run("NoMatchIsAnEmptyList", func(t *testing.T) {
		// python-octaviaclient tries ?name= and then ?id=: a miss must be 200 and [], not 404.
		if got := e.listLBs(loadbalancers.ListOpts{Name: "no such load balancer"}); len(got) != 0 {
			t.Errorf("?name=<unknown> = %v; want none", got)
		}
	})
	t.Run("ErrUnknownFilter", func(t *testing.T) {
		resp, body := e.get("/v2.0/lbaas/loadbalancers?colour=red")
		errorOf(t, resp, body, http.StatusBadRequest, `unknown query parameter "colour"`)
	})
}

func TestGetLoadBalancer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	got, err := loadbalancers.Get(context.Background(), e.client(viewerName, "/v2"), e.lb.ID).Extract()
	if err != nil || got.ID != e.lb.ID || got.Name != e.lb.Name || len(got.Pools) == 0 {
		t.Fatalf("Get = %+v, %v; want %s with its pools", got, err, e.lb.ID)
	}
	_, err = loadbalancers.Get(context.Background(), e.client(viewerName, "/v2.0"), "lb-nosuch").Extract()
	wantError(t, err, http.StatusNotFound, "load balancer lb-nosuch does not exist")
	resp, body := e.get("/v2.0/lbaas/loadbalancers/" + e.lb.ID + "?fields=id,pools")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), `{"loadbalancer":{"id":"`+e.lb.ID+`","pools":[{"id":`) {
		t.Errorf("?fields=id,pools = %d %s; want only id and pools", resp.StatusCode, body)
	}
}

func TestListTagFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Nothing here has tags: an object never has all or any of the tags named, and always
	// lacks them.
	all := len(e.getList("/v2.0/lbaas/loadbalancers", "loadbalancers").items)
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"tags=a", 0}, {"tags-any=a,b", 0}, {"not-tags=a&not-tags=b", all}, {"not-tags-any=a", all}, {"tags=", all},
	} {
		if got := e.getList("/v2.0/lbaas/loadbalancers?"+tt.query, "loadbalancers"); len(got.items) != tt.want {
			t.Errorf("?%s listed %d load balancers; want %d", tt.query, len(got.items), tt.want)
		}
	}
	members := "/v2.0/lbaas/pools/" + e.pool.ID + "/members"
	if got := e.getList(members+"?tags=a&tags=b", "members"); len(got.items) != 0 {
		t.Errorf("members ?tags=a&tags=b = %v; want none", got.ids())
	}
	if got := e.getList(members+"?not-tags=a", "members"); len(got.items) != len(e.members(e.pool.ID)) {
		t.Errorf("members ?not-tags=a = %d; want all", len(got.items))
	}
}
