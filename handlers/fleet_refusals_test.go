package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// Every mistake on the admin forms is refused with the form as it was sent and the problem
// next to its field (or above the form, when it is another object's), naming object, id and
// field as a fleet file's would; nothing changes and nothing is audited.
func TestFleetFormRefusals(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	admin := e.signInAt(adminName)
	lockLB(t, e, "lb-api")
	vpc := func(kv ...string) url.Values {
		return with(url.Values{"id": {"vpc-x"}, "region": {"eu-west-1"}, "name": {"x"}, "cidr": {"10.30.0.0/16"}}, kv...)
	}
	server := func(kv ...string) url.Values {
		return with(url.Values{"id": {"i-x"}, "name": {"x"}, "address": {"10.20.1.99"}, "subnet": {"vsw-a"}}, kv...)
	}
	lbForm := func(kv ...string) url.Values {
		return with(url.Values{"id": {"lb-x"}, "name": {"x"}, "region": {"eu-west-1"}, "vpc": {"vpc-prod"}, "address": {"203.0.113.99"},
			"address_type": {"internet"}, "status": {"active"}}, kv...)
	}
	group := func(kv ...string) url.Values {
		return with(url.Values{"id": {"rsp-x"}, "name": {"x"}, "kind": {"vserver"}}, kv...)
	}
	tests := []struct {
		name, page, action string
		form               url.Values
		field              string // the field whose error names the problem; "" for above the form
		want               string // what the error says
	}{
		{"RegionIDMalformed", "/fleet/regions", "/fleet/regions", url.Values{"id": {"bad id!"}, "name": {"x"}}, "id", ".id: "},
		{"RegionIDTaken", "/fleet/regions", "/fleet/regions", url.Values{"id": {"eu-west-1"}, "name": {"again"}}, "id",
			"regions[eu-west-1].id: region eu-west-1 exists already"},
		{"RegionNameMissing", "/fleet/regions", "/fleet/regions", url.Values{"id": {"eu-x"}}, "name", "regions[eu-x].name: "},
		{"VPCCIDRMalformed", "/fleet/vpcs", "/fleet/vpcs", vpc("cidr", "10.0.0.0/33"), "cidr", "vpcs[vpc-x].cidr: "},
		{"VPCRegionUnknown", "/fleet/vpcs", "/fleet/vpcs", vpc("region", "mars-1"), "region", "vpcs[vpc-x].region: "},
		{"SubnetOutsideItsVPC", "/fleet/subnets", "/fleet/subnets", url.Values{"id": {"vsw-x"}, "vpc": {"vpc-prod"}, "name": {"x"}, "cidr": {"10.99.0.0/24"}},
			"cidr", "subnets[vsw-x].cidr: "},
		{"SubnetOverlapsASibling", "/fleet/subnets", "/fleet/subnets", url.Values{"id": {"vsw-x"}, "vpc": {"vpc-prod"}, "name": {"x"}, "cidr": {"10.20.1.128/25"}},
			"cidr", "vsw-a"},
		{"SubnetShrinkStrandsItsServers", "/fleet/subnets/vsw-a", "/fleet/subnets/vsw-a", url.Values{"vpc": {"vpc-prod"}, "name": {"a"}, "cidr": {"10.20.1.128/25"}},
			"", "servers[i-web-1].address: "},
		{"ServerOutsideItsSubnet", "/fleet/servers", "/fleet/servers", server("address", "10.20.9.9"), "address", "servers[i-x].address: "},
		{"ServerAddressTaken", "/fleet/servers", "/fleet/servers", server("address", "10.20.1.11"), "address", "i-web-1"},
		{"ServerStatusUnknown", "/fleet/servers/i-web-1", "/fleet/servers/i-web-1", server("address", "10.20.1.11", "status", "Sleeping"), "status",
			"servers[i-web-1].status: "},
		{"LBRuntimeAPIMalformed", "/fleet/lbs", "/fleet/lbs", lbForm("dataplane.haproxy.runtime_api", "unix:/run/a.sock\nhttp://x"),
			"dataplane.haproxy.runtime_api", "load_balancers[lb-x].dataplane.haproxy.runtime_api[1]: "},
		{"LBStatusUnknown", "/fleet/lbs", "/fleet/lbs", lbForm("status", "broken"), "status", "load_balancers[lb-x].status: "},
		{"LBLockedKeepsLocked", "/fleet/lbs/lb-api", "/fleet/lbs/lb-api", lbForm("name", "renamed", "address", "10.20.0.5", "address_type", "intranet", "status", "locked"),
			"", "load balancer lb-api is locked"},
		{"GroupDefaultPortNotANumber", "/fleet/lbs/lb-api/groups", "/fleet/lbs/lb-api/groups", group("kind", "default", "default_port", "eighty"),
			"default_port", "load_balancers[lb-api].groups[rsp-x].default_port: "},
		{"GroupIntervalMalformed", "/fleet/lbs/lb-web/groups", "/fleet/lbs/lb-web/groups", group("health_check.interval", "soon"),
			"health_check.interval", "load_balancers[lb-web].groups[rsp-x].health_check.interval: "},
		{"GroupIDTaken", "/fleet/lbs/lb-web/groups", "/fleet/lbs/lb-web/groups", group("id", "rsp-api"), "id", "group rsp-api exists already"},
		{"GroupRiseZero", "/fleet/lbs/lb-web/groups/rsp-web-http", "/fleet/lbs/lb-web/groups/rsp-web-http", group("name", "web-http", "health_check.rise", "0"),
			"health_check.rise", "load_balancers[lb-web].groups[rsp-web-http].health_check.rise: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fleetState()
			r := postForm(admin, tc.page, tc.action, tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("POST %s = %d; want 422\n%s", tc.action, r.StatusCode, r.Snippet())
			}
			got := fieldError(r, tc.field)
			if tc.field == "" {
				got = text(r.Doc().Find(`[data-testid="form-problems"]`))
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("the error at %q says %q; want it to say %q", tc.field, got, tc.want)
			}
			for name, v := range tc.form {
				if name == "id" && !strings.HasSuffix(tc.page, "s") || strings.HasPrefix(name, "dataplane") {
					continue // an edit page shows its own id; the nodes' lines come back as the textarea's text
				}
				if shown := fieldValue(r, name); shown != v[0] {
					t.Errorf("field %s shows %q; want %q as sent", name, shown, v[0])
				}
			}
			e.fleetUnchanged(t, before)
		})
	}
}

// A delete is refused while anything refers to the object, naming what does; a load
// balancer and a group, which take more with them, only go when their id is typed.
func TestFleetDeleteRefusals(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	admin := e.signInAt(adminName)
	lockLB(t, e, "lb-api")
	tests := []struct {
		name, page string
		form       url.Values
		status     int
		want       []string
	}{
		{"RegionWithVPCAndLoadBalancers", "/fleet/regions/eu-west-1", nil, 409, []string{"region eu-west-1 cannot be deleted", "vpc vpc-prod", "load balancer lb-web"}},
		{"VPCWithSubnets", "/fleet/vpcs/vpc-prod", nil, 409, []string{"subnet vsw-a", "subnet vsw-b", "load balancer lb-api"}},
		{"SubnetWithServers", "/fleet/subnets/vsw-a", nil, 409, []string{"server i-web-1", "server i-web-2"}},
		{"SubnetWithAMemberByAddress", "/fleet/subnets/vsw-b", nil, 409, []string{"group rsp-web-http (member 10.20.2.50:80)"}},
		{"ServerInGroups", "/fleet/servers/i-web-1", nil, 409, []string{"server i-web-1 cannot be deleted", "group dfl-web", "group rsp-web-http"}},
		{"LoadBalancerUnconfirmed", "/fleet/lbs/lb-web", nil, 422, []string{"type the load balancer's id, lb-web"}},
		{"LoadBalancerMisconfirmed", "/fleet/lbs/lb-web", url.Values{"confirm": {"lb-api"}}, 422, []string{"lb-web"}},
		{"LoadBalancerLocked", "/fleet/lbs/lb-api", url.Values{"confirm": {"lb-api"}}, 409, []string{"load balancer lb-api is locked"}},
		{"GroupUnconfirmed", "/fleet/lbs/lb-web/groups/rsp-web-http", nil, 422, []string{"type the group's id, rsp-web-http"}},
		{"GroupOfALockedLoadBalancer", "/fleet/lbs/lb-api/groups/rsp-api", url.Values{"confirm": {"rsp-api"}}, 409, []string{"load balancer lb-api is locked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fleetState()
			r := postForm(admin, tc.page, tc.page+"/delete", tc.form)
			if r.StatusCode != tc.status {
				t.Fatalf("POST %s/delete = %d; want %d\n%s", tc.page, r.StatusCode, tc.status, r.Snippet())
			}
			got := text(r.Doc().Find(`[data-testid="delete-error"]`))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the refusal says %q; want it to say %q", got, w)
				}
			}
			if r.Doc().Find(`details[data-testid="delete"][open]`).Length() != 1 {
				t.Error("the delete form is not open beside its refusal")
			}
			e.fleetUnchanged(t, before)
		})
	}
	t.Run("GroupOfAnotherLoadBalancer", func(t *testing.T) {
		before := e.fleetState()
		r := postForm(admin, "/fleet/lbs/lb-web", "/fleet/lbs/lb-web/groups/rsp-api/delete", url.Values{"confirm": {"rsp-api"}})
		wantStatus(t, r, http.StatusNotFound)
		e.fleetUnchanged(t, before)
	})
}

// Only admins reach the admin pages: viewers and operators are refused every page and every
// change, and see no link to them.
func TestFleetPagesAreForAdmins(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	for _, name := range []string{viewerName, operatorName} {
		c := e.signInAt(name)
		if c.Get("/lbs").Doc().Find(`nav a[href="/fleet"]`).Length() != 0 {
			t.Errorf("%s sees a link to /fleet", name)
		}
		before := e.fleetState()
		for _, path := range []string{"/fleet", "/fleet/regions", "/fleet/regions/eu-west-1", "/fleet/lbs/lb-web", "/fleet/lbs/lb-web/groups",
			"/fleet/lbs/lb-web/groups/rsp-web-http", "/fleet/upload"} {
			wantStatus(t, c.Get(path), http.StatusForbidden)
		}
		for _, path := range []string{"/fleet/regions", "/fleet/regions/eu-west-1", "/fleet/regions/eu-west-1/delete", "/fleet/lbs/lb-web/groups",
			"/fleet/lbs/lb-web/groups/rsp-web-http/delete", "/fleet/upload", "/fleet/apply"} {
			wantStatus(t, c.Post(path, c.WithCSRF(url.Values{"id": {"eu-x"}, "name": {"x"}, "confirm": {"rsp-web-http"}})), http.StatusForbidden)
		}
		e.fleetUnchanged(t, before)
		// The example file is documentation, for everyone.
		wantStatus(t, c.Get("/fleet/example.yaml"), http.StatusOK)
	}
	admin := e.signInAt(adminName)
	if admin.Get("/lbs").Doc().Find(`nav a[href="/fleet"]`).Length() != 1 {
		t.Error("an admin sees no link to /fleet")
	}
}

// with returns a copy of form with the pairs kv set.
func with(form url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// lockLB locks a load balancer as an admin's edit would.
func lockLB(t *testing.T, e *env, id string) {
	t.Helper()
	doc, err := e.store.FleetObject(e.ctx, fleet.KindLoadBalancer, id)
	if err != nil {
		t.Fatal(err)
	}
	doc.LoadBalancers[0].Status = lb.LBLocked
	if _, err := e.store.UpdateFleetObject(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, doc); err != nil {
		t.Fatal(err)
	}
}
