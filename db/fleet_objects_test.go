package db

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// The admin pages' methods change one object through the fleet rules, and audit it.
func TestPutFleetObjects(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	o := Origin{Actor: "admin", Source: SourceConsole}
	steps := []struct {
		name string
		put  func() (fleet.Plan, error)
	}{
		{"region", func() (fleet.Plan, error) {
			return d.PutRegion(ctx, o, fleet.Region{ID: "eu-west-1", Name: "Europe West"})
		}},
		{"vpc", func() (fleet.Plan, error) {
			return d.PutVPC(ctx, o, fleet.VPC{ID: "vpc-prod", Region: "eu-west-1", Name: "prod", CIDR: "10.20.0.0/16"})
		}},
		{"subnet", func() (fleet.Plan, error) {
			return d.PutSubnet(ctx, o, fleet.Subnet{ID: "vsw-a", VPC: "vpc-prod", Name: "a", CIDR: "10.20.1.0/24"})
		}},
		{"server", func() (fleet.Plan, error) {
			return d.PutServer(ctx, o, fleet.Server{ID: "i-web-1", Name: "web-1", Address: "10.20.1.11", Subnet: "vsw-a"})
		}},
		{"load balancer", func() (fleet.Plan, error) {
			return d.PutLoadBalancer(ctx, o, fleet.LoadBalancer{ID: "lb-web", Name: "web", Region: "eu-west-1", VPC: "vpc-prod",
				Address: "203.0.113.10", AddressType: fleet.AddressInternet})
		}},
		{"group", func() (fleet.Plan, error) {
			return d.PutGroup(ctx, o, "lb-web", fleet.Group{ID: "rsp-web", Name: "web", Kind: lb.KindVServer,
				Members: &[]fleet.Member{{Server: "i-web-1", Port: 80}}})
		}},
	}
	for _, step := range steps {
		if p, err := step.put(); err != nil || p.Empty() {
			t.Fatalf("put %s: %v, %s", step.name, err, p.Summary())
		}
	}
	if got := memberWeights(t, d, "rsp-web"); !reflect.DeepEqual(got, map[string]int{"i-web-1:80": 100}) {
		t.Errorf("members = %v", got)
	}
	entries := fleetAudit(t, d, AuditFilter{Actor: "admin", Source: SourceConsole})
	want := []string{"create_region", "create_vpc", "create_subnet", "create_server", "create_load_balancer", "create_group", "replace_all"}
	if got := actions(entries); !reflect.DeepEqual(got, want) {
		t.Errorf("audited %v, want %v", got, want)
	}

	t.Run("a put that changes nothing plans nothing", func(t *testing.T) {
		before := takeSnapshot(t, d)
		if p, err := d.PutRegion(ctx, o, fleet.Region{ID: "eu-west-1", Name: "Europe West"}); err != nil || !p.Empty() {
			t.Errorf("PutRegion again = %s, %v", p.Summary(), err)
		}
		before.unchanged(t, d)
	})

	t.Run("a put the rules refuse names the field and changes nothing", func(t *testing.T) {
		before := takeSnapshot(t, d)
		_, err := d.PutServer(ctx, o, fleet.Server{ID: "i-web-2", Name: "web-2", Address: "10.20.9.9", Subnet: "vsw-a"})
		wantProblem(t, err, "servers[i-web-2].address", "not in subnet vsw-a")
		_, err = d.PutGroup(ctx, o, "lb-nope", fleet.Group{ID: "rsp-x", Name: "x", Kind: lb.KindVServer})
		if lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("PutGroup on a missing load balancer = %v, want not found", err)
		}
		before.unchanged(t, d)
	})

	t.Run("a delete refuses while something refers to the object, naming it", func(t *testing.T) {
		before := takeSnapshot(t, d)
		_, err := d.DeleteFleetObject(ctx, o, fleet.KindSubnet, "vsw-a")
		wantProblem(t, err, "subnets[vsw-a]", "server i-web-1")
		_, err = d.DeleteFleetObject(ctx, o, fleet.KindServer, "i-web-1")
		wantProblem(t, err, "servers[i-web-1]", "group rsp-web")
		if _, err := d.DeleteFleetObject(ctx, o, fleet.KindVPC, "vpc-nope"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("deleting a missing vpc = %v, want not found", err)
		}
		before.unchanged(t, d)
	})

	t.Run("deleting the load balancer deletes its groups, then the inventory can go", func(t *testing.T) {
		p, err := d.DeleteFleetObject(ctx, o, fleet.KindLoadBalancer, "lb-web")
		if err != nil || len(p.LoadBalancers.Delete) != 1 || len(p.Groups.Delete) != 1 {
			t.Fatalf("delete lb-web = %s, %v", p.Summary(), err)
		}
		for _, step := range []struct {
			kind fleet.Kind
			id   string
		}{{fleet.KindServer, "i-web-1"}, {fleet.KindSubnet, "vsw-a"}, {fleet.KindVPC, "vpc-prod"}, {fleet.KindRegion, "eu-west-1"}} {
			if _, err := d.DeleteFleetObject(ctx, o, step.kind, step.id); err != nil {
				t.Fatalf("delete %s %s: %v", step.kind, step.id, err)
			}
		}
		if doc := exportFleetOf(t, d); !reflect.DeepEqual(doc, fleet.Document{}) {
			t.Errorf("after deleting everything: %+v", doc)
		}
		deleted := fleetAudit(t, d, AuditFilter{Action: "delete_group"})
		if len(deleted) != 1 || len(deleted[0].Diff().Removed) != 1 || deleted[0].Servers != "i-web-1:80" {
			t.Errorf("delete_group entry: %+v; want its member in before", deleted)
		}
		verifyChain(t, d)
	})
}

// The APIs rename and delete VServer groups through the fleet rules, in lb's error vocabulary,
// and their refusals are audited as a refused batch is.
func TestRenameAndDeleteGroup(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	o := Origin{Actor: "bob", Source: SourceSLBAPI, RequestID: "req-1"}

	t.Run("a rename keeps the HAProxy backend", func(t *testing.T) {
		if _, err := d.RenameGroup(ctx, o, "rsp-web-http", "web-https"); err != nil {
			t.Fatal(err)
		}
		g := groupOf(ptr(exportFleetOf(t, d)), "rsp-web-http")
		if g.Name != "web-https" || g.Backend != "web-http" {
			t.Errorf("after the rename: name %q, backend %q; want web-https, web-http", g.Name, g.Backend)
		}
		e := fleetAudit(t, d, AuditFilter{Action: ActionUpdateGroup, Source: SourceSLBAPI})
		if len(e) != 1 || e[0].Actor != "bob" || !strings.Contains(e[0].Message, `name "web-http" → "web-https"`) {
			t.Errorf("update_group entries: %+v", e)
		}
	})

	refusals := []struct {
		name  string
		call  func() error
		kind  lb.Kind
		field string
	}{
		{"RenameUnknownGroupNotFound", func() error { _, err := d.RenameGroup(ctx, o, "rsp-nope", "x"); return err }, lb.KindNotFound, lb.FieldGroup},
		{"RenameDefaultListNotFound", func() error { _, err := d.RenameGroup(ctx, o, "dfl-web", "x"); return err }, lb.KindNotFound, lb.FieldGroup},
		{"RenameWithLineBreakInvalid", func() error { _, err := d.RenameGroup(ctx, o, "rsp-web-http", "a\nb"); return err }, lb.KindInvalid, FieldGroupName},
		{"RenameToNothingInvalid", func() error { _, err := d.RenameGroup(ctx, o, "rsp-web-http", ""); return err }, lb.KindInvalid, FieldGroupName},
		{"DeleteUnknownGroupNotFound", func() error { _, err := d.DeleteGroup(ctx, o, "rsp-nope"); return err }, lb.KindNotFound, lb.FieldGroup},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			before := takeSnapshot(t, d)
			err := tc.call()
			if e, ok := lb.AsError(err); !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Fatalf("got %v (%T), want an *lb.Error %s about %s", err, err, tc.kind, tc.field)
			}
			after := takeSnapshot(t, d)
			if !reflect.DeepEqual(after.fleet, before.fleet) || after.audit != before.audit+1 {
				t.Errorf("fleet changed or audit entries %d → %d, want one refusal recorded", before.audit, after.audit)
			}
			last := fleetAudit(t, d, AuditFilter{})[after.audit-1]
			if last.Outcome != string(tc.kind) || last.Actor != "bob" || last.Source != SourceSLBAPI {
				t.Errorf("refusal entry: %+v", last)
			}
		})
	}

	t.Run("a group of a locked load balancer cannot be renamed or deleted", func(t *testing.T) {
		doc := exportFleetOf(t, d)
		lbOf(&doc, "lb-int").Status = lb.LBLocked
		applyFleet(t, d, doc, ApplyOptions{})
		for _, call := range []func() error{
			func() error { _, err := d.RenameGroup(ctx, o, "rsp-int-grpc", "x"); return err },
			func() error { _, err := d.DeleteGroup(ctx, o, "rsp-int-grpc"); return err },
		} {
			if err := call(); lb.ErrorKind(err) != lb.KindForbidden {
				t.Errorf("got %v, want forbidden", err)
			}
		}
	})

	t.Run("a delete takes the members with it and records them", func(t *testing.T) {
		before := members(t, d, "rsp-web-http")
		if _, err := d.DeleteGroup(ctx, o, "rsp-web-http"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.GetPool(ctx, "rsp-web-http"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetPool after the delete = %v, want not found", err)
		}
		if n := count(t, d, "SELECT count(*) FROM members WHERE group_id = 'rsp-web-http'"); n != 0 {
			t.Errorf("%d members left", n)
		}
		e := fleetAudit(t, d, AuditFilter{Action: ActionDeleteGroup, Outcome: OutcomeOK})
		if len(e) != 1 || !reflect.DeepEqual(sorted(memberIDs(e[0].Diff().Removed)), sorted(memberIDs(before))) || e[0].RequestID != "req-1" {
			t.Errorf("delete_group entry: %+v", e)
		}
		verifyChain(t, d)
	})
}

// A group made through an API gets the settings a file's group gets by default, and its name
// as backend: export then apply changes nothing.
func TestAPIGroupTakesTheFileDefaults(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	res, err := d.CreateVServerGroup(ctx, CreateGroupRequest{LoadBalancerID: "lb-web", Name: "api-made", Actor: "bob", Source: SourceSLBAPI})
	if err != nil {
		t.Fatal(err)
	}
	doc := exportFleetOf(t, d)
	if g := groupOf(&doc, res.Group.ID); g.Backend != "" || g.HealthCheck != nil || g.DrainTimeout != nil {
		t.Errorf("exported as %+v; want the defaults, written as nothing", g)
	}
	if n := count(t, d, "SELECT count(*) FROM groups WHERE id = ? AND backend = 'api-made'", res.Group.ID); n != 1 {
		t.Error("backend is not the group's name")
	}
	if p := applyFleet(t, d, doc, ApplyOptions{Prune: true}); !p.Empty() {
		t.Errorf("export applied: %s", planText(t, p))
	}
}
