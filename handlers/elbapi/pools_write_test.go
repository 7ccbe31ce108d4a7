package elbapi_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/db"
	"lbconsole/lb"
)

// POST …/pools makes an empty VServer group of the load balancer the body names, answered 201
// with the pool as Octavia shows one; members then go in through the members endpoints.
func TestCreatePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, prefix := range []string{"/v2.0", "/v2"} {
		c := e.client(operatorName, prefix)
		created, err := pools.Create(ctx, c, pools.CreateOpts{LoadbalancerID: e.lb.ID, Name: "api-" + strings.Trim(prefix, "/."),
			Protocol: pools.ProtocolHTTP, LBMethod: pools.LBMethodRoundRobin}).Extract()
		if err != nil {
			t.Fatalf("%s: create: %v", prefix, err)
		}
		if e.last.get() != http.StatusCreated {
			t.Errorf("%s: status %d, want 201", prefix, e.last.get())
		}
		if !strings.HasPrefix(created.ID, "rsp-") || created.Name != "api-"+strings.Trim(prefix, "/.") || created.Protocol != "" ||
			created.LBMethod != "ROUND_ROBIN" || !created.AdminStateUp || len(created.Loadbalancers) != 1 ||
			created.Loadbalancers[0].ID != e.lb.ID || created.ProjectID != e.lb.ID || len(created.Members) != 0 || created.ProvisioningStatus != "ACTIVE" {
			t.Errorf("%s: created %+v", prefix, created)
		}
		// The answer is the pool as GET shows it from then on: groups keep no protocol.
		if got, err := pools.Get(ctx, c, created.ID).Extract(); err != nil || !reflect.DeepEqual(got, created) {
			t.Errorf("%s: GET shows %+v, %v; the create answered %+v", prefix, got, err, created)
		}
		g, err := e.store.GetPool(e.ctx, created.ID)
		if err != nil || g.LoadBalancerID != e.lb.ID || g.Name != created.Name || g.Kind != lb.KindVServer {
			t.Fatalf("%s: the store has %+v, %v", prefix, g, err)
		}
		if a := e.lastAudit(); a.Action != db.ActionCreateGroup || a.Source != db.SourcePoolAPI || a.Actor != operatorName || a.Group != created.ID {
			t.Errorf("%s: audit entry %+v", prefix, a)
		}
		// The new pool takes members like any other.
		addrs, subnet := e.freeAddresses(1)
		m, err := pools.CreateMember(ctx, c, created.ID, pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 80, SubnetID: subnet}).Extract()
		if err != nil || m.PoolID != created.ID {
			t.Errorf("%s: a member of the new pool: %+v, %v", prefix, m, err)
		}
	}
}

// A pool create is refused, naming the field, for what lbconsole cannot honour, and for a
// viewer's key; nothing is created.
func TestCreatePoolRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	c := e.operator()
	ok := func(mut func(o *pools.CreateOpts)) pools.CreateOpts {
		o := pools.CreateOpts{LoadbalancerID: e.lb.ID, Name: "x", Protocol: pools.ProtocolTCP, LBMethod: pools.LBMethodRoundRobin}
		mut(&o)
		return o
	}
	up := false
	tests := []struct {
		name   string
		opts   pools.CreateOpts
		status int
		want   string
	}{
		{"UnknownLoadBalancer", ok(func(o *pools.CreateOpts) { o.LoadbalancerID = "lb-nope" }), 404, "load balancer lb-nope does not exist"},
		{"ListenerInstead", ok(func(o *pools.CreateOpts) { o.LoadbalancerID, o.ListenerID = "", "l-1" }), 400, "pool.listener_id"},
		{"UDP", ok(func(o *pools.CreateOpts) { o.Protocol = pools.ProtocolUDP }), 400, `pool.protocol "UDP" is not supported`},
		{"LeastConnections", ok(func(o *pools.CreateOpts) { o.LBMethod = pools.LBMethodLeastConnections }), 400, "pool.lb_algorithm"},
		{"Description", ok(func(o *pools.CreateOpts) { o.Description = "d" }), 400, "pool.description"},
		{"AdminDown", ok(func(o *pools.CreateOpts) { o.AdminStateUp = &up }), 400, "pool.admin_state_up"},
		{"OtherProject", ok(func(o *pools.CreateOpts) { o.ProjectID = "p-1" }), 400, "pool.project_id"},
		{"Persistence", ok(func(o *pools.CreateOpts) { o.Persistence = &pools.SessionPersistence{Type: "SOURCE_IP"} }), 400, "pool.session_persistence"},
		{"TLS", ok(func(o *pools.CreateOpts) { o.TLSEnabled = true }), 400, "TLS"},
		{"Tags", ok(func(o *pools.CreateOpts) { o.Tags = []string{"a"} }), 400, "pool.tags"},
		{"LongName", ok(func(o *pools.CreateOpts) { o.Name = strings.Repeat("n", 81) }), 400, "80"},
		{"LockedLoadBalancer", ok(func(o *pools.CreateOpts) { o.LoadbalancerID = e.locked.LoadBalancerID }), 403, "locked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.groupCount()
			_, err := pools.Create(ctx, c, tc.opts).Extract()
			wantError(t, err, tc.status, tc.want)
			if e.groupCount() != before {
				t.Error("a refused create made a group")
			}
		})
	}
	t.Run("UnknownField", func(t *testing.T) {
		_, err := c.Post(ctx, c.ServiceURL("lbaas", "pools"), map[string]any{"pool": map[string]any{
			"loadbalancer_id": e.lb.ID, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "wieght": 1}}, nil, nil)
		wantError(t, err, 400, `unknown field "wieght"`)
	})
	t.Run("Viewer", func(t *testing.T) {
		_, err := pools.Create(ctx, e.client(viewerName, "/v2.0"), ok(func(*pools.CreateOpts) {})).Extract()
		wantError(t, err, 403, "viewer")
	})
}

// DELETE …/pools/{id} deletes the pool with its members (204), audited with them; a default
// list, an unknown pool, a locked load balancer's pool and a viewer's key are refused.
func TestDeletePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	c := e.operator()
	members := e.members(e.pool.ID)

	t.Run("Viewer", func(t *testing.T) {
		wantError(t, pools.Delete(ctx, e.client(viewerName, "/v2.0"), e.pool.ID).ExtractErr(), 403, "viewer")
		e.unchanged(e.pool.ID, members)
	})
	t.Run("Locked", func(t *testing.T) {
		before := e.members(e.locked.ID)
		wantError(t, pools.Delete(ctx, c, e.locked.ID).ExtractErr(), 403, "locked")
		e.unchanged(e.locked.ID, before)
	})
	t.Run("DefaultList", func(t *testing.T) {
		wantError(t, pools.Delete(ctx, c, e.dflt.ID).ExtractErr(), 404, "does not exist")
	})
	t.Run("WithItsMembers", func(t *testing.T) {
		if err := pools.Delete(ctx, c, e.pool.ID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if e.last.get() != http.StatusNoContent {
			t.Errorf("status %d, want 204", e.last.get())
		}
		if _, err := e.store.GetPool(e.ctx, e.pool.ID); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetPool after the delete = %v", err)
		}
		a := e.lastAudit()
		if a.Action != db.ActionDeleteGroup || a.Source != db.SourcePoolAPI || a.Group != e.pool.ID || len(a.Diff().Removed) != len(members) {
			t.Errorf("audit entry %+v: want delete_group of %s with its %d members", a, e.pool.ID, len(members))
		}
	})
	t.Run("AgainNotFound", func(t *testing.T) {
		_, err := c.Delete(ctx, c.ServiceURL("lbaas", "pools", e.pool.ID), &gophercloud.RequestOpts{OkCodes: []int{204}})
		wantError(t, err, 404, "does not exist")
	})
}

// groupCount counts every group of the database.
func (e *env) groupCount() int {
	e.t.Helper()
	doc, err := e.store.ExportFleet(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, l := range doc.LoadBalancers {
		n += len(l.Groups)
	}
	return n
}
