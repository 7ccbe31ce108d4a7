package elbapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/db"
	"lbconsole/lb"
)

func TestCreateMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	addrs, subnet := e.freeAddresses(1)
	up := true
	r := pools.CreateMember(context.Background(), e.operator(), e.pool.ID, pools.CreateMemberOpts{
		Address: addrs[0], ProtocolPort: 8080, Name: "created", AdminStateUp: &up, ProjectID: e.lb.ID})
	got, err := r.Extract()
	if err != nil {
		t.Fatalf("CreateMember: %v", err)
	}
	if e.last.get() != http.StatusCreated {
		t.Errorf("status = %d; want 201", e.last.get())
	}
	after := e.members(e.pool.ID)
	if len(after) != len(before)+1 {
		t.Fatalf("%d members; want %d", len(after), len(before)+1)
	}
	stored := byAddress(after)[addrs[0]+":8080"]
	if stored.ID != got.ID || stored.Weight != 1 || stored.SubnetID != subnet || stored.Description != "created" {
		t.Errorf("stored = %+v; answered %+v", stored, got)
	}
	checkMember(t, *got, stored, e.pool)
	if a := e.lastAudit(); a.Action != string(lb.ActionAdd) || a.Source != db.SourcePoolAPI || a.Actor != operatorName || a.Count != 1 {
		t.Errorf("audit = %+v", a)
	}
}

func TestCreateMemberRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	existing := e.members(e.pool.ID)[0]
	addrs, _ := e.freeAddresses(1)
	weight := 101
	tests := []struct {
		name    string
		opts    pools.CreateMemberOpts
		status  int
		message string
	}{
		{"ErrAlreadyInPool", pools.CreateMemberOpts{Address: existing.Address, ProtocolPort: existing.Port}, 409, "already in group"},
		{"ErrWeight", pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 80, Weight: &weight}, 400, "weight 101"},
		{"ErrIPv6", pools.CreateMemberOpts{Address: "2001:db8::1", ProtocolPort: 80}, 400, "not an IPv4 address"},
		{"ErrOtherProject", pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 80, ProjectID: "p-1"}, 400, "project_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.members(e.pool.ID)
			_, err := pools.CreateMember(context.Background(), e.operator(), e.pool.ID, tt.opts).Extract()
			wantError(t, err, tt.status, tt.message)
			e.unchanged(e.pool.ID, before)
		})
	}
}

func TestUpdateMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.members(e.pool.ID)[0]
	zero, name := 0, "draining now"
	r := pools.UpdateMember(context.Background(), e.operator(), e.pool.ID, m.ID, pools.UpdateMemberOpts{Weight: &zero, Name: &name})
	got, err := r.Extract()
	if err != nil {
		t.Fatalf("UpdateMember: %v", err)
	}
	if e.last.get() != http.StatusOK {
		t.Errorf("status = %d; want 200", e.last.get())
	}
	stored := byAddress(e.members(e.pool.ID))[m.Address+":"+itoa(m.Port)]
	if stored.ID != m.ID || stored.Weight != 0 || stored.Description != name {
		t.Errorf("stored = %+v; want weight 0, name %q", stored, name)
	}
	checkMember(t, *got, stored, e.pool)
	if got.OperatingStatus != "DRAINING" {
		t.Errorf("operating_status = %s; want DRAINING at weight 0", got.OperatingStatus)
	}
	if a := e.lastAudit(); a.Action != string(lb.ActionSetWeights) || a.Outcome != db.OutcomeOK {
		t.Errorf("audit = %s %s; want set_weights ok", a.Action, a.Outcome)
	}

	// Only Octavia's settings, at the values honoured here: nothing to change, no batch.
	entries := e.auditCount()
	noMonitor := ""
	if _, err := pools.UpdateMember(context.Background(), e.operator(), e.pool.ID, m.ID, pools.UpdateMemberOpts{MonitorAddress: &noMonitor}).Extract(); err != nil {
		t.Errorf("a no-op update: %v", err)
	}
	if n := e.auditCount(); n != entries {
		t.Errorf("a no-op update wrote %d audit entries", n-entries)
	}
}

func TestUpdateMemberRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.members(e.pool.ID)[0]
	before := e.members(e.pool.ID)
	heavy, monitorPort := 101, 8080
	_, err := pools.UpdateMember(context.Background(), e.operator(), e.pool.ID, m.ID, pools.UpdateMemberOpts{Weight: &heavy}).Extract()
	wantError(t, err, http.StatusBadRequest, "weight 101")
	_, err = pools.UpdateMember(context.Background(), e.operator(), e.pool.ID, m.ID, pools.UpdateMemberOpts{MonitorPort: &monitorPort}).Extract()
	wantError(t, err, http.StatusBadRequest, "monitor_port")
	one := 1
	_, err = pools.UpdateMember(context.Background(), e.operator(), e.pool.ID, "no-such-member", pools.UpdateMemberOpts{Weight: &one}).Extract()
	wantError(t, err, http.StatusNotFound, "no-such-member")
	e.unchanged(e.pool.ID, before)
}

func TestDeleteMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	m := before[0]
	r := pools.DeleteMember(context.Background(), e.operator(), e.pool.ID, m.ID)
	if err := r.ExtractErr(); err != nil {
		t.Fatalf("DeleteMember: %v", err)
	}
	if e.last.get() != http.StatusNoContent {
		t.Errorf("status = %d; want 204", e.last.get())
	}
	after := e.members(e.pool.ID)
	if len(after) != len(before)-1 || byAddress(after)[m.Address+":"+itoa(m.Port)].ID != "" {
		t.Errorf("member %s is still there", m.ID)
	}
	a := e.lastAudit()
	if a.Action != string(lb.ActionRemove) || a.Request != "DELETE /v2.0/lbaas/pools/"+e.pool.ID+"/members/"+m.ID {
		t.Errorf("audit = %s %q", a.Action, a.Request)
	}

	err := pools.DeleteMember(context.Background(), e.operator(), e.pool.ID, m.ID).ExtractErr()
	wantError(t, err, http.StatusNotFound, m.ID)
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Error("gophercloud does not see the 404")
	}
	e.unchanged(e.pool.ID, after)
}
