package handlers_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// An admin describes a fleet from nothing on the admin pages, changes it and takes it apart
// again; each step is answered with a redirect to a page that says what was done, and audited
// as the admin's, source console.
func TestFleetPagesCreateEditDelete(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.EmptyUsers)
	admin := e.signInAt(adminName)
	create := func(t *testing.T, kindPath string, form url.Values, id string) {
		t.Helper()
		r := postForm(admin, "/fleet/"+kindPath, "/fleet/"+kindPath, form)
		wantRedirect(t, r, "/fleet/"+kindPath+"/"+id+"?done=created")
		page := admin.Get(r.Header.Get("Location"))
		wantStatus(t, page, http.StatusOK)
		if got := text(page.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "Created") || !strings.Contains(got, id) {
			t.Errorf("after creating %s the page says %q", id, got)
		}
	}

	t.Run("Create", func(t *testing.T) {
		create(t, "regions", url.Values{"id": {"eu-west-1"}, "name": {"Europe West"}}, "eu-west-1")
		create(t, "vpcs", url.Values{"id": {"vpc-prod"}, "region": {"eu-west-1"}, "name": {"prod"}, "cidr": {"10.20.0.0/16"}}, "vpc-prod")
		create(t, "subnets", url.Values{"id": {"vsw-a"}, "vpc": {"vpc-prod"}, "name": {"a"}, "cidr": {"10.20.1.0/24"}}, "vsw-a")
		create(t, "servers", url.Values{"id": {"i-web-1"}, "name": {"web-1"}, "address": {"10.20.1.11"}, "subnet": {"vsw-a"},
			"type": {"ecs"}, "status": {"Running"}}, "i-web-1")
		create(t, "lbs", url.Values{"id": {"lb-web"}, "name": {"web"}, "region": {"eu-west-1"}, "vpc": {"vpc-prod"},
			"address": {"203.0.113.10"}, "address_type": {"internet"}, "status": {"active"},
			"dataplane.haproxy.runtime_api": {"unix:/run/haproxy/web.sock\r\n\r\n tcp:127.0.0.1:9999 \r\n"}}, "lb-web")
		r := postForm(admin, "/fleet/lbs/lb-web/groups", "/fleet/lbs/lb-web/groups", url.Values{"id": {"rsp-web"}, "name": {"web-http"},
			"kind": {"vserver"}, "backend": {"be_web"}, "health_check.type": {"http"},
			"health_check.path": {"/healthz"}, "health_check.interval": {"5s"}, "health_check.rise": {"3"}, "health_check.fall": {"4"},
			"drain_timeout": {"1m"}})
		wantRedirect(t, r, "/fleet/lbs/lb-web/groups/rsp-web?done=created")

		doc := e.fleetState().doc
		l := doc.LoadBalancers[0]
		if len(doc.Regions) != 1 || len(doc.VPCs) != 1 || len(doc.Subnets) != 1 || len(doc.Servers) != 1 || len(doc.LoadBalancers) != 1 {
			t.Fatalf("fleet = %+v", doc)
		}
		if !reflect.DeepEqual(l.DataPlane.HAProxy.RuntimeAPI, []string{"unix:/run/haproxy/web.sock", "tcp:127.0.0.1:9999"}) {
			t.Errorf("runtime_api = %v", l.DataPlane.HAProxy.RuntimeAPI)
		}
		g := l.Groups[0].Effective()
		if g.Backend != "be_web" || g.DefaultPort != nil || g.HealthCheck.Type != "http" || g.HealthCheck.Path != "/healthz" ||
			g.HealthCheck.Interval.Std() != 5*time.Second || *g.HealthCheck.Rise != 3 || *g.HealthCheck.Fall != 4 || g.DrainTimeout.Std() != time.Minute {
			t.Errorf("group = %+v, check %+v", g, *g.HealthCheck)
		}
		lbPage := admin.Get("/lbs")
		if lbPage.Doc().Find(`tr[data-testid="lb-row"][data-id="lb-web"]`).Length() != 1 {
			t.Error("/lbs does not list lb-web")
		}
	})

	t.Run("Edit", func(t *testing.T) {
		r := postForm(admin, "/fleet/regions/eu-west-1", "/fleet/regions/eu-west-1", url.Values{"id": {"ignored"}, "name": {"Europe (Ireland)"}})
		wantRedirect(t, r, "/fleet/regions/eu-west-1?done=saved")
		// Saving what is there changes nothing, and says so.
		r = postForm(admin, "/fleet/regions/eu-west-1", "/fleet/regions/eu-west-1", url.Values{"name": {"Europe (Ireland)"}})
		wantRedirect(t, r, "/fleet/regions/eu-west-1?done=unchanged")
		// The edit form shows the group's settings, so that saving it with a new name renames it
		// and keeps the backend its traffic goes to.
		page := admin.Get("/fleet/lbs/lb-web/groups/rsp-web")
		wantStatus(t, page, http.StatusOK)
		form := url.Values{}
		for _, f := range []string{"name", "backend", "default_port", "health_check.type", "health_check.path", "health_check.interval",
			"health_check.rise", "health_check.fall", "drain_timeout"} {
			form.Set(f, fieldValue(page, f))
		}
		if form.Get("backend") != "be_web" || form.Get("health_check.interval") != "5s" || form.Get("drain_timeout") != "1m0s" {
			t.Fatalf("the edit form shows %v", form)
		}
		form.Set("name", "web-https")
		r = postForm(admin, "/fleet/lbs/lb-web/groups/rsp-web", "/fleet/lbs/lb-web/groups/rsp-web", form)
		wantRedirect(t, r, "/fleet/lbs/lb-web/groups/rsp-web?done=saved")
		_, g, err := e.store.FleetGroup(e.ctx, "rsp-web")
		if err != nil || g.Name != "web-https" || g.Backend != "be_web" || g.HealthCheck.Interval.Std() != 5*time.Second {
			t.Errorf("after the rename: %+v, %v", g, err)
		}
		// The load balancer loses a node and changes status.
		page = admin.Get("/fleet/lbs/lb-web")
		if got := fieldValue(page, "dataplane.haproxy.runtime_api"); got != "unix:/run/haproxy/web.sock\ntcp:127.0.0.1:9999" {
			t.Errorf("the nodes shown = %q", got)
		}
		r = postForm(admin, "/fleet/lbs/lb-web", "/fleet/lbs/lb-web", url.Values{"name": {"web"}, "region": {"eu-west-1"}, "vpc": {"vpc-prod"},
			"address": {"203.0.113.10"}, "address_type": {"internet"}, "status": {"inactive"}, "dataplane.haproxy.runtime_api": {"tcp:127.0.0.1:9999"}})
		wantRedirect(t, r, "/fleet/lbs/lb-web?done=saved")
		doc, _ := e.store.FleetObject(e.ctx, fleet.KindLoadBalancer, "lb-web")
		if l := doc.LoadBalancers[0]; l.Status != lb.LBInactive || !reflect.DeepEqual(l.DataPlane.HAProxy.RuntimeAPI, []string{"tcp:127.0.0.1:9999"}) {
			t.Errorf("lb-web = %+v", l)
		}
	})

	t.Run("Audited", func(t *testing.T) {
		page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Actor: adminName, Source: db.SourceConsole, Ascending: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range page.Items {
			got = append(got, a.Action)
		}
		want := []string{"create_region", "create_vpc", "create_subnet", "create_server", "create_load_balancer", "create_group",
			"update_region", "update_group", "update_load_balancer"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("audited %v; want %v", got, want)
		}
		shown := admin.Get("/audit?actor=" + adminName + "&action=update_group")
		if rows := shown.Doc().Find(`tr[data-testid="audit-row"]`); rows.Length() != 1 || !strings.Contains(text(rows), "web-https") {
			t.Errorf("/audit shows %q; want the rename", text(rows))
		}
	})

	t.Run("Delete", func(t *testing.T) {
		r := postForm(admin, "/fleet/lbs/lb-web/groups/rsp-web", "/fleet/lbs/lb-web/groups/rsp-web/delete", url.Values{"confirm": {"rsp-web"}})
		wantRedirect(t, r, "/fleet/lbs/lb-web?done=deleted-group&id=rsp-web")
		if got := text(admin.Get(r.Header.Get("Location")).Doc().Find(`[data-testid="flash"]`)); got != "Deleted group rsp-web." {
			t.Errorf("flash = %q", got)
		}
		r = postForm(admin, "/fleet/lbs/lb-web", "/fleet/lbs/lb-web/delete", url.Values{"confirm": {"lb-web"}})
		wantRedirect(t, r, "/fleet/lbs?done=deleted&id=lb-web")
		for _, step := range []struct{ path, id string }{{"servers", "i-web-1"}, {"subnets", "vsw-a"}, {"vpcs", "vpc-prod"}, {"regions", "eu-west-1"}} {
			r := postForm(admin, "/fleet/"+step.path+"/"+step.id, "/fleet/"+step.path+"/"+step.id+"/delete", nil)
			wantRedirect(t, r, "/fleet/"+step.path+"?done=deleted&id="+step.id)
		}
		if doc := e.fleetState().doc; !reflect.DeepEqual(doc, fleet.Document{}) {
			t.Errorf("after deleting everything: %+v", doc)
		}
		wantStatus(t, admin.Get("/fleet/regions/eu-west-1"), http.StatusNotFound)
	})
}

// Markup in a name is text: stored as typed, shown escaped, in the table and in the form.
func TestFleetPagesEscapeNames(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.EmptyUsers)
	admin := e.signInAt(adminName)
	const name = `<script>alert("x")</script>`
	wantRedirect(t, postForm(admin, "/fleet/regions", "/fleet/regions", url.Values{"id": {"eu-x"}, "name": {name}}), "/fleet/regions/eu-x?done=created")
	for _, path := range []string{"/fleet/regions", "/fleet/regions/eu-x"} {
		r := admin.Get(path)
		if strings.Contains(r.Body, "<script>alert") {
			t.Errorf("%s shows the name as markup", path)
		}
		if !strings.Contains(text(r.Doc().Find("main")), name) && fieldValue(r, "name") != name {
			t.Errorf("%s does not show the name as text", path)
		}
	}
}
