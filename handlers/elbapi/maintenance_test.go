package elbapi_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// admin_state_up false puts a member in maintenance: HAProxy takes it out of traffic (MAINT)
// and operating_status says OFFLINE; true brings it back, ONLINE, and it serves again.
func TestAdminStateDownIsMaintenanceInHAProxy(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{})
	r.Converged(t)
	a, b := r.Backends[0], r.Backends[1]
	member := r.Member(t, a)
	key := r.Console.APIKey(testenv.Operator)
	client := r.Console.PoolClient(key.Token)
	ctx := context.Background()

	down := false
	got, err := pools.UpdateMember(ctx, client, testenv.RigGroup, member.ID, pools.UpdateMemberOpts{AdminStateUp: &down}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if got.AdminStateUp || got.Weight != member.Weight {
		t.Errorf("answered %+v; want admin_state_up false, weight kept", got)
	}
	maintState(t, r, a, haproxy.StateMaint, "OFFLINE", client)
	tally := haproxytest.Count(ctx, r.URL(), 100, 4)
	if tally.Failed != 0 || tally.ByBackend[b.Name] != 100 {
		t.Errorf("with %s down, traffic went %v (%d failed); want every request to %s", a.Name, tally.ByBackend, tally.Failed, b.Name)
	}
	page, err := r.Console.Store.ListAudit(ctx, db.AuditFilter{Group: testenv.RigGroup, Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Items[0].Action != string(lb.ActionSetMaintenance) || page.Items[0].Source != db.SourcePoolAPI {
		t.Errorf("the last audit entry of the group: %+v, %v; want set_maintenance from the pool API", page.Items, err)
	}

	up := true
	if _, err := pools.UpdateMember(ctx, client, testenv.RigGroup, member.ID, pools.UpdateMemberOpts{AdminStateUp: &up}).Extract(); err != nil {
		t.Fatal(err)
	}
	maintState(t, r, a, haproxy.StateReady, "ONLINE", client)
	if tally := haproxytest.Count(ctx, r.URL(), 100, 4); tally.ByBackend[a.Name] == 0 {
		t.Errorf("back up, %s got no traffic: %v", a.Name, tally.ByBackend)
	}
}

// maintState waits until HAProxy has backend b's server in state and the REST API says status.
func maintState(t *testing.T, r *testenv.Rig, b *haproxytest.Backend, state haproxy.State, status string, c *gophercloud.ServiceClient) {
	t.Helper()
	m := r.Member(t, b)
	testenv.Eventually(t, fmt.Sprintf("%s %s and %s", b.Name, state, status), func() string {
		var have haproxy.Server
		for _, s := range r.Servers(t, 0) {
			if s.Address == b.IP && s.Port == b.Port {
				have = s
			}
		}
		if have.State() != state {
			return fmt.Sprintf("haproxy has it %q", have.State())
		}
		got, err := pools.GetMember(context.Background(), c, testenv.RigGroup, m.ID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if got.OperatingStatus != status || got.AdminStateUp != (state != haproxy.StateMaint) {
			return fmt.Sprintf("the REST API says %s, admin_state_up %v", got.OperatingStatus, got.AdminStateUp)
		}
		return ""
	})
}

// On a load balancer that is a record only, admin_state_up is stored and answered all the
// same: a member created, replaced or updated with it false is in maintenance, OFFLINE, and the
// list filters on it.
func TestAdminStateUpIsStoredOnARecordOnlyPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	addrs, _ := e.freeAddresses(1)
	down := false
	created, err := pools.CreateMember(ctx, e.operator(), e.pool.ID, pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 8080, AdminStateUp: &down}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if created.AdminStateUp || created.OperatingStatus != "OFFLINE" {
		t.Errorf("created %+v; want admin_state_up false, OFFLINE", created)
	}
	if stored := byAddress(e.members(e.pool.ID))[addrs[0]+":8080"]; !stored.Maintenance {
		t.Errorf("stored %+v; want in maintenance", stored)
	}
	pages, err := pools.ListMembers(e.operator(), e.pool.ID, pools.ListMembersOpts{AdminStateUp: &down}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := pools.ExtractMembers(pages); err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("members with admin_state_up false: %+v, %v; want the one created", list, err)
	}

	// A replace that leaves admin_state_up out keeps it; one that gives it true clears it.
	var opts []pools.BatchUpdateMemberOpts
	for _, m := range e.members(e.pool.ID) {
		opts = append(opts, pools.BatchUpdateMemberOpts{Address: m.Address, ProtocolPort: m.Port})
	}
	if err := pools.BatchUpdateMembers(ctx, e.operator(), e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if stored := byAddress(e.members(e.pool.ID))[addrs[0]+":8080"]; !stored.Maintenance {
		t.Errorf("after a replace without admin_state_up: %+v; want still in maintenance", stored)
	}
	up := true
	for i := range opts {
		if opts[i].Address == addrs[0] {
			opts[i].AdminStateUp = &up
		}
	}
	if err := pools.BatchUpdateMembers(ctx, e.operator(), e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	got, err := pools.GetMember(ctx, e.operator(), e.pool.ID, created.ID).Extract()
	if err != nil || !got.AdminStateUp || got.OperatingStatus != "NO_MONITOR" {
		t.Errorf("after a replace with admin_state_up true: %+v, %v; want up, NO_MONITOR (nothing observes a record-only pool)", got, err)
	}
}
