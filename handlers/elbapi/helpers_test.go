package elbapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// Users of each role, and whose key is revoked.
const (
	adminName    = testenv.Admin
	operatorName = testenv.Operator
	viewerName   = testenv.Viewer
	revokedName  = "rex"
)

// tokens are the REST tokens of the users, by name; withKeys fills it once per test binary.
var tokens = map[string]string{}

// withKeys is the demo with its users, an API key for each and an operator whose key is
// revoked: every test works on its own copy.
var withKeys = testenv.NewTemplate(testenv.DemoUsers, func(ctx context.Context, store *db.DB) error {
	if _, err := testenv.AddUser(ctx, store, revokedName, lb.RoleOperator); err != nil {
		return err
	}
	for _, name := range []string{adminName, operatorName, viewerName, revokedName} {
		u, err := store.UserByName(ctx, name)
		if err != nil {
			return err
		}
		cred := auth.NewAPICredentials()
		k, err := store.CreateAPIKey(ctx, testenv.Origin, u.ID, cred)
		if err != nil {
			return err
		}
		tokens[name] = cred.Token
		if name == revokedName {
			if _, err := store.RevokeAPIKey(ctx, testenv.Origin, k.ID); err != nil {
				return err
			}
		}
	}
	return nil
})

// env is one console under test: a copy of the seeded database, the real router and a real
// HTTP server on 127.0.0.1, with the pools the tests work on.
type env struct {
	t      *testing.T
	ctx    context.Context
	store  *db.DB
	srv    *httptest.Server
	lb     lb.LoadBalancer
	pool   lb.Group // a VServer group of an active load balancer
	other  lb.Group // another VServer group of the same load balancer
	locked lb.Group // a VServer group of the locked load balancer
	dflt   lb.Group // the active load balancer's default server list
	last   lastStatus
}

// lastStatus is the status of the last answer any of the env's clients received: gophercloud's
// results do not say which of their OK codes came.
type lastStatus struct {
	mu     sync.Mutex
	status int
}

func (l *lastStatus) get() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

type recorder struct {
	next http.RoundTripper
	last *lastStatus
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		r.last.mu.Lock()
		r.last.status = resp.StatusCode
		r.last.mu.Unlock()
	}
	return resp, err
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := testenv.NewConsole(t, testenv.Options{Template: withKeys})
	e := &env{t: t, ctx: c.Ctx, store: c.Store, srv: c.Server}
	e.findPools()
	return e
}

// findPools picks the groups the tests use from the demo data.
func (e *env) findPools() {
	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range page.Items {
		groups, err := e.store.ListGroups(e.ctx, l.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		var vservers []lb.Group
		var dflt lb.Group
		for _, g := range groups {
			if g.Kind == lb.KindDefault {
				dflt = g.Group
			} else if g.Members > 0 && g.Members < 60 {
				vservers = append(vservers, g.Group)
			}
		}
		switch {
		case l.Status == lb.LBLocked && len(vservers) > 0 && e.locked.ID == "":
			e.locked = vservers[0]
		case l.Status == lb.LBActive && len(vservers) > 1 && e.pool.ID == "":
			e.lb, e.pool, e.other, e.dflt = l.LoadBalancer, vservers[0], vservers[1], dflt
		}
	}
	if e.pool.ID == "" || e.locked.ID == "" {
		e.t.Fatal("the demo data has no active load balancer with two pools, or no locked one with a pool")
	}
}

// client is gophercloud's service client for the load balancer API, authenticated with the
// named user's token, at prefix (/v2.0 or /v2).
func (e *env) client(user, prefix string) *gophercloud.ServiceClient {
	hc := *e.srv.Client()
	hc.Transport = &recorder{next: hc.Transport, last: &e.last}
	return testenv.PoolClient(e.srv.URL+prefix, tokens[user], hc)
}

func (e *env) operator() *gophercloud.ServiceClient { return e.client(operatorName, "/v2.0") }

// membersURL is where gophercloud lists and batch-updates a pool's members.
func membersURL(c *gophercloud.ServiceClient, poolID string) string {
	return c.ServiceURL("lbaas", "pools", poolID, "members")
}

// put sends body verbatim as JSON, as a script would, through gophercloud's transport.
func put(c *gophercloud.ServiceClient, url, body string, headers map[string]string) (*http.Response, error) {
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return c.Put(context.Background(), url, strings.NewReader(body), nil, &gophercloud.RequestOpts{OkCodes: []int{202}, MoreHeaders: h})
}

// members returns a pool's members as the store has them.
func (e *env) members(poolID string) []lb.Member {
	e.t.Helper()
	ms, err := e.store.ListMembers(e.ctx, poolID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// unchanged fails unless the pool's members are still before.
func (e *env) unchanged(poolID string, before []lb.Member) {
	e.t.Helper()
	if after := e.members(poolID); !slices.Equal(after, before) {
		e.t.Errorf("a refused call changed pool %s: %d members before, %d after", poolID, len(before), len(after))
	}
}

// lastAudit returns the newest audit entry.
func (e *env) lastAudit() db.AuditEntry {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		e.t.Fatalf("ListAudit = %v, %v", page, err)
	}
	return page.Items[0]
}

// auditCount is how many audit entries there are.
func (e *env) auditCount() int {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Total
}

// groupAuditCount is how many audit entries name the group: tests running beside this one
// write entries of their own to other groups.
func (e *env) groupAuditCount(group string) int {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Group: group, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Total
}

// freeAddresses returns n addresses of the pool's first member's /24 subnet that no member
// and no inventory server holds (the demo's servers sit at .10 to .59), with that subnet.
func (e *env) freeAddresses(n int) ([]string, string) {
	e.t.Helper()
	m := e.members(e.pool.ID)[0]
	prefix := m.Address[:strings.LastIndex(m.Address, ".")+1]
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, prefix+itoa(200+i))
	}
	return out, m.SubnetID
}

// foreignSubnet returns a subnet of another VPC in the load balancer's region.
func (e *env) foreignSubnet() string {
	e.t.Helper()
	page, err := e.store.ListServers(e.ctx, db.ServerFilter{Query: "stg-", Region: e.lb.RegionID, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		e.t.Fatalf("no staging server: %v", err)
	}
	if page.Items[0].VpcID == e.lb.VpcID {
		e.t.Fatal("the staging server is in the load balancer's VPC")
	}
	return page.Items[0].SubnetID
}

// errorBody is the API's error JSON.
type errorBody struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	FaultString string `json:"faultstring"`
}

// wantError fails unless err is gophercloud's answer to status, with a JSON body whose
// message contains want.
func wantError(t *testing.T, err error, status int, want string) errorBody {
	t.Helper()
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T); want HTTP %d", err, err, status)
	}
	var body errorBody
	if jerr := json.Unmarshal(ue.Body, &body); jerr != nil {
		t.Fatalf("error body %q is not JSON: %v", ue.Body, jerr)
	}
	if ue.Actual != status || body.Code != status || !strings.Contains(body.Message, want) || body.FaultString != body.Message {
		t.Fatalf("got %d %s; want %d with a message containing %q", ue.Actual, ue.Body, status, want)
	}
	if ct := ue.ResponseHeader.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type = %q", ct)
	}
	return body
}

func itoa(n int) string { return strconv.Itoa(n) }
