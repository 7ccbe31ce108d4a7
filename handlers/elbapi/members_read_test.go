package elbapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"lbconsole/db"
	"lbconsole/lb"
)

// listAll lists a pool's members through gophercloud's pager.
func listAll(t *testing.T, c *gophercloud.ServiceClient, poolID string, opts pools.ListMembersOptsBuilder) []pools.Member {
	t.Helper()
	pages, err := pools.ListMembers(c, poolID, opts).AllPages(context.Background())
	if err != nil {
		t.Fatalf("ListMembers: %v", err)
	}
	ms, err := pools.ExtractMembers(pages)
	if err != nil {
		t.Fatalf("ExtractMembers: %v", err)
	}
	return ms
}

// checkMember fails unless got is m of pool as the API should show it.
func checkMember(t *testing.T, got pools.Member, m lb.Member, pool lb.Group) {
	t.Helper()
	status := "NO_MONITOR"
	if m.Weight == 0 {
		status = "DRAINING"
	}
	want := pools.Member{ID: m.ID, Name: m.Description, Address: m.Address, ProtocolPort: m.Port, SubnetID: m.SubnetID,
		PoolID: pool.ID, ProjectID: pool.LoadBalancerID, Weight: m.Weight, AdminStateUp: true, ProvisioningStatus: "ACTIVE",
		OperatingStatus: status, CreatedAt: m.Created.Truncate(time.Second), UpdatedAt: m.Updated.Truncate(time.Second), Tags: []string{}}
	if got.Tags == nil || len(got.Tags) != 0 || got.Backup || got.MonitorAddress != "" || got.MonitorPort != 0 {
		t.Errorf("member %s: tags %v, backup %v, monitor %q:%d; want [], false, none", m.ID, got.Tags, got.Backup, got.MonitorAddress, got.MonitorPort)
	}
	got.Tags = want.Tags
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("member %s times = %v, %v; want %v, %v", m.ID, got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt = want.CreatedAt, want.UpdatedAt
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("member = %s;\nwant     %s", gotJSON, wantJSON)
	}
}

func TestListMembers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := e.members(e.pool.ID)
	for _, user := range []string{viewerName, operatorName, adminName} {
		got := listAll(t, e.client(user, "/v2.0"), e.pool.ID, nil)
		if len(got) != len(want) {
			t.Fatalf("%s listed %d members; want %d", user, len(got), len(want))
		}
		for i := range want {
			checkMember(t, got[i], want[i], e.pool)
		}
	}
}

func TestListMembersWireFormat(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, membersURL(e.operator(), e.pool.ID), nil)
	req.Header.Set("X-Auth-Token", tokens[viewerName])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer = %d %q; want 200 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var raw struct {
		Members []map[string]any `json:"members"`
		Links   []any            `json:"members_links"`
	}
	if err := json.Unmarshal(body, &raw); err != nil || len(raw.Members) == 0 || raw.Links == nil {
		t.Fatalf("body %s: %v", body, err)
	}
	m := raw.Members[0]
	noZ := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)
	for _, k := range []string{"created_at", "updated_at"} {
		if s, _ := m[k].(string); !noZ.MatchString(s) {
			t.Errorf("%s = %v; want 2006-01-02T15:04:05 (no zone, no Z)", k, m[k])
		}
	}
	for _, k := range []string{"monitor_address", "monitor_port"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v); want null", k, v, ok)
		}
	}
	if tags, ok := m["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tags = %v; want []", m["tags"])
	}
}

func TestListMembersPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := e.members(e.pool.ID)
	pages := 0
	var got []string
	err := pools.ListMembers(e.operator(), e.pool.ID, pools.ListMembersOpts{Limit: 3}).EachPage(context.Background(),
		func(_ context.Context, p pagination.Page) (bool, error) {
			ms, err := pools.ExtractMembers(p)
			if len(ms) > 3 {
				t.Errorf("page of %d members; want at most 3", len(ms))
			}
			for _, m := range ms {
				got = append(got, m.ID)
			}
			pages++
			return true, err
		})
	if err != nil {
		t.Fatalf("EachPage: %v", err)
	}
	var ids []string
	for _, m := range want {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(got, ids) {
		t.Errorf("paged ids = %v;\nwant %v", got, ids)
	}
	if min := (len(want) + 2) / 3; pages < min {
		t.Errorf("%d pages; want at least %d", pages, min)
	}
	all := listAll(t, e.operator(), e.pool.ID, pools.ListMembersOpts{Limit: 4, SortKey: "weight", SortDir: "desc"})
	if len(all) != len(want) || !slices.IsSortedFunc(all, func(a, b pools.Member) int { return b.Weight - a.Weight }) {
		t.Errorf("sorted paging gave %d members, sorted %v", len(all), all)
	}
}

func TestListMembersFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := e.members(e.pool.ID)
	m := want[0]
	got := listAll(t, e.operator(), e.pool.ID, pools.ListMembersOpts{Address: m.Address, ProtocolPort: m.Port})
	if len(got) != 1 || got[0].ID != m.ID {
		t.Errorf("filter by address and port = %v; want just %s", got, m.ID)
	}
	if got := listAll(t, e.operator(), e.pool.ID, pools.ListMembersOpts{ID: "nope"}); len(got) != 0 {
		t.Errorf("filter by an unknown id = %v; want none", got)
	}
	_, err := pools.ListMembers(e.operator(), e.pool.ID, pools.ListMembersOpts{SortKey: "colour"}).AllPages(context.Background())
	wantError(t, err, http.StatusBadRequest, `sort_key "colour"`)
	_, err = e.operator().Get(context.Background(), membersURL(e.operator(), e.pool.ID)+"?colour=red", nil, nil)
	wantError(t, err, http.StatusBadRequest, `unknown query parameter "colour"`)
	_, err = e.operator().Get(context.Background(), membersURL(e.operator(), e.pool.ID)+"?marker=gone", nil, nil)
	wantError(t, err, http.StatusBadRequest, `marker "gone"`)
}

// TestListMembersBigPool lists the demo's 260-member pool through the pager.
func TestListMembersBigPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var big db.GroupSummary
	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range page.Items {
		groups, err := e.store.ListGroups(e.ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if g.Kind == lb.KindVServer && g.Members > big.Members {
				big = g
			}
		}
	}
	if big.Members <= lb.MaxRESTEntries {
		t.Fatalf("the biggest pool has %d members; want the demo's big one", big.Members)
	}
	got := listAll(t, e.operator(), big.ID, pools.ListMembersOpts{Limit: 100})
	if len(got) != big.Members {
		t.Errorf("listed %d members of %s; want %d", len(got), big.ID, big.Members)
	}
}

func TestGetMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.members(e.pool.ID)[2]
	got, err := pools.GetMember(context.Background(), e.client(viewerName, "/v2.0"), e.pool.ID, m.ID).Extract()
	if err != nil {
		t.Fatalf("GetMember: %v", err)
	}
	checkMember(t, *got, m, e.pool)

	other := e.members(e.other.ID)[0]
	_, err = pools.GetMember(context.Background(), e.operator(), e.pool.ID, other.ID).Extract()
	wantError(t, err, http.StatusNotFound, "member "+other.ID+" is not in pool "+e.pool.ID)
}
