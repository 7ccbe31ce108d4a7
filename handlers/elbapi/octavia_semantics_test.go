package elbapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// TestUpdateMemberNullsResetDefaults: `openstack loadbalancer member unset --weight --name`
// sends nulls, which in Octavia reset the weight to 1 and clear the name. They used to answer
// 200 and change nothing.
func TestUpdateMemberNullsResetDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.members(e.pool.ID)[2]
	c := e.operator()
	one := c.ServiceURL("lbaas", "pools", e.pool.ID, "members", m.ID)
	set := func(body string) pools.Member {
		t.Helper()
		var out struct{ Member pools.Member }
		_, err := c.Put(context.Background(), one, json.RawMessage(body), &out, &gophercloud.RequestOpts{OkCodes: []int{200}})
		if err != nil {
			t.Fatalf("PUT %s: %v", body, err)
		}
		return out.Member
	}
	set(`{"member":{"weight":7,"name":"named"}}`)
	if got := set(`{"member":{"weight":null}}`); got.Weight != 1 || got.Name != "named" {
		t.Errorf("weight null answered weight %d, name %q; want 1, named", got.Weight, got.Name)
	}
	if got := set(`{"member":{"name":null,"backup":null,"monitor_address":null,"monitor_port":null,"admin_state_up":null,"tags":null}}`); got.Weight != 1 || got.Name != "" {
		t.Errorf("name null answered weight %d, name %q; want 1, none", got.Weight, got.Name)
	}
	stored, err := e.store.GetMember(e.ctx, e.pool.ID, m.ID)
	if err != nil || stored.Weight != 1 || stored.Description != "" {
		t.Errorf("stored = %+v, %v; want weight 1 and no name", stored, err)
	}
	if a := e.lastAudit(); !strings.Contains(a.Request, `"name":""`) {
		t.Errorf("the audit records %s; want the name cleared as it ran", a.Request)
	}
}

// TestGetMemberQuery: openstacksdk's find_member sends ?pool_id= with the pool; it used to be
// refused as unknown, so that find_member by id found nothing.
func TestGetMemberQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.members(e.pool.ID)[0]
	one := "/v2.0/lbaas/pools/" + e.pool.ID + "/members/" + m.ID
	if resp, body := e.get(one + "?pool_id=" + e.pool.ID); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), m.ID) {
		t.Errorf("?pool_id=<its pool> = %d %s; want the member", resp.StatusCode, body)
	}
	resp, body := e.get(one + "?pool_id=" + e.other.ID)
	errorOf(t, resp, body, http.StatusBadRequest, fmt.Sprintf("pool_id %q is not the pool the URL names (%s)", e.other.ID, e.pool.ID))
	resp, body = e.get(one + "?fields=weight,id")
	if want := fmt.Sprintf(`{"member":{"weight":%d,"id":%q}}`, m.Weight, m.ID); resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != want {
		t.Errorf("?fields=weight,id = %d %s; want %s", resp.StatusCode, body, want)
	}
}

// TestBatchTakesMembersReadWithGET: the members a GET lists can be sent back in a batch as they
// came (ids, pool_id, statuses and times included) to replace the pool with them, or to delete
// them.
func TestBatchTakesMembersReadWithGET(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	_, body := e.get("/v2.0/lbaas/pools/" + e.pool.ID + "/members")
	var read struct{ Members []map[string]any }
	if err := json.Unmarshal(body, &read); err != nil || len(read.Members) != len(before) {
		t.Fatalf("GET members: %v, %d members", err, len(read.Members))
	}
	keep := read.Members[:len(read.Members)-1]
	for _, m := range keep {
		m["weight"] = 42
	}
	replace, _ := json.Marshal(map[string]any{"members": keep})
	if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), string(replace), nil); err != nil {
		t.Fatalf("replace with the members read: %v", err)
	}
	after := e.members(e.pool.ID)
	if len(after) != len(keep) {
		t.Fatalf("%d members after replacing with %d", len(after), len(keep))
	}
	for _, m := range after {
		if m.Weight != 42 || m.ID != byAddress(before)[fmt.Sprintf("%s:%d", m.Address, m.Port)].ID {
			t.Errorf("member %s at %s:%d weight %d; want its id kept and weight 42", m.ID, m.Address, m.Port, m.Weight)
		}
	}
	if a := e.lastAudit(); strings.Contains(a.Request, "pool_id") || strings.Contains(a.Request, "operating_status") {
		t.Errorf("the audit records the fields read back: %s", a.Request)
	}
	del, _ := json.Marshal(map[string]any{"action": "delete", "members": keep[:2]})
	if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), string(del), nil); err != nil {
		t.Fatalf("delete with the members read: %v", err)
	}
	if n := len(e.members(e.pool.ID)); n != len(keep)-2 {
		t.Errorf("%d members after deleting 2 of %d", n, len(keep))
	}
	other, _ := json.Marshal(map[string]any{"action": "delete", "members": keep[2:3]})
	_, err := put(e.operator(), membersURL(e.operator(), e.other.ID), string(other), nil)
	wantError(t, err, http.StatusBadRequest, fmt.Sprintf("pool_id %q is not the pool the URL names", e.pool.ID))
}

// TestOpenStackRequestID: every answer of the REST API carries its request id as
// x-openstack-request-id too, the only header OpenStack's clients read it from ("Request-ID:
// None" in every CLI error before).
func TestOpenStackRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct {
		path, token, accept string
		status              int
	}{
		{"/v2.0/lbaas/loadbalancers", tokens[viewerName], "", 200},
		{"/v2/lbaas/pools/rsp-nosuch", tokens[viewerName], "", 404},
		{"/v2.0/lbaas/pools?colour=red", tokens[viewerName], "", 400},
		{"/v2.0/lbaas/pools", "", "", 401},
		{"/v2.0/lbaas/pools", "not-a-token", "", 401},
		{"/v2.0", "", "application/json", 200},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+tt.path, nil)
		if tt.token != "" {
			req.Header.Set("X-Auth-Token", tt.token)
		}
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Openstack-Request-Id")
		if resp.StatusCode != tt.status || id == "" || id != resp.Header.Get("X-Request-Id") {
			t.Errorf("GET %s = %d with x-openstack-request-id %q, X-Request-Id %q; want %d and the same id in both",
				tt.path, resp.StatusCode, id, resp.Header.Get("X-Request-Id"), tt.status)
		}
	}
}

// TestListMembersSortAndPreviousLink: members sort by several keys with sort=, and a page
// after the first links back to the one before it.
func TestListMembersSortAndPreviousLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base := "/v2.0/lbaas/pools/" + e.pool.ID + "/members?sort=weight:desc,address:asc&fields=id,weight,address"
	all := e.getList(base, "members")
	for i := 1; i < len(all.items); i++ {
		a, b := all.items[i-1], all.items[i]
		if a["weight"].(float64) < b["weight"].(float64) || a["weight"] == b["weight"] && a["address"].(string) > b["address"].(string) {
			t.Fatalf("members %v then %v: not by weight down, then address", a, b)
		}
	}
	first := e.getList(base+"&limit=3", "members")
	second := e.getList(e.follow(first.links["next"]), "members")
	if _, ok := first.links["previous"]; ok {
		t.Errorf("the first page links to a previous one: %v", first.links)
	}
	back := e.getList(e.follow(second.links["previous"]), "members")
	if strings.Join(back.ids(), ",") != strings.Join(first.ids(), ",") || strings.Join(second.ids(), ",") != strings.Join(all.ids()[3:6], ",") {
		t.Errorf("pages %v, %v, and back %v; want %v", first.ids(), second.ids(), back.ids(), all.ids()[:6])
	}
}
