package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// adoptFleet is a record-only load balancer in a loopback VPC, to adopt a node into.
const adoptFleet = `
vpcs: [{id: vpc-ad, region: cn-hangzhou, name: ad, cidr: 127.0.0.0/16}]
subnets: [{id: vsw-ad, vpc: vpc-ad, name: ad, cidr: 127.0.0.0/24}]
load_balancers:
  - {id: lb-ad, name: ad, region: cn-hangzhou, vpc: vpc-ad, address: 127.0.0.1, address_type: intranet}
`

// The adopt page proposes what console fleet adopt does for a running HAProxy, as a file to
// download and apply: the load balancer bound to the node, its servers adopted, and what cannot
// be adopted named. Applying that file adopts the servers.
func TestAdoptPageProposesAFileToApply(t *testing.T) {
	t.Parallel()
	bs := haproxytest.StartBackends(t, 3)
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: "web", Lines: []string{"balance roundrobin",
		"server web1 " + bs[0].Name + " weight 10 check inter 200ms rise 1 fall 2",
		"server web2 " + bs[1].Name + " weight 30 check inter 200ms rise 1 fall 2",
		"server legacy " + bs[2].Name + " weight 5"}}}})
	c := testenv.NewConsole(t, testenv.Options{})
	doc, err := fleet.Parse([]byte(adoptFleet))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store.ApplyFleet(context.Background(), testenv.Origin, doc, db.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	admin := c.SignIn(testenv.Admin)
	if res := admin.Get("/fleet/adopt"); res.StatusCode != http.StatusOK || res.Doc().Find("[data-testid=adopt-form]").Length() != 1 {
		t.Fatalf("GET /fleet/adopt: %d", res.StatusCode)
	}

	res := admin.Post("/fleet/adopt", admin.WithCSRF(url.Values{"runtime_api": {h.Unix}, "lb": {"lb-ad"}}))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /fleet/adopt: %d\n%s", res.StatusCode, res.Snippet())
	}
	page := res.Doc()
	file := page.Find("[data-testid=adopt-file]").Text()
	for _, want := range []string{"id: lb-ad", h.Unix, "haproxy_server: web1", "haproxy_server: web2"} {
		if !strings.Contains(file, want) {
			t.Errorf("the proposed file lacks %q:\n%s", want, file)
		}
	}
	if skipped := page.Find("[data-testid=adopt-skipped]").Text(); !strings.Contains(skipped, "server web/legacy: no health check") {
		t.Errorf("not adopted: %q; want legacy named, for its missing health check", skipped)
	}
	if g := page.Find(`[data-testid=adopt-group][data-backend=web]`).Text(); !strings.Contains(g, "2") {
		t.Errorf("proposed group row %q; want backend web with 2 members", g)
	}

	download := admin.Post("/fleet/adopt", admin.WithCSRF(url.Values{"runtime_api": {h.Unix}, "lb": {"lb-ad"}, "download": {"yaml"}}))
	if download.StatusCode != http.StatusOK || !strings.Contains(download.Header.Get("Content-Disposition"), `attachment; filename="adopt-lb-ad.yaml"`) {
		t.Fatalf("download: %d %q", download.StatusCode, download.Header.Get("Content-Disposition"))
	}
	if download.Body != file {
		t.Errorf("the download differs from the file shown:\n%s\n---\n%s", download.Body, file)
	}
	adopted, err := fleet.Parse([]byte(download.Body))
	if err != nil {
		t.Fatalf("the download does not parse: %v", err)
	}
	plan, err := c.Store.ApplyFleet(context.Background(), testenv.Origin, adopted, db.ApplyOptions{})
	if err != nil {
		t.Fatalf("applying the download: %v", err)
	}
	if len(plan.Adoptions) != 2 {
		t.Errorf("applied %d adoptions; want web1 and web2", len(plan.Adoptions))
	}
	nodes, err := c.Store.NodeStatuses(context.Background(), "lb-ad")
	if err != nil || len(nodes) != 1 || nodes[0].RuntimeAPI != h.Unix {
		t.Errorf("lb-ad's nodes after the apply: %+v, %v; want the node read", nodes, err)
	}

	// Without a load balancer: the groups alone, to paste.
	res = admin.Post("/fleet/adopt", admin.WithCSRF(url.Values{"runtime_api": {h.Unix}}))
	if file := res.Doc().Find("[data-testid=adopt-file]").Text(); res.StatusCode != http.StatusOK || !strings.HasPrefix(file, "groups:\n") {
		t.Errorf("without a load balancer: %d\n%s; want the groups alone", res.StatusCode, file)
	}
}

// The page reads only what a Runtime API address names, says what is wrong with anything else,
// and says when the node cannot be read.
func TestAdoptPageRefusals(t *testing.T) {
	t.Parallel()
	c := testenv.NewConsole(t, testenv.Options{})
	admin := c.SignIn(testenv.Admin)
	admin.Get("/fleet/adopt")
	missing := "unix:" + filepath.Join(t.TempDir(), "none.sock")
	tests := []struct {
		name, api, lb string
		status        int
		message       string
	}{
		{"ErrEmpty", "", "", 422, "give the node's Runtime API address"},
		{"ErrHTTP", "http://127.0.0.1:8404/stats", "", 422, "is not a Runtime API address"},
		{"ErrBareHost", "127.0.0.1:9999", "", 422, "is not a Runtime API address"},
		{"ErrRelativeSocket", "unix:admin.sock", "", 422, "must be absolute"},
		{"ErrTCPWithoutPort", "tcp:127.0.0.1", "", 422, "missing port"},
		{"ErrNoSuchSocket", missing, "", 502, "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := admin.Post("/fleet/adopt", admin.WithCSRF(url.Values{"runtime_api": {tt.api}, "lb": {tt.lb}}))
			msg := res.Doc().Find("[data-testid=adopt-error]").Text()
			if res.StatusCode != tt.status || !strings.Contains(msg, tt.message) {
				t.Errorf("%q: %d %q; want %d saying %q", tt.api, res.StatusCode, msg, tt.status, tt.message)
			}
			if res.Doc().Find("[data-testid=adopt-api]").AttrOr("value", "") != tt.api {
				t.Errorf("the form lost what was typed")
			}
		})
	}
}
