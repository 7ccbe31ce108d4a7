package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/handlers"
	"lbconsole/lb"
)

// testPassword is every test user's password.
const testPassword = "correct-horse-battery-staple"

// Users of each role that every environment has.
const (
	adminName    = "alice"
	operatorName = "oscar"
	viewerName   = "vera"
)

var (
	hashOnce sync.Once
	hashText string
	hashErr  error
)

// passwordHash hashes testPassword once per test binary: argon2id is slow on purpose.
func passwordHash(t testing.TB) string {
	t.Helper()
	hashOnce.Do(func() { hashText, hashErr = auth.HashPassword(testPassword) })
	if hashErr != nil {
		t.Fatalf("hash the test password: %v", hashErr)
	}
	return hashText
}

func key32(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// env is one console under test: a real SQLite file with the demo data, the real router and a
// real HTTP server.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *db.DB
	path  string
	srv   *httptest.Server
}

// newEnv starts a console on a fresh database seeded with the demo data and one user of each role.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "console.db")
	store, err := db.Open(ctx, path, db.Options{Key: key32('k')})
	if err != nil {
		t.Fatalf("db.Open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if seeded, err := store.SeedDemo(ctx); err != nil || !seeded {
		t.Fatalf("SeedDemo = %v, %v; want true, nil", seeded, err)
	}
	h := passwordHash(t)
	for name, role := range map[string]lb.Role{adminName: lb.RoleAdmin, operatorName: lb.RoleOperator, viewerName: lb.RoleViewer} {
		if _, err := store.CreateUser(ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, name, role, h); err != nil {
			t.Fatalf("CreateUser(%s): %v", name, err)
		}
	}
	router, err := handlers.New(handlers.Config{
		DB:        store,
		CookieKey: key32('c'),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	return &env{t: t, ctx: ctx, store: store, path: path, srv: srv}
}

// client is one browser: it keeps its cookies, never follows redirects (so that tests see
// them), and remembers the last CSRF token a page gave it.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string
}

func (e *env) newClient() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, e: e, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn returns a new browser signed in as the named user.
func (e *env) signIn(name string) *client {
	e.t.Helper()
	c := e.newClient()
	c.get("/login")
	r := c.post("/login", c.withCSRF(url.Values{"username": {name}, "password": {testPassword}}))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/lbs" {
		e.t.Fatalf("sign in as %s: %d %s, Location %q; want 303 to /lbs", name, r.StatusCode, r.snippet(), r.Header.Get("Location"))
	}
	return c
}

// response is an answer with its body read.
type response struct {
	*http.Response
	Body string
	t    *testing.T
}

// Doc parses the body as HTML.
func (r *response) Doc() *goquery.Document {
	r.t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		r.t.Fatalf("parse HTML: %v", err)
	}
	return d
}

func (r *response) snippet() string {
	if len(r.Body) > 600 {
		return r.Body[:600] + "…"
	}
	return r.Body
}

// cookie returns the named cookie that the answer sets, or nil.
func (r *response) cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

type option func(*http.Request)

// htmx makes the request as htmx does.
func htmx(r *http.Request) { r.Header.Set("HX-Request", "true") }

// header sets a request header.
func header(k, v string) option { return func(r *http.Request) { r.Header.Set(k, v) } }

// withCookie sends a cookie by hand, as a replaying attacker would.
func withCookie(c *http.Cookie) option { return func(r *http.Request) { r.AddCookie(c) } }

func (c *client) do(method, path string, body io.Reader, opts ...option) *response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &response{Response: res, Body: string(b), t: c.t}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if tok, ok := r.Doc().Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
			c.csrf = tok
		}
	}
	return r
}

func (c *client) get(path string, opts ...option) *response {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil, opts...)
}

// post sends form exactly as given: add the token with withCSRF.
func (c *client) post(path string, form url.Values, opts ...option) *response {
	c.t.Helper()
	return c.do(http.MethodPost, path, strings.NewReader(form.Encode()), opts...)
}

// withCSRF returns a copy of form with this browser's CSRF token.
func (c *client) withCSRF(form url.Values) url.Values {
	c.t.Helper()
	if c.csrf == "" {
		c.t.Fatal("no CSRF token yet: load a page first")
	}
	out := url.Values{}
	for k, v := range form {
		out[k] = slices.Clone(v)
	}
	out.Set("_csrf", c.csrf)
	return out
}

// sessionCookie returns the session cookie the browser holds, or nil.
func (c *client) sessionCookie() *http.Cookie {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "lbconsole_session" {
			return ck
		}
	}
	return nil
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
		t.Fatalf("%s %s = %d; want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.snippet())
	}
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
