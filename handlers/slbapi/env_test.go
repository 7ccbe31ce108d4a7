package slbapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// Users of each role, and the region the SDK clients are made for.
const (
	adminName    = testenv.Admin
	operatorName = testenv.Operator
	viewerName   = testenv.Viewer
	region       = testenv.Region
)

// env is one console under test: a copy of the demo database, the real router on
// 127.0.0.1:0, and an API key for a user of each role.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *db.DB
	path  string // the database file
	srv   *httptest.Server
	host  string
	users map[string]db.User
	keys  map[string]auth.APICredentials
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := testenv.NewConsole(t, testenv.Options{})
	e := &env{t: t, ctx: c.Ctx, store: c.Store, path: c.Path, srv: c.Server, host: c.Host,
		users: map[string]db.User{}, keys: map[string]auth.APICredentials{}}
	for name := range testenv.Roles {
		u, err := c.Store.UserByName(c.Ctx, name)
		if err != nil {
			t.Fatalf("UserByName(%s): %v", name, err)
		}
		e.users[name], e.keys[name] = u, c.APIKey(name)
	}
	return e
}

// client returns the real SDK's client for a user's key, pointed at the test server.
func (e *env) client(user string) *slb.Client {
	e.t.Helper()
	cred := e.keys[user]
	return e.clientWith(cred.AccessKeyID, cred.AccessKeySecret)
}

func (e *env) clientWith(id, secret string) *slb.Client {
	e.t.Helper()
	c, err := testenv.SLBClient(e.host, id, secret) // the SDK's scheme is http unless told otherwise
	if err != nil {
		e.t.Fatalf("NewClientWithAccessKey: %v", err)
	}
	return c
}

// loadBalancer returns a demo load balancer by name.
func (e *env) loadBalancer(name string) lb.LoadBalancer {
	e.t.Helper()
	page, err := e.store.SearchLoadBalancers(e.ctx, db.LBSearch{Name: name})
	if err != nil || len(page.Items) != 1 {
		e.t.Fatalf("load balancer %s: %v (%d found)", name, err, len(page.Items))
	}
	return page.Items[0].LoadBalancer
}

// vserverGroups returns a load balancer's VServer groups.
func (e *env) vserverGroups(l lb.LoadBalancer) []db.GroupSummary {
	e.t.Helper()
	groups, err := e.store.ListGroups(e.ctx, l.ID)
	if err != nil {
		e.t.Fatalf("ListGroups: %v", err)
	}
	var out []db.GroupSummary
	for _, g := range groups {
		if g.Kind == lb.KindVServer {
			out = append(out, g)
		}
	}
	return out
}

// members returns a group's members, ref being a group id or lb.DefaultGroupRef.
func (e *env) members(lbID, ref string) []lb.Member {
	e.t.Helper()
	v, err := e.store.ReadGroup(e.ctx, lbID, ref)
	if err != nil {
		e.t.Fatalf("ReadGroup(%s, %s): %v", lbID, ref, err)
	}
	return v.Members
}

// servers returns the inventory servers of l's region that match keep and are not in skip.
func (e *env) servers(l lb.LoadBalancer, skip []lb.Member, keep func(lb.Server) bool) []lb.Server {
	e.t.Helper()
	all, err := e.store.ServerCandidates(e.ctx, l, "", 10000)
	if err != nil {
		e.t.Fatalf("ServerCandidates: %v", err)
	}
	in := map[string]bool{}
	for _, m := range skip {
		in[m.ServerID] = true
	}
	var out []lb.Server
	for _, s := range all {
		if !in[s.ID] && keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// joinable says whether a server may join a group of l.
func joinable(l lb.LoadBalancer) func(lb.Server) bool {
	return func(s lb.Server) bool { return lb.CheckCandidate(l, s) == nil }
}

// lastAudit returns the newest audit entry.
func (e *env) lastAudit() db.AuditEntry {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		e.t.Fatalf("ListAudit: %v (%d entries)", err, len(page.Items))
	}
	return page.Items[0]
}

// auditCount returns how many audit entries there are.
func (e *env) auditCount() int {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatalf("ListAudit: %v", err)
	}
	return page.Total
}

// checkAudit checks the newest audit entry against an applied (outcome "ok") or refused call.
func (e *env) checkAudit(requestID, actor, action, outcome string) db.AuditEntry {
	e.t.Helper()
	a := e.lastAudit()
	if a.Source != db.SourceSLBAPI || a.Actor != actor || a.Action != action || a.Outcome != outcome {
		e.t.Errorf("audit entry %d: source %s, actor %s, action %s, outcome %s; want %s, %s, %s, %s",
			a.Seq, a.Source, a.Actor, a.Action, a.Outcome, db.SourceSLBAPI, actor, action, outcome)
	}
	if requestID == "" || a.RequestID != requestID {
		e.t.Errorf("audit entry %d has request id %q, want the answer's RequestId %q", a.Seq, a.RequestID, requestID)
	}
	if a.ClientIP != "127.0.0.1" {
		e.t.Errorf("audit entry %d has client IP %q, want 127.0.0.1", a.Seq, a.ClientIP)
	}
	if strings.Contains(a.Request, "Signature\"") || strings.Contains(a.Request, "AccessKeyId") || !strings.Contains(a.Request, `"Action":`) {
		e.t.Errorf("audit entry %d records the request as %s: want the action and its parameters without Signature and AccessKeyId", a.Seq, a.Request)
	}
	return a
}

// wantCode fails unless err is the SDK's ServerError with the given code and HTTP status.
func wantCode(t *testing.T, err error, code string, status int) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want a ServerError %s", err, err, code)
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Fatalf("got %s (HTTP %d): %s; want %s (HTTP %d)", se.ErrorCode(), se.HttpStatus(), se.Message(), code, status)
	}
	if se.RequestId() == "" || se.Message() == "" {
		t.Errorf("error %s has RequestId %q and Message %q: want both", code, se.RequestId(), se.Message())
	}
	return se
}

// signedURL fills in the common parameters not given, signs params as the SDK does and
// returns the request URL, every parameter in the query.
func (e *env) signedURL(method, secret string, params map[string]string) string {
	common := map[string]string{"Version": "2014-05-15", "Format": "JSON", "SignatureMethod": "HMAC-SHA1",
		"SignatureVersion": "1.0", "SignatureType": "", "SignatureNonce": lb.NewUUID(), "RegionId": region,
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z")}
	for k, v := range common {
		if _, given := params[k]; !given {
			params[k] = v
		}
	}
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("Signature", testSignature(method, secret, params))
	return e.srv.URL + "/?" + q.Encode()
}

// testSignature signs params (but Signature) the way the SDK's rpc_signature_composer.go does.
func testSignature(method, secret string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, percentEncode(k)+"="+percentEncode(params[k]))
	}
	sts := method + "&" + percentEncode("/") + "&" + percentEncode(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func percentEncode(s string) string {
	s = url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
}

// signed is signedURL with a user's key.
func (e *env) signed(user, method string, params map[string]string) string {
	params["AccessKeyId"] = e.keys[user].AccessKeyID
	return e.signedURL(method, e.keys[user].AccessKeySecret, params)
}

// send makes a request and returns its status and body.
func send(t *testing.T, method, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}
