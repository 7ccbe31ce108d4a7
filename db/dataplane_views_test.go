package db

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/lb"
)

// Maintenance set by a batch is stored, audited as its own action with before and after, read
// back, handed to the data plane as the server's Maintenance, and reverted like any setting.
func TestMaintenanceReachesTheDataPlane(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	m := members(t, d, "g-web")[0]
	on := true
	res := apply(t, d, BatchRequest{LoadBalancerID: "lb-hx", GroupRef: "g-web", Actor: "ops", Source: SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetMaintenance, New: []lb.Spec{{MemberID: m.ID, Maintenance: &on}}}})
	if got := members(t, d, "g-web")[0]; !got.Maintenance || got.Weight != m.Weight {
		t.Errorf("stored %+v; want in maintenance, weight kept", got)
	}
	e := getAudit(t, d, res.Seq)
	if e.Action != string(lb.ActionSetMaintenance) || strings.Contains(e.Before, "maintenance") || !strings.Contains(e.After, `"maintenance":true`) {
		t.Errorf("audit %s: before %s after %s; want set_maintenance, off before, on after", e.Action, e.Before, e.After)
	}
	if c := e.Diff().Changed; len(c) != 1 || c[0].Before.Maintenance || !c[0].After.Maintenance {
		t.Errorf("the entry's diff %+v; want maintenance off → on", c)
	}
	des, err := d.NodeDesired(ctx, nodeA)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range des.Backends[1].Servers {
		if s.Maintenance != (s.ID == m.ID) {
			t.Errorf("desired server %s maintenance %v; want it only on %s", s.ID, s.Maintenance, m.ID)
		}
	}
	if _, err := d.RevertAudit(ctx, RevertRequest{Seq: res.Seq, Actor: "ops", Source: SourceConsole}); err != nil {
		t.Fatal(err)
	}
	if got := members(t, d, "g-web")[0]; got.Maintenance {
		t.Errorf("after the revert %+v; want out of maintenance", got)
	}
}

// GroupDataPlane says how a group is driven, and whether its load balancer is a record only.
func TestGroupDataPlane(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	def, err := d.GroupDataPlane(ctx, "g-default")
	if err != nil {
		t.Fatal(err)
	}
	if def != (GroupDataPlane{Backend: "be_default", DefaultPort: 8080, DrainTimeout: 5 * time.Second, Nodes: 2}) || def.RecordOnly() {
		t.Errorf("default list %+v; want be_default on 8080, drained for 5s, on 2 nodes", def)
	}
	web, err := d.GroupDataPlane(ctx, "g-web")
	if err != nil || web.DefaultPort != 0 || web.DrainTimeout != 30*time.Second {
		t.Errorf("web %+v, %v; want no default port, the default drain timeout", web, err)
	}
	if _, err := d.GroupDataPlane(ctx, "g-none"); lb.ErrorKind(err) != lb.KindNotFound {
		t.Errorf("an unknown group: %v; want not found", err)
	}
	seeded, _ := seededDB(t, Options{})
	g := smallGroup(t, seeded)
	if dp, err := seeded.GroupDataPlane(ctx, g.Group.ID); err != nil || !dp.RecordOnly() {
		t.Errorf("a demo group %+v, %v; want a record only", dp, err)
	}
}

// operating_status is what the nodes observed while they could be read, and otherwise what the
// member's settings say.
func TestMemberOperatingStatus(t *testing.T) {
	t.Parallel()
	up := MemberHealth{Nodes: []NodeObservation{{Node: NodeStatus{Status: dataplane.StatusInSync}, Observed: dataplane.Observed{Health: dataplane.HealthUp}}}}
	stale := MemberHealth{Nodes: []NodeObservation{{Node: NodeStatus{Status: dataplane.StatusUnreachable}, Observed: dataplane.Observed{Health: dataplane.HealthUp}}}}
	tests := []struct {
		name string
		m    lb.Member
		h    MemberHealth
		want dataplane.OperatingStatus
	}{
		{"Observed", lb.Member{Weight: 0}, up, dataplane.OperatingOnline},
		{"UnobservedServing", lb.Member{Weight: 5}, MemberHealth{}, dataplane.OperatingNoMonitor},
		{"UnobservedDrained", lb.Member{Weight: 0}, MemberHealth{}, dataplane.OperatingDraining},
		{"UnobservedMaintenance", lb.Member{Weight: 5, Maintenance: true}, MemberHealth{}, dataplane.OperatingOffline},
		{"StaleIsNotObserved", lb.Member{Weight: 5}, stale, dataplane.OperatingNoMonitor},
	}
	for _, tt := range tests {
		if got := MemberOperatingStatus(tt.m, tt.h); got != tt.want {
			t.Errorf("%s: %s; want %s", tt.name, got, tt.want)
		}
	}
}

// A leaving server is read back with the address and port its node has it at.
func TestLeavingServersKeepTheirAddress(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	rep := webReport(t, d, nodeA, dataplane.StatusConverging, t0)
	rep.Leaving = []dataplane.LeavingServer{{Backend: "web", Server: "lbc-gone-01234567", MemberID: "gone", Address: "127.0.0.9", Port: 8089,
		State: haproxy.StateDrain, Sessions: 3, Seen: t0.Add(-time.Second), Draining: t0, Deadline: t0.Add(12 * time.Second)}}
	recordPass(t, d, nodeA, rep)
	leaving, err := d.GroupLeaving(context.Background(), "g-web")
	if err != nil || len(leaving) != 1 {
		t.Fatalf("GroupLeaving = %+v, %v; want the one server", leaving, err)
	}
	if l := leaving[0].Leaving; l.Address != "127.0.0.9" || l.Port != 8089 || l.Describe(t0) != "draining: 3 sessions, 12 s left" {
		t.Errorf("leaving %+v (%s); want 127.0.0.9:8089 draining with 3 sessions, 12 s left", l, l.Describe(t0))
	}
}

// One load balancer exports as the whole fleet's export has it, with the subnets of its VPC.
func TestExportLoadBalancerIsItsPartOfTheExport(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	all, err := d.ExportFleet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, subnets, err := d.ExportLoadBalancer(ctx, "lb-hx")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l, all.LoadBalancers[0]) {
		t.Errorf("ExportLoadBalancer = %+v; want %+v", l, all.LoadBalancers[0])
	}
	if !reflect.DeepEqual(subnets, all.Subnets) {
		t.Errorf("subnets %+v; want %+v", subnets, all.Subnets)
	}
	if _, _, err := d.ExportLoadBalancer(ctx, "lb-none"); lb.ErrorKind(err) != lb.KindNotFound {
		t.Errorf("an unknown load balancer: %v; want not found", err)
	}
}
