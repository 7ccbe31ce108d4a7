package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/db"
	"lbconsole/handlers"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// The test users' password and names: every console has a user of each role.
const (
	testPassword = testenv.Password
	adminName    = testenv.Admin
	operatorName = testenv.Operator
	viewerName   = testenv.Viewer
)

// A browser, its answers, and what may change a request: testenv's.
type (
	client   = testenv.Browser
	response = testenv.Response
	option   = testenv.Option
)

// htmx makes the request as htmx does.
var htmx option = testenv.HTMX

// header sets a request header.
func header(k, v string) option { return testenv.Header(k, v) }

// withCookie sends a cookie by hand, as a replaying attacker would.
func withCookie(c *http.Cookie) option { return testenv.WithCookie(c) }

// env is one console under test: a copy of the demo database with a user of each role, the
// real router and a real HTTP server, a clock that moves only when the test moves it (the
// router's and the store's, so that sessions and throttles move together), and metrics that
// the store reports to.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *db.DB
	path    string
	srv     *httptest.Server
	clock   *testenv.Clock
	metrics *handlers.Metrics
	router  http.Handler
	console *testenv.Console
}

// newEnv starts a console with the default configuration.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith starts a console whose Config tweak changes, when given, before the router is
// built; with Config.Secure the console is served over TLS, as a browser would only send its
// Secure cookies there.
func newEnvWith(t *testing.T, tweak func(*handlers.Config)) *env {
	t.Helper()
	c := testenv.NewConsole(t, testenv.Options{Clock: testenv.NewClock(), Config: func(cfg *handlers.Config) {
		cfg.SessionIdle, cfg.SessionLifetime = 30*time.Minute, 12*time.Hour
		if tweak != nil {
			tweak(cfg)
		}
	}})
	return &env{t: t, ctx: c.Ctx, store: c.Store, path: c.Path, srv: c.Server, clock: c.Clock, metrics: c.Metrics,
		router: c.Router, console: c}
}

// browser is a new browser of its own, which trusts the server's certificate when there is one.
func (e *env) browser() *client { return e.console.Browser() }

// signIn returns a new browser signed in as the named user; it holds the login page's CSRF
// token until it loads a page.
func (e *env) signIn(name string) *client {
	e.t.Helper()
	return e.console.SignIn(name)
}

// signInAt signs the named user in with a new browser and loads /lbs, so that the browser holds
// the session's CSRF token.
func (e *env) signInAt(name string) *client {
	e.t.Helper()
	c := e.signIn(name)
	wantStatus(e.t, c.Get("/lbs"), http.StatusOK)
	return c
}

// bigGroup is the demo's group with the most members, and its load balancer.
func (e *env) bigGroup() (lbID string, g db.GroupSummary) {
	e.t.Helper()
	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range page.Items {
		groups, err := e.store.ListGroups(e.ctx, l.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, gr := range groups {
			if gr.Members > g.Members {
				lbID, g = l.ID, gr
			}
		}
	}
	if g.Members < 250 {
		e.t.Fatalf("the biggest demo group has %d members; want at least 250", g.Members)
	}
	return lbID, g
}

func groupPath(lbID, groupID string) string { return "/lbs/" + lbID + "/groups/" + groupID }

func (e *env) members(groupID string) []lb.Member {
	e.t.Helper()
	ms, err := e.store.ListMembers(e.ctx, groupID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

func (e *env) auditTotal() int {
	e.t.Helper()
	p, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Total
}

func (e *env) groupVersion(lbID, groupID string) int64 {
	e.t.Helper()
	g, err := e.store.GetGroup(e.ctx, lbID, groupID)
	if err != nil {
		e.t.Fatal(err)
	}
	return g.Version
}

// snapshot is what a refused request must leave as it was.
type snapshot struct {
	members []lb.Member
	version int64
	audit   int
}

func (e *env) snapshot(lbID, groupID string) snapshot {
	e.t.Helper()
	return snapshot{members: e.members(groupID), version: e.groupVersion(lbID, groupID), audit: e.auditTotal()}
}

// assertUnchanged fails unless the group's members and version are as in s; with audit it also
// checks that no audit entry was written.
func (e *env) assertUnchanged(t *testing.T, lbID, groupID string, s snapshot, audit bool) {
	t.Helper()
	now := e.snapshot(lbID, groupID)
	if !slices.EqualFunc(now.members, s.members, func(a, b lb.Member) bool { return a == b }) {
		t.Errorf("the group's members changed: %d before, %d now", len(s.members), len(now.members))
	}
	if now.version != s.version {
		t.Errorf("group version = %d; want it unchanged at %d", now.version, s.version)
	}
	if audit && now.audit != s.audit {
		t.Errorf("audit entries = %d; want unchanged at %d", now.audit, s.audit)
	}
}

// memberRow is a member as the group page shows it.
type memberRow struct {
	ID, ServerID, Port, Weight string
	HasBox                     bool
}

func memberRows(d *goquery.Document) []memberRow {
	var out []memberRow
	d.Find(`tr[data-testid="member-row"]`).Each(func(_ int, s *goquery.Selection) {
		r := memberRow{ID: s.AttrOr("data-member-id", ""), ServerID: s.AttrOr("data-server-id", ""),
			Port: s.AttrOr("data-port", ""), Weight: s.AttrOr("data-weight", "")}
		box := s.Find(`input[type="checkbox"][name="member"]`)
		r.HasBox = box.Length() == 1 && box.AttrOr("value", "") == r.ID
		out = append(out, r)
	})
	return out
}

func rowsByID(rows []memberRow) map[string]memberRow {
	m := make(map[string]memberRow, len(rows))
	for _, r := range rows {
		m[r.ID] = r
	}
	return m
}

// batchFormValues reads the version and token that the group page's batch form carries.
func batchFormValues(t *testing.T, d *goquery.Document) (version, csrf string) {
	t.Helper()
	f := d.Find(`form[data-testid="batch-form"]`)
	if f.Length() != 1 {
		t.Fatalf("found %d batch forms; want 1", f.Length())
	}
	version = f.Find(`input[type="hidden"][name="version"]`).AttrOr("value", "")
	csrf = f.Find(`input[type="hidden"][name="_csrf"]`).AttrOr("value", "")
	if version == "" || csrf == "" {
		t.Fatalf("batch form: version %q, _csrf %q; want both set", version, csrf)
	}
	return version, csrf
}

// pickMembers returns n members of distinct servers, from the middle of the list.
func pickMembers(t *testing.T, ms []lb.Member, n int) []lb.Member {
	t.Helper()
	seen := map[string]bool{}
	var out []lb.Member
	for _, m := range ms[len(ms)/3:] {
		if seen[m.ServerID] {
			continue
		}
		seen[m.ServerID] = true
		out = append(out, m)
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("found only %d members on distinct servers; want %d", len(out), n)
	return nil
}

func ids(ms []lb.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// batchForm is the form the group page posts.
func batchForm(op, version string, memberIDs []string, extra ...string) url.Values {
	f := url.Values{"op": {op}, "version": {version}, "member": memberIDs}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s = %d; want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Snippet())
	}
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
