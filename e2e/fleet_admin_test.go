package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// newEmptyEnv is a console with no fleet at all, as a team adopting lbconsole starts it.
func newEmptyEnv(t *testing.T) *env {
	t.Helper()
	browserRoot(t)
	c := testenv.NewConsole(t, testenv.Options{Template: testenv.EmptyUsers})
	return &env{t: t, ctx: c.Ctx, store: c.Store, base: c.Server.URL}
}

// signedInOn opens a tab signed in as user, at path, waiting for sel: signedIn waits for
// load balancer rows, which an empty console has none of.
func (e *env) signedInOn(user, path, sel string) *tab {
	e.t.Helper()
	p := e.newTab()
	b := testenv.NewBrowser(e.t, e.base, nil)
	b.SignIn(user, password)
	base, err := url.Parse(e.base)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ck := range b.HTTP.Jar.Cookies(base) {
		set := network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.base + "/", Path: "/",
			HTTPOnly: new(true), SameSite: network.CookieSameSiteLax}
		if _, err := chromedp.Call(p.ctx, network.SetCookie, set); err != nil {
			p.fatalf("hand the cookie %s to the tab: %v", ck.Name, err)
		}
	}
	p.open(path)
	p.waitVisible(sel)
	return p
}

// viewport sets the tab's window width, as a laptop's or a phone's.
func (p *tab) viewport(width, height int64) {
	p.t.Helper()
	p.do(fmt.Sprintf("set the viewport to %dx%d", width, height), chromedp.EmulateViewport(width, height))
}

// choose picks a select's option by value, as a click on it would, change event included.
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	p.waitVisible(sel)
	p.eval(fmt.Sprintf(`(el => { el.value = %s; el.dispatchEvent(new Event("change", {bubbles: true})); return el.value === %s })(document.querySelector(%s))`,
		js(value), js(value), js(sel)))
}

// fillForm types into the fleet form's text inputs and picks its selects, then sends it and
// waits for the page that says it was done.
func (p *tab) fillForm(fields map[string]string, selects map[string]string, done string) {
	p.t.Helper()
	for name, v := range fields {
		p.typeInto(fmt.Sprintf(`[data-testid=fleet-form] [name=%q]`, name), v)
	}
	for name, v := range selects {
		p.choose(fmt.Sprintf(`[data-testid=fleet-form] select[name=%q]`, name), v)
	}
	p.markOld(`[data-testid=flash]`)
	p.click(`[data-testid=fleet-submit]`)
	p.waitVisible(`[data-testid=flash]:not([data-e2e-old])`)
	if got := p.text(`[data-testid=flash]`); !strings.Contains(got, done) {
		p.fatalf("after sending the form the page says %q, want %q", got, done)
	}
}

// An admin starts from an empty console and describes a region, a VPC, a subnet, a load
// balancer with an HAProxy node and a group on the admin pages at laptop width; the load
// balancer list then shows it. At phone width the upload page and the forms fit the screen.
func TestAdminDescribesAFleet(t *testing.T) {
	t.Parallel()
	e := newEmptyEnv(t)
	p := e.signedInOn(adminUser, "/lbs", `[data-testid=empty-fleet]`)
	p.viewport(1400, 900)

	step(t, "the empty start leads to the fleet pages", func(t *testing.T) {
		p := p.on(t)
		p.click(`[data-testid=empty-fleet-pages]`)
		p.waitVisible(`[data-testid=fleet-kinds]`)
	})
	step(t, "region, VPC and subnet", func(t *testing.T) {
		p := p.on(t)
		p.open("/fleet/regions")
		p.fillForm(map[string]string{"id": "eu-e2e-1", "name": "Europe E2E"}, nil, "Created region eu-e2e-1")
		p.open("/fleet/vpcs")
		p.fillForm(map[string]string{"id": "vpc-e2e", "name": "e2e", "cidr": "10.40.0.0/16"}, map[string]string{"region": "eu-e2e-1"}, "Created vpc vpc-e2e")
		p.open("/fleet/subnets")
		p.fillForm(map[string]string{"id": "vsw-e2e", "name": "e2e a", "cidr": "10.40.1.0/24"}, map[string]string{"vpc": "vpc-e2e"}, "Created subnet vsw-e2e")
	})
	step(t, "a load balancer with an HAProxy node, and a group", func(t *testing.T) {
		p := p.on(t)
		p.open("/fleet/lbs")
		p.eval(`(el => { el.value = "tcp:127.0.0.1:19999"; return true })(document.querySelector('[name="dataplane.haproxy.runtime_api"]'))`)
		p.fillForm(map[string]string{"id": "lb-e2e", "name": "e2e web", "address": "203.0.113.40"},
			map[string]string{"region": "eu-e2e-1", "vpc": "vpc-e2e", "address_type": "internet", "status": "active"}, "Created load balancer lb-e2e")
		p.click(`[data-testid=add-group]`)
		// The load balancer's page has a form too: wait for the group's.
		p.waitUntil("the new group's form is open", `location.pathname === "/fleet/lbs/lb-e2e/groups" && document.readyState === "complete"`)
		p.waitVisible(`[data-testid=fleet-form] [name="health_check.type"]`)
		p.fillForm(map[string]string{"id": "rsp-e2e", "name": "e2e-http", "health_check.interval": "3s", "drain_timeout": "10s"},
			map[string]string{"kind": "vserver", "health_check.type": "http"}, "Created group rsp-e2e")
	})
	step(t, "the load balancer list shows it", func(t *testing.T) {
		p := p.on(t)
		p.open("/lbs")
		row := `tr[data-testid=lb-row][data-id="lb-e2e"]`
		p.waitVisible(row)
		if got := p.text(row); !strings.Contains(got, "e2e web") || !strings.Contains(got, "eu-e2e-1") || !strings.Contains(got, "203.0.113.40") {
			t.Errorf("the row says %q", got)
		}
		doc, err := e.store.FleetObject(e.ctx, fleet.KindLoadBalancer, "lb-e2e")
		if err != nil || doc.LoadBalancers[0].DataPlane == nil || doc.LoadBalancers[0].DataPlane.HAProxy.RuntimeAPI[0] != "tcp:127.0.0.1:19999" {
			t.Errorf("lb-e2e = %+v, %v", doc.LoadBalancers, err)
		}
		_, g, err := e.store.FleetGroup(e.ctx, "rsp-e2e")
		if err != nil || g.HealthCheck.Type != "http" || g.HealthCheck.Interval.String() != "3s" || g.DrainTimeout.String() != "10s" {
			t.Errorf("rsp-e2e = %+v, %v", g, err)
		}
	})
	step(t, "at 390 px the pages do not scroll sideways", func(t *testing.T) {
		p := p.on(t)
		p.viewport(390, 844)
		for _, page := range []struct{ path, sel string }{
			{"/fleet/upload", `[data-testid=upload-form]`},
			{"/fleet/lbs/lb-e2e", `[data-testid=fleet-form]`},
			{"/fleet/lbs/lb-e2e/groups/rsp-e2e", `[data-testid=fleet-form]`},
			{"/fleet/regions", `[data-testid=fleet-table]`},
		} {
			p.open(page.path)
			p.waitVisible(page.sel)
			if w := evalAs[int](p, `document.documentElement.scrollWidth`); w > 390 {
				t.Errorf("%s is %d px wide at 390 px: it scrolls sideways", page.path, w)
			}
		}
	})
}
