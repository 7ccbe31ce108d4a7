package db

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// adminOrigin is the admin whose page forms the tests send.
var adminOrigin = Origin{Actor: "admin", Source: SourceConsole, RequestID: "req-admin"}

// A create never overwrites, an edit never makes again what was deleted; both say which id.
func TestCreateAndUpdateFleetObjects(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "example.yaml"), ApplyOptions{})

	t.Run("CreateNew", func(t *testing.T) {
		p, err := d.CreateFleetObject(ctx, adminOrigin, fleet.Document{Regions: []fleet.Region{{ID: "eu-south-1", Name: "South"}}})
		if err != nil || len(p.Regions.Create) != 1 {
			t.Fatalf("create eu-south-1 = %s, %v", p.Summary(), err)
		}
	})
	t.Run("CreateTakenRefused", func(t *testing.T) {
		before := takeSnapshot(t, d)
		_, err := d.CreateFleetObject(ctx, adminOrigin, fleet.Document{Regions: []fleet.Region{{ID: "eu-west-1", Name: "Renamed"}}})
		wantProblem(t, err, "regions[eu-west-1].id", "region eu-west-1 exists already")
		before.unchanged(t, d)
	})
	t.Run("UpdateExisting", func(t *testing.T) {
		p, err := d.UpdateFleetObject(ctx, adminOrigin, fleet.Document{VPCs: []fleet.VPC{{ID: "vpc-prod", Region: "eu-west-1", Name: "production", CIDR: "10.20.0.0/16"}}})
		if err != nil || len(p.VPCs.Update) != 1 || p.VPCs.Update[0].Fields[0].Field != "name" {
			t.Fatalf("update vpc-prod = %s, %v", p.Summary(), err)
		}
	})
	t.Run("UpdateGoneRefused", func(t *testing.T) {
		before := takeSnapshot(t, d)
		_, err := d.UpdateFleetObject(ctx, adminOrigin, fleet.Document{Subnets: []fleet.Subnet{{ID: "vsw-gone", VPC: "vpc-prod", Name: "x", CIDR: "10.20.9.0/24"}}})
		wantProblem(t, err, "subnets[vsw-gone].id", "subnet vsw-gone does not exist")
		before.unchanged(t, d)
	})
	t.Run("UpdateBreakingARuleRefused", func(t *testing.T) {
		before := takeSnapshot(t, d)
		_, err := d.UpdateFleetObject(ctx, adminOrigin, fleet.Document{Subnets: []fleet.Subnet{{ID: "vsw-a", VPC: "vpc-prod", Name: "a", CIDR: "10.99.1.0/24"}}})
		wantProblem(t, err, "subnets[vsw-a].cidr", "")
		before.unchanged(t, d)
	})
	t.Run("Groups", func(t *testing.T) {
		g := fleet.Group{ID: "rsp-new", Name: "new", Kind: lb.KindVServer}
		if _, err := d.CreateFleetGroup(ctx, adminOrigin, "lb-web", g); err != nil {
			t.Fatalf("create rsp-new: %v", err)
		}
		before := takeSnapshot(t, d)
		_, err := d.CreateFleetGroup(ctx, adminOrigin, "lb-web", fleet.Group{ID: "rsp-web-http", Name: "again", Kind: lb.KindVServer})
		wantProblem(t, err, "load_balancers[lb-web].groups[rsp-web-http].id", "group rsp-web-http exists already")
		_, err = d.UpdateFleetGroup(ctx, adminOrigin, "lb-web", fleet.Group{ID: "rsp-gone", Name: "gone", Kind: lb.KindVServer})
		wantProblem(t, err, "load_balancers[lb-web].groups[rsp-gone].id", "group rsp-gone does not exist")
		before.unchanged(t, d)
	})
}

// A group renamed through its edit form keeps the backend it had: FleetGroup gives the form
// every setting as it takes effect.
func TestRenamingAGroupKeepsItsBackend(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	applyFleet(t, d, fleetFile(t, "example.yaml"), ApplyOptions{})
	lbID, g, err := d.FleetGroup(ctx, "rsp-web-http")
	if err != nil || lbID != "lb-web" {
		t.Fatalf("FleetGroup = %s, %v", lbID, err)
	}
	if g.Backend != "web-http" || g.HealthCheck.Rise == nil || g.DrainTimeout == nil || g.Members != nil {
		t.Fatalf("FleetGroup = %+v; want every setting given and no members", g)
	}
	if p, err := d.UpdateFleetGroup(ctx, adminOrigin, lbID, g); err != nil || !p.Empty() {
		t.Fatalf("saving the form unchanged = %s, %v; want nothing to do", p.Summary(), err)
	}
	g.Name = "web-http-renamed"
	p, err := d.UpdateFleetGroup(ctx, adminOrigin, lbID, g)
	if err != nil || len(p.Groups.Update) != 1 {
		t.Fatalf("rename = %s, %v", p.Summary(), err)
	}
	if _, after, _ := d.FleetGroup(ctx, "rsp-web-http"); after.Name != "web-http-renamed" || after.Backend != "web-http" {
		t.Errorf("after the rename: name %q backend %q; want the new name and the old backend", after.Name, after.Backend)
	}
}

// FleetObject reads one object as a file describes it; FleetNetworks the lists the pages pick from.
func TestFleetLookups(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	file := fleetFile(t, "fleet.yaml")
	applyFleet(t, d, file, ApplyOptions{})
	doc, err := d.FleetObject(ctx, fleet.KindLoadBalancer, "lb-web")
	if err != nil || len(doc.LoadBalancers) != 1 {
		t.Fatalf("FleetObject(lb-web) = %+v, %v", doc, err)
	}
	l := doc.LoadBalancers[0]
	if l.DataPlane == nil || !reflect.DeepEqual(l.DataPlane.HAProxy.RuntimeAPI, []string{"unix:/run/haproxy/admin.sock", "tcp:127.0.0.1:9999"}) || l.Groups != nil {
		t.Errorf("lb-web = %+v; want its two nodes and no groups", l)
	}
	if doc, err := d.FleetObject(ctx, fleet.KindServer, "i-off-1"); err != nil || doc.Servers[0].Status != lb.StatusStopped {
		t.Errorf("FleetObject(i-off-1) = %+v, %v", doc, err)
	}
	if _, err := d.FleetObject(ctx, fleet.KindSubnet, "vsw-nope"); lb.ErrorKind(err) != lb.KindNotFound {
		t.Errorf("FleetObject(vsw-nope) = %v; want not found", err)
	}
	nets, err := d.FleetNetworks(ctx)
	if err != nil || len(nets.Regions) != 2 || len(nets.VPCs) != 2 || len(nets.Subnets) != 3 || nets.Servers != nil {
		t.Errorf("FleetNetworks = %+v, %v", nets, err)
	}
}

// An apply of a previewed plan is refused, changing nothing, once the database plans otherwise.
func TestApplyExpectsThePreviewedPlan(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	file := fleetFile(t, "example.yaml")
	preview, err := d.ApplyFleet(ctx, fleetOrigin, file, ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	// Someone creates the region meanwhile, with another name.
	if _, err := d.PutRegion(ctx, adminOrigin, fleet.Region{ID: "eu-west-1", Name: "someone else's"}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, d)
	if _, err := d.ApplyFleet(ctx, fleetOrigin, file, ApplyOptions{ExpectPlan: preview.Digest()}); err != ErrPlanChanged {
		t.Fatalf("apply of a stale preview = %v, want ErrPlanChanged", err)
	}
	before.unchanged(t, d)
	fresh, err := d.ApplyFleet(ctx, fleetOrigin, file, ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := d.ApplyFleet(ctx, fleetOrigin, file, ApplyOptions{ExpectPlan: fresh.Digest()}); err != nil || p.Digest() != fresh.Digest() {
		t.Fatalf("apply of the fresh preview = %s, %v", p.Summary(), err)
	}
}

// An upsert import creates the new servers and updates the existing ones by the fleet rules,
// all or none, each line's problem naming server and field.
func TestUpsertImport(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	applyFleet(t, d, fleetFile(t, "fleet.yaml"), ApplyOptions{})
	row := func(line int, id, name, addr, subnet string, status lb.ServerStatus) ServerImport {
		return ServerImport{Line: line, Server: lb.Server{ID: id, Name: name, Address: addr, SubnetID: subnet, Type: lb.TypeECS, Status: status}}
	}
	req := ImportRequest{Origin: adminOrigin, File: "servers.csv", Upsert: true, Rows: []ServerImport{
		row(2, "i-web-1", "web-1", "10.20.1.11", "vsw-a", lb.StatusRunning), // unchanged
		row(3, "i-web-3", "web-three", "10.20.2.13", "vsw-b", lb.StatusRunning),
		row(4, "i-new-1", "new-1", "10.20.2.99", "vsw-b", lb.StatusRunning),
	}}

	t.Run("Refused", func(t *testing.T) {
		before := takeSnapshot(t, d)
		bad := req
		bad.Rows = append([]ServerImport{}, req.Rows...)
		bad.Rows[1] = row(3, "i-web-3", "web-three", "10.20.9.13", "vsw-b", lb.StatusRunning)
		bad.Rows = append(bad.Rows, row(5, "i-new-1", "dup", "10.20.2.98", "vsw-b", lb.StatusRunning))
		res, err := d.ImportServers(ctx, bad)
		if err != nil || !res.Refused() || res.Imported != 0 {
			t.Fatalf("ImportServers = %+v, %v; want refused", res, err)
		}
		lines := map[int]string{}
		for _, p := range res.Problems {
			lines[p.Line] = p.Reason
		}
		if r := lines[3]; r == "" || !strings.Contains(r, "servers[i-web-3].address") {
			t.Errorf("line 3: %q; want the address named", r)
		}
		if r := lines[5]; r == "" || !strings.Contains(r, "given twice") {
			t.Errorf("line 5: %q; want the id given twice", r)
		}
		if e := getAudit(t, d, res.Seq); e.Outcome != string(lb.KindInvalid) || e.Action != ActionImportServers {
			t.Errorf("audit = %+v; want the refusal", e)
		}
		now := takeSnapshot(t, d)
		if !reflect.DeepEqual(now.fleet, before.fleet) || now.audit != before.audit+1 {
			t.Error("a refused upsert changed the fleet, or was not audited once")
		}
	})
	t.Run("Applied", func(t *testing.T) {
		res, err := d.ImportServers(ctx, req)
		if err != nil || res.Refused() || res.Imported != 2 || res.Updated != 1 || res.Unchanged != 1 {
			t.Fatalf("ImportServers = %+v, %v; want 1 created, 1 updated, 1 unchanged", res, err)
		}
		if doc, _ := d.FleetObject(ctx, "server", "i-web-3"); doc.Servers[0].Name != "web-three" {
			t.Errorf("i-web-3 = %+v", doc.Servers)
		}
		got := actions(fleetAudit(t, d, AuditFilter{Actor: "admin"}))
		want := []string{"import_servers", "create_server", "update_server", "import_servers"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("audit actions %v, want %v", got, want)
		}
		verifyChain(t, d)
	})
}
