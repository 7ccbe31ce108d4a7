package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// What users of the console and the APIs notice of the data plane, against real haproxy.

// A backend that stops shows DOWN with the check's reason on the group page, ERROR in the REST
// API and abnormal in DescribeHealthStatus, while the other member stays UP, ONLINE and normal.
func TestStoppedBackendIsDownInTheConsoleAndBothAPIs(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{})
	r.Converged(t)
	stopped, running := r.Backends[0], r.Backends[1]
	down, up := r.Member(t, stopped), r.Member(t, running)
	browser := r.Console.SignIn(testenv.Viewer)
	if h := healthOf(browser.Get(r.GroupURL()).Doc(), up.ID); h != "up" {
		t.Fatalf("a running member shows %q before anything stops; want up", h)
	}
	key := r.Console.APIKey(testenv.Viewer)
	slbClient, err := testenv.SLBClient(r.Console.Host, key.AccessKeyID, key.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	poolClient := r.Console.PoolClient(key.Token)

	stopped.Stop()
	testenv.Eventually(t, "the stopped backend DOWN everywhere", func() string {
		doc := browser.Get(r.GroupURL()).Doc()
		row := doc.Find(`tr[data-testid=member-row][data-member-id="` + down.ID + `"]`)
		if h := row.Find("[data-testid=member-health]").AttrOr("data-health", ""); h != "down" {
			return "the group page shows " + h
		}
		if reason := row.Find("[data-testid=health-reason]").Text(); reason == "" {
			return "the group page gives no reason"
		}
		m, err := pools.GetMember(context.Background(), poolClient, testenv.RigGroup, down.ID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if m.OperatingStatus != "ERROR" {
			return "the REST API says " + m.OperatingStatus
		}
		if h := slbHealth(t, slbClient)[testenv.RigServerID(stopped)]; h != "abnormal" {
			return "DescribeHealthStatus says " + h
		}
		return ""
	})
	if h := healthOf(browser.Get(r.GroupURL()).Doc(), up.ID); h != "up" {
		t.Errorf("the running member shows %q; want up", h)
	}
	// The weight editor's row, read on its own, shows the same health as the table.
	operator := r.Console.SignIn(testenv.Operator)
	for id, want := range map[string]string{down.ID: "down", up.ID: "up"} {
		row := operator.Get(r.GroupURL()+"/members/"+id+"/weight", htmx).Body
		if h := healthOf(rowDoc(t, row), id); h != want {
			t.Errorf("the weight editor's row of %s shows %q; want %s", id, h, want)
		}
	}
	if m, err := pools.GetMember(context.Background(), poolClient, testenv.RigGroup, up.ID).Extract(); err != nil || m.OperatingStatus != "ONLINE" {
		t.Errorf("the running member in the REST API: %+v, %v; want ONLINE", m, err)
	}
	if h := slbHealth(t, slbClient)[testenv.RigServerID(running)]; h != "normal" {
		t.Errorf("the running member in DescribeHealthStatus: %q; want normal", h)
	}
}

// slbHealth is DescribeHealthStatus's answer for the rig's load balancer, by ServerId.
func slbHealth(t *testing.T, client *slb.Client) map[string]string {
	t.Helper()
	req := slb.CreateDescribeHealthStatusRequest()
	req.LoadBalancerId = testenv.RigLB
	res, err := client.DescribeHealthStatus(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range res.BackendServers.BackendServer {
		out[s.ServerId] = s.ServerHealthStatus
	}
	return out
}

// healthOf is the health the group page shows for a member ("" for none).
func healthOf(doc *goquery.Document, memberID string) string {
	return doc.Find(`tr[data-testid=member-row][data-member-id="`+memberID+`"] [data-testid=member-health]`).AttrOr("data-health", "")
}

// sessionsOf is the sessions the group page shows for a member.
func sessionsOf(doc *goquery.Document, memberID string) int {
	n, _ := strconv.Atoi(doc.Find(`tr[data-testid=member-row][data-member-id="`+memberID+`"] [data-testid=member-load]`).AttrOr("data-sessions", ""))
	return n
}

// holdSessions keeps n long requests open through haproxy until the test ends or release is
// called; haproxy's round robin spreads them over the members.
func holdSessions(t *testing.T, r *testenv.Rig, n int) (release func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := haproxytest.NewClient(n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			haproxytest.Get(ctx, client, r.URL()+"/slow?ms=25000")
		}()
	}
	release = sync.OnceFunc(func() { cancel(); wg.Wait(); client.CloseIdleConnections() })
	t.Cleanup(release)
	return release
}

// consoleBatch posts the group page's batch form (preview or batch) as an operator would.
func consoleBatch(t *testing.T, b *client, r *testenv.Rig, action string, form url.Values) *response {
	t.Helper()
	version, _ := b.Get(r.GroupURL()).Doc().Find("[data-testid=batch-form] input[name=version]").Attr("value")
	form.Set("version", version)
	res := b.Post(r.GroupURL()+"/"+action, b.WithCSRF(form))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %v: %d\n%s", action, form, res.StatusCode, res.Snippet())
	}
	return res
}

// serverAt is node 0's server at backend b (and whether there is one).
func serverAt(t *testing.T, r *testenv.Rig, b *haproxytest.Backend) (haproxy.Server, bool) {
	t.Helper()
	for _, s := range r.Servers(t, 0) {
		if s.Address == b.IP && s.Port == b.Port {
			return s, true
		}
	}
	return haproxy.Server{}, false
}

// The console's Drain puts a member in HAProxy's drain state and the group page shows it
// draining with its sessions; the preview of its removal says it drains first, and for at most
// the group's drain timeout; once removed it is listed as leaving with its sessions and time
// left, and it is gone once they end.
func TestDrainIsRealAndRemovalDrainsFirst(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{Drain: 20 * time.Second})
	r.Converged(t)
	a := r.Backends[0]
	member := r.Member(t, a)
	browser := r.Console.SignIn(testenv.Operator)
	release := holdSessions(t, r, 4)
	testenv.Eventually(t, "the held requests as sessions on the page", func() string {
		if n := sessionsOf(browser.Get(r.GroupURL()).Doc(), member.ID); n < 1 {
			return fmt.Sprintf("%d sessions", n)
		}
		return ""
	})

	consoleBatch(t, browser, r, "batch", url.Values{"op": {"drain"}, "member": {member.ID}})
	testenv.Eventually(t, "the drained member in drain, with its sessions", func() string {
		if s, ok := serverAt(t, r, a); !ok || s.State() != haproxy.StateDrain {
			return fmt.Sprintf("haproxy has it %+v", s)
		}
		doc := browser.Get(r.GroupURL()).Doc()
		if h, n := healthOf(doc, member.ID), sessionsOf(doc, member.ID); h != "drain" || n < 1 {
			return fmt.Sprintf("the page shows %q with %d sessions", h, n)
		}
		return ""
	})

	preview := consoleBatch(t, browser, r, "preview", url.Values{"op": {"remove"}, "member": {member.ID}})
	note := preview.Doc().Find("[data-testid=drain-note]").Text()
	if !strings.Contains(note, "1 server has ") || !strings.Contains(note, "drains it first") || !strings.Contains(note, "at most 20s") ||
		!strings.Contains(preview.Doc().Find("[data-testid=drain-servers]").Text(), testenv.RigServerID(a)) {
		t.Errorf("the removal's preview says %q; want that it drains first, for at most 20s, naming the server", note)
	}

	consoleBatch(t, browser, r, "batch", url.Values{"op": {"remove"}, "member": {member.ID}})
	label := fmt.Sprintf("%s:%d", a.IP, a.Port)
	testenv.Eventually(t, "the removed member listed as leaving", func() string {
		li := browser.Get(r.GroupURL()).Doc().Find(`[data-testid=leaving-server][data-address="` + label + `"]`)
		if text := li.Text(); !strings.Contains(text, "draining:") || !strings.Contains(text, "s left") {
			return fmt.Sprintf("leaving list says %q", strings.TrimSpace(text))
		}
		return ""
	})
	a.Stop() // its long requests end (and release's cancellation would only reach haproxy)
	release()
	testenv.Eventually(t, "the removed member deleted once its sessions ended", func() string {
		if _, ok := serverAt(t, r, a); ok {
			return "haproxy still has it"
		}
		if browser.Get(r.GroupURL()).Doc().Find("[data-testid=leaving-server]").Length() != 0 {
			return "the page still lists it as leaving"
		}
		return ""
	})
}

// Maintenance from the console takes a member out of traffic (HAProxy MAINT, shown as MAINT)
// without removing it, and Enable brings it back.
func TestMaintenanceFromTheConsole(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{})
	r.Converged(t)
	a, b := r.Backends[0], r.Backends[1]
	member := r.Member(t, a)
	browser := r.Console.SignIn(testenv.Operator)

	preview := consoleBatch(t, browser, r, "preview", url.Values{"op": {"maintenance"}, "member": {member.ID}})
	if got := preview.Doc().Find("[data-testid=diff-maintenance]").Text(); got != "maintenance on" {
		t.Errorf("the preview shows %q; want maintenance on", got)
	}
	res := consoleBatch(t, browser, r, "batch", url.Values{"op": {"maintenance"}, "member": {member.ID}})
	if flash := res.Doc().Find("[data-testid=flash]").Text(); !strings.Contains(flash, "Put in maintenance 1 server") {
		t.Errorf("flash %q", flash)
	}
	testenv.Eventually(t, "the member in MAINT", func() string {
		if s, ok := serverAt(t, r, a); !ok || s.State() != haproxy.StateMaint {
			return fmt.Sprintf("haproxy has it %+v", s)
		}
		if h := healthOf(browser.Get(r.GroupURL()).Doc(), member.ID); h != "maint" {
			return "the page shows " + h
		}
		return ""
	})
	tally := haproxytest.Count(context.Background(), r.URL(), 100, 4)
	if tally.Failed != 0 || tally.ByBackend[b.Name] != 100 {
		t.Errorf("with %s in maintenance, traffic went %v (%d failed); want all to %s", a.Name, tally.ByBackend, tally.Failed, b.Name)
	}
	if got := r.Member(t, a); !got.Maintenance || got.Weight != member.Weight {
		t.Errorf("stored %+v; want in maintenance, weight kept", got)
	}

	consoleBatch(t, browser, r, "batch", url.Values{"op": {"enable"}, "member": {member.ID}})
	r.Converged(t)
	if h := healthOf(browser.Get(r.GroupURL()).Doc(), member.ID); h != "up" {
		t.Errorf("enabled, the page shows %q; want up", h)
	}
	if tally := haproxytest.Count(context.Background(), r.URL(), 100, 4); tally.ByBackend[a.Name] == 0 {
		t.Errorf("enabled, %s got no traffic: %v", a.Name, tally.ByBackend)
	}
}

// The load balancer page says per node: in sync since when, or unreachable since when and why.
func TestLoadBalancerPageShowsEachNode(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{Nodes: 2})
	r.Converged(t)
	browser := r.Console.SignIn(testenv.Viewer)
	nodeSummary := func(api string) string {
		doc := browser.Get("/lbs/" + testenv.RigLB).Doc()
		return doc.Find(`tr[data-testid=node-row][data-runtime-api="` + api + `"] [data-testid=node-summary]`).Text()
	}
	for _, n := range r.Nodes {
		if s := nodeSummary(n.RuntimeAPI); !strings.HasPrefix(s, "in sync since ") {
			t.Errorf("node %s: %q; want in sync since …", n.RuntimeAPI, s)
		}
	}
	r.Proxies[1].Stop()
	testenv.Eventually(t, "the stopped node unreachable", func() string {
		if s := nodeSummary(r.Nodes[1].RuntimeAPI); !strings.HasPrefix(s, "unreachable since ") || len(s) < len("unreachable since 2006-01-02 15:04:05 UTC: x") {
			return "it says " + s
		}
		return ""
	})
	if s := nodeSummary(r.Nodes[0].RuntimeAPI); !strings.HasPrefix(s, "in sync since ") {
		t.Errorf("the running node: %q; want in sync", s)
	}
}

// The audit entry of a batch says when each node applied it, or why not yet.
func TestAuditEntrySaysWhenEachNodeApplied(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{Nodes: 2})
	r.Converged(t)
	r.Proxies[1].Stop()
	weight := 40
	res, err := r.Console.Store.ApplyBatch(context.Background(), batchOn(r, lb.Spec{MemberID: r.Member(t, r.Backends[0]).ID, Weight: &weight}))
	if err != nil {
		t.Fatal(err)
	}
	browser := r.Console.SignIn(testenv.Viewer)
	entry := fmt.Sprintf("/audit/%d", res.Seq)
	testenv.Eventually(t, "node 0 applied the batch", func() string {
		row := browser.Get(entry).Doc().Find(`[data-testid=batch-node][data-runtime-api="` + r.Nodes[0].RuntimeAPI + `"]`)
		if text := row.Text(); row.AttrOr("data-applied", "") != "true" || !strings.Contains(text, "applied at ") {
			return "it says " + strings.Join(strings.Fields(text), " ")
		}
		return ""
	})
	row := browser.Get(entry).Doc().Find(`[data-testid=batch-node][data-runtime-api="` + r.Nodes[1].RuntimeAPI + `"]`)
	if text := strings.Join(strings.Fields(row.Text()), " "); row.AttrOr("data-applied", "") != "false" || !strings.Contains(text, "not yet: unreachable since") {
		t.Errorf("the stopped node: %q; want not yet, unreachable since …", text)
	}
}

// A record-only load balancer's pages say so: no health, no nodes.
func TestRecordOnlyPagesSaySo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	b := e.signIn(viewerName)
	doc := b.Get(groupPath(lbID, g.ID)).Doc()
	cells := doc.Find("[data-testid=member-row] [data-testid=member-health]")
	if cells.Length() == 0 {
		t.Fatal("no health cells")
	}
	cells.Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) != "—" || !strings.Contains(s.AttrOr("title", ""), "record only") {
			t.Errorf("a record-only member's health shows %q (%q); want — saying record only", s.Text(), s.AttrOr("title", ""))
		}
	})
	if doc := b.Get("/lbs/" + lbID).Doc(); doc.Find("[data-testid=record-only]").Length() != 1 || doc.Find("[data-testid=node-table]").Length() != 0 {
		t.Errorf("the load balancer page does not say it is a record only")
	}
}

// The audit log's filters offer the fleet's and the data plane's sources and actions.
func TestAuditFiltersOfferTheDataPlane(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc := e.signIn(viewerName).Get("/audit").Doc()
	for field, want := range map[string][]string{"source": {"fleet", "dataplane"}, "action": {"set_maintenance", "correct_drift", "adopt_server"}} {
		for _, v := range want {
			if doc.Find(`select[name=`+field+`] option[value="`+v+`"]`).Length() != 1 {
				t.Errorf("the %s filter does not offer %s", field, v)
			}
		}
	}
}

// batchOn is a set-weights batch on the rig's group, as an operator's.
func batchOn(r *testenv.Rig, specs ...lb.Spec) db.BatchRequest {
	return db.BatchRequest{LoadBalancerID: testenv.RigLB, GroupRef: testenv.RigGroup, Batch: lb.Batch{Action: lb.ActionSetWeights, New: specs},
		Actor: testenv.Operator, Source: db.SourceConsole, RequestID: "req-test"}
}
