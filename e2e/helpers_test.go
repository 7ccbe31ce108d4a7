package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// Every test user's password, and the users of each role that every environment has.
const (
	password     = testenv.Password
	adminUser    = testenv.Admin
	operatorUser = testenv.Operator
	viewerUser   = testenv.Viewer
)

const (
	// testTimeout bounds each browser tab, so a test that waits for something that never
	// comes fails instead of hanging.
	testTimeout = 90 * time.Second
	// waitTimeout bounds one wait, leaving the tab alive to say what it showed instead.
	waitTimeout = 20 * time.Second
	// Screen size of every tab, so that pages and screenshots look the same on every machine.
	screenWidth, screenHeight = 1366, 900
)

func TestMain(m *testing.M) {
	code := m.Run()
	shared.stop()
	os.Exit(code)
}

// ---------------------------------------------------------------------------------------------
// The browser: one chromium per test binary, started on first use; each test gets tabs in
// browser contexts of their own, so that no two tabs share cookies.

// chromiumPath returns the browser to drive, or "" when there is none: LBCONSOLE_CHROMIUM when
// set, else Debian's chromium-headless-shell, else its chromium, else either on the PATH.
//
// The headless shell is Chromium's own engine without the browser around it (Chromium's "old
// headless" mode, packaged apart since the browser's --headless became the whole browser).
// It renders the same pages with the same Blink and V8, and the tests take 55 s on it
// against 142 s on the whole browser, which spends most of its time on what no page shows.
func chromiumPath() string {
	if p := os.Getenv("LBCONSOLE_CHROMIUM"); p != "" {
		found, _ := exec.LookPath(p)
		return found
	}
	for _, p := range []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "chromium-headless-shell", "chromium"} {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	return ""
}

type browserProcess struct {
	once  sync.Once
	err   error
	root  context.Context
	stops []func()
}

var shared browserProcess

// browserRoot returns the context of the shared browser, starting it on first use. Without
// chromium the test skips, except in CI, where it fails.
func browserRoot(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the browser tests run without -short, as CI runs them")
	}
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI=true: CI must install it (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium); the browser tests skip outside CI")
	}
	shared.once.Do(func() { shared.start(path) })
	if shared.err != nil {
		t.Fatalf("start %s: %v", path, shared.err)
	}
	return shared.root
}

func (b *browserProcess) start(path string) {
	profile, err := os.MkdirTemp("", "lbconsole-e2e-profile-")
	if err != nil {
		b.err = err
		return
	}
	b.stops = append(b.stops, func() { os.RemoveAll(profile) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(screenWidth, screenHeight),
		chromedp.UserDataDir(profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	// Stop the browser before the profile it writes to is removed.
	b.stops = append(b.stops, cancelAlloc, cancelRoot)
	// The first run starts the browser and binds it to root, so it must not have a deadline
	// of its own; wait for it here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(root) }()
	select {
	case b.err = <-started:
	case <-time.After(60 * time.Second):
		b.err = errors.New("the browser did not start within 60 s")
	}
	b.root = root
}

func (b *browserProcess) stop() {
	for i := len(b.stops) - 1; i >= 0; i-- {
		b.stops[i]()
	}
}

// ---------------------------------------------------------------------------------------------
// The console under test.

// env is one console: a copy of the demo database with its users, the real router, a real
// HTTP server.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *db.DB
	base  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	browserRoot(t) // skip (or fail in CI) before any work when there is no browser
	c := testenv.NewConsole(t, testenv.Options{})
	return &env{t: t, ctx: c.Ctx, store: c.Store, base: c.Server.URL}
}

// on returns the environment reporting to t, for use in a subtest.
func (e *env) on(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// step runs one subtest and stops the test when it fails, since the later steps build on it.
func step(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, f) {
		t.FailNow()
	}
}

// bigGroup returns the group with the most members, and its load balancer.
func (e *env) bigGroup() (lb.LoadBalancer, lb.Group) {
	e.t.Helper()
	var best db.GroupSummary
	var bestLB lb.LoadBalancer
	for _, l := range e.loadBalancers() {
		for _, g := range e.groups(l.ID) {
			if g.Members > best.Members {
				best, bestLB = g, l.LoadBalancer
			}
		}
	}
	if best.ID == "" {
		e.t.Fatal("the demo data has no group")
	}
	return bestLB, best.Group
}

// smallGroup returns a VServer group of an active load balancer with a screenful of members,
// and its load balancer: enough rows to select from, few enough to keep the page quick.
func (e *env) smallGroup() (lb.LoadBalancer, lb.Group) {
	e.t.Helper()
	for _, l := range e.loadBalancers() {
		if l.Status != lb.LBActive {
			continue
		}
		for _, g := range e.groups(l.ID) {
			if g.Kind == lb.KindVServer && g.Members >= 8 && g.Members <= 20 {
				return l.LoadBalancer, g.Group
			}
		}
	}
	e.t.Fatal("the demo data has no VServer group of 8 to 20 members on an active load balancer")
	return lb.LoadBalancer{}, lb.Group{}
}

func (e *env) loadBalancers() []db.LBSummary {
	e.t.Helper()
	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		e.t.Fatalf("ListLoadBalancers: %v", err)
	}
	return page.Items
}

func (e *env) groups(lbID string) []db.GroupSummary {
	e.t.Helper()
	gs, err := e.store.ListGroups(e.ctx, lbID)
	if err != nil {
		e.t.Fatalf("ListGroups(%s): %v", lbID, err)
	}
	return gs
}

// members returns a group's members as the database holds them, by member id.
func (e *env) members(groupID string) map[string]lb.Member {
	e.t.Helper()
	ms, err := e.store.ListMembers(e.ctx, groupID)
	if err != nil {
		e.t.Fatalf("ListMembers(%s): %v", groupID, err)
	}
	out := make(map[string]lb.Member, len(ms))
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func (e *env) group(l lb.LoadBalancer, g lb.Group) lb.Group {
	e.t.Helper()
	got, err := e.store.GetGroup(e.ctx, l.ID, g.ID)
	if err != nil {
		e.t.Fatalf("GetGroup(%s): %v", g.ID, err)
	}
	return got
}

// newestAudit returns the newest audit entry.
func (e *env) newestAudit() db.AuditEntry {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		e.t.Fatalf("ListAudit = %d entries, %v; want the newest", len(page.Items), err)
	}
	return page.Items[0]
}

// setWeight changes a member's weight as a script would, behind the console's back.
func (e *env) setWeight(l lb.LoadBalancer, g lb.Group, memberID string, weight int) db.BatchResult {
	e.t.Helper()
	res, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{
		LoadBalancerID: l.ID, GroupRef: g.ID, Actor: adminUser, Source: db.SourcePoolAPI, RequestID: "e2e-set-weight",
		Batch:   lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: memberID, Weight: &weight}}},
		Request: fmt.Sprintf(`{"member":%q,"weight":%d}`, memberID, weight),
	})
	if err != nil {
		e.t.Fatalf("set the weight of %s to %d: %v", memberID, weight, err)
	}
	return res
}

// memberLabel names a member as the console's messages and the audit log do.
func memberLabel(m lb.Member) string {
	if m.Port == 0 {
		return m.ServerID
	}
	return fmt.Sprintf("%s:%d", m.ServerID, m.Port)
}

func groupPath(l lb.LoadBalancer, g lb.Group) string {
	return "/lbs/" + l.ID + "/groups/" + g.ID
}

// ---------------------------------------------------------------------------------------------
// A tab: one browser tab driven by one test, with the helpers that read and act on its page.

type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newTab opens a tab in a browser context of its own (its own cookies), closed when the test
// ends.
func (e *env) newTab() *tab {
	e.t.Helper()
	return e.newTabAt(laptop)
}

// newTabAt is newTab on a screen of the given size.
func (e *env) newTabAt(s screen) *tab {
	e.t.Helper()
	root := browserRoot(e.t)
	limit, cancelLimit := context.WithTimeout(root, testTimeout)
	ctx, cancel := chromedp.NewContext(limit, chromedp.WithNewBrowserContext())
	e.t.Cleanup(func() { cancel(); cancelLimit() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, s.height)); err != nil {
		e.t.Fatalf("open a browser tab: %v", err)
	}
	return &tab{t: e.t, ctx: ctx, base: e.base}
}

// on returns the tab reporting to t, for use in a subtest.
func (p *tab) on(t *testing.T) *tab {
	c := *p
	c.t = t
	return &c
}

// signedIn opens a tab signed in as user, on the load balancer list. The sign-in itself is
// made over HTTP and its cookies handed to the tab: TestSignIn drives the form, the other
// tests start where it ends, a second sooner each.
func (e *env) signedIn(user string) *tab {
	e.t.Helper()
	return e.signedInAt(user, laptop)
}

// signedInAt is signedIn on a screen of the given size.
func (e *env) signedInAt(user string, s screen) *tab {
	e.t.Helper()
	p := e.newTabAt(s)
	b := testenv.NewBrowser(e.t, e.base, nil)
	b.SignIn(user, password)
	base, err := url.Parse(e.base)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ck := range b.HTTP.Jar.Cookies(base) {
		// The jar gives name and value only: the attributes are the ones the console sets.
		set := network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.base + "/", Path: "/",
			HTTPOnly: new(true), SameSite: network.CookieSameSiteLax}
		if _, err := chromedp.Call(p.ctx, network.SetCookie, set); err != nil {
			p.fatalf("hand the cookie %s to the tab: %v", ck.Name, err)
		}
	}
	p.open("/lbs")
	p.waitVisible(`tr[data-testid=lb-row]`)
	return p
}

// signIn fills and sends the sign-in form; the caller waits for what should follow.
func (p *tab) signIn(user, pass string) {
	p.t.Helper()
	p.open("/login")
	p.waitVisible(`form[data-testid=login-form]`)
	p.typeInto(`form[data-testid=login-form] input[name=username]`, user)
	p.typeInto(`form[data-testid=login-form] input[name=password]`, pass)
	p.click(`form[data-testid=login-form] button[type=submit]`)
}

// do runs actions with the wait bound, failing the test with what the page shows.
func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fatalf("%s: %v", what, err)
	}
}

// fatalf fails the test, adding the tab's address and the start of its text.
func (p *tab) fatalf(format string, args ...any) {
	p.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "")`))
	if err == nil {
		if r := []rune(page); len(r) > 1500 {
			page = string(r[:1500]) + "…"
		}
		msg += "\n--- the tab shows:\n" + page
	}
	p.t.Fatal(msg)
}

func (p *tab) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path))
}

func (p *tab) waitVisible(sel string) {
	p.t.Helper()
	p.do("wait for "+sel+" to show", chromedp.WaitVisible(chromedp.CSS(sel)))
}

func (p *tab) waitGone(sel string) {
	p.t.Helper()
	p.waitUntil(sel+" is gone", fmt.Sprintf(`document.querySelector(%s) === null`, js(sel)))
}

func (p *tab) click(sel string) {
	p.t.Helper()
	p.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// shiftClick clicks with the Shift key held, as a user extends a selection.
func (p *tab) shiftClick(sel string) {
	p.t.Helper()
	p.do("shift-click "+sel, chromedp.QueryAfter(chromedp.CSS(sel),
		func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (chromedp.Void, error) {
			return chromedp.MouseClickNode(nodes[0], chromedp.ButtonModifiers(chromedp.ModifierShift))(ctx, t)
		}, chromedp.NodeVisible))
}

// typeInto empties a field and types text into it, key by key.
func (p *tab) typeInto(sel, text string) {
	p.t.Helper()
	p.waitVisible(sel)
	p.eval(fmt.Sprintf(`(el => { el.focus(); el.value = ""; return true })(document.querySelector(%s))`, js(sel)))
	p.sendKeys(sel, text)
}

// sendKeys types into a field as it is, keys such as kb.Enter included.
func (p *tab) sendKeys(sel, keys string) {
	p.t.Helper()
	p.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), keys))
}

// eval runs a script that must answer true.
func (p *tab) eval(expr string) {
	p.t.Helper()
	if ok := evalAs[bool](p, expr); !ok {
		p.fatalf("%s answered false", expr)
	}
}

// evalAs runs a script in the page and returns its value.
func evalAs[T any](p *tab, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitUntil polls a script until it answers true, within the wait bound.
func (p *tab) waitUntil(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			p.fatalf("waiting until %s: %v (last error: %v)", what, ctx.Err(), lastErr)
		case <-time.After(40 * time.Millisecond):
		}
	}
}

// settled waits until htmx has no request in flight and has swapped and settled what came.
// htmx wires up new content (its hx-get and hx-post) only when it settles, a moment after the
// content shows: a click on a button before that is lost.
func (p *tab) settled() {
	p.t.Helper()
	p.waitUntil("htmx is idle", `window.htmx && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`)
}

func (p *tab) count(sel string) int {
	p.t.Helper()
	return evalAs[int](p, fmt.Sprintf(`document.querySelectorAll(%s).length`, js(sel)))
}

func (p *tab) exists(sel string) bool {
	p.t.Helper()
	return p.count(sel) > 0
}

// text returns the text of the first element sel matches, trimmed.
func (p *tab) text(sel string) string {
	p.t.Helper()
	p.waitVisible(sel)
	return evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).innerText.trim()`, js(sel)))
}

// texts returns the text of every element sel matches, trimmed.
func (p *tab) texts(sel string) []string {
	p.t.Helper()
	return evalAs[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), el => el.innerText.trim())`, js(sel)))
}

// attrs returns an attribute of every element sel matches.
func (p *tab) attrs(sel, name string) []string {
	p.t.Helper()
	return evalAs[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), el => el.getAttribute(%s) || "")`, js(sel), js(name)))
}

// location returns the tab's address without the server's.
func (p *tab) location() *url.URL {
	p.t.Helper()
	u, err := url.Parse(evalAs[string](p, `location.href`))
	if err != nil {
		p.fatalf("parse the location: %v", err)
	}
	return u
}

// markOld tags the elements that sel matches now, so that a wait for the fresh ones an answer
// brings (sel:not([data-e2e-old])) cannot see the stale ones.
func (p *tab) markOld(sel string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(document.querySelectorAll(%s).forEach(el => el.dataset.e2eOld = "1"), true)`, js(sel)))
}

// clickForStatus clicks and returns the HTTP status of the answer to the request whose path ends
// with pathSuffix that the click makes.
func (p *tab) clickForStatus(sel, pathSuffix string) int {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	// Subscribe before the click, so that the answer cannot come first.
	responses := chromedp.Events(ctx, network.ResponseReceived)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.fatalf("click %s: %v", sel, err)
	}
	for ev, err := range responses {
		if err != nil {
			p.fatalf("waiting for the answer to %s after clicking %s: %v", pathSuffix, sel, err)
		}
		if u, err := url.Parse(ev.Response.URL); err == nil && strings.HasSuffix(u.Path, pathSuffix) {
			return int(ev.Response.Status)
		}
	}
	p.fatalf("no answer to %s after clicking %s", pathSuffix, sel)
	return 0
}

// screenshot saves the tab's screen as a PNG.
func (p *tab) screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// download clicks a link that downloads a file, lets the browser save it, and returns the name
// the server suggested and the bytes saved.
func (p *tab) download(sel string) (string, []byte) {
	p.t.Helper()
	dir := p.t.TempDir()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	})
	if err != nil {
		p.fatalf("allow downloads: %v", err)
	}
	// Subscribe before the click, so that no event comes first.
	begins := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	p.click(sel)
	var begin browser.EventDownloadWillBegin
	for ev, err := range begins {
		if err != nil {
			p.fatalf("waiting for the download to begin: %v", err)
		}
		if strings.HasPrefix(ev.URL, p.base) {
			begin = ev
			break
		}
	}
	for ev, err := range progress {
		if err != nil {
			p.fatalf("waiting for the download of %s: %v", begin.URL, err)
		}
		if ev.GUID != begin.GUID {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			p.fatalf("the download of %s was canceled", begin.URL)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	// allowAndName saves the file under the download's GUID.
	data, err := os.ReadFile(filepath.Join(dir, begin.GUID))
	if err != nil {
		p.fatalf("read the downloaded file: %v", err)
	}
	return begin.SuggestedFilename, data
}

// js quotes a string for a script.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ---------------------------------------------------------------------------------------------
// The group page.

const (
	memberRowSel = `tr[data-testid=member-row]`
	previewSel   = `#preview [data-testid=preview]`
	flashSel     = `#flash [data-testid=flash]`
)

// openGroup opens a group's page and waits until its table and scripts are ready.
func (p *tab) openGroup(l lb.LoadBalancer, g lb.Group) {
	p.t.Helper()
	p.open(groupPath(l, g))
	p.waitVisible(`table[data-testid=member-table]`)
	p.waitUntil("htmx is loaded", `window.htmx !== undefined`)
}

// rowSel selects the n-th member row, counting from 1.
func rowSel(n int) string { return fmt.Sprintf(`%s:nth-child(%d)`, memberRowSel, n) }

// memberSel selects the row of one member.
func memberSel(id string) string { return fmt.Sprintf(`%s[data-member-id=%q]`, memberRowSel, id) }

// checkRow ticks the checkbox of the n-th member row.
func (p *tab) checkRow(n int) {
	p.t.Helper()
	p.click(rowSel(n) + ` input[name=member]`)
}

// rowIDs returns the member ids of the rows shown, in order.
func (p *tab) rowIDs() []string {
	p.t.Helper()
	return p.attrs(memberRowSel, "data-member-id")
}

// checkedIDs returns the member ids whose checkboxes are ticked, in order.
func (p *tab) checkedIDs() []string {
	p.t.Helper()
	return evalAs[[]string](p, `Array.from(document.querySelectorAll('input[name=member]:checked'), b => b.value)`)
}

// preview clicks a batch button (op-remove, op-drain, …) and waits for its fresh preview.
func (p *tab) preview(op string) {
	p.t.Helper()
	button := `[data-testid=op-` + op + `]`
	p.waitUntil(button+" is enabled", fmt.Sprintf(`!document.querySelector(%s).disabled`, js(button)))
	p.markOld(previewSel)
	p.click(button)
	p.waitVisible(previewSel + `:not([data-e2e-old])`)
	p.settled()
}

// apply clicks the preview's Apply button and returns the answer's status and the fresh message.
func (p *tab) apply() (int, string) {
	p.t.Helper()
	p.markOld(flashSel)
	status := p.clickForStatus(`[data-testid=apply]`, "/batch")
	fresh := flashSel + `:not([data-e2e-old])`
	p.waitVisible(fresh)
	p.settled()
	return status, p.text(fresh)
}

// memberFor returns the database's member for the n-th row.
func (p *tab) memberFor(n int, members map[string]lb.Member) lb.Member {
	p.t.Helper()
	ids := p.rowIDs()
	if n > len(ids) {
		p.fatalf("the table has %d rows, not %d", len(ids), n)
	}
	m, ok := members[ids[n-1]]
	if !ok {
		p.fatalf("row %d shows member %s, which the database does not hold", n, ids[n-1])
	}
	return m
}

// sameKeys reports whether a map's keys are exactly want.
func sameKeys[V any](m map[string]V, want []string) bool {
	if len(m) != len(want) {
		return false
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// firstMember returns the member with the smallest id, so that a test picks the same one each run.
func firstMember(ms map[string]lb.Member) lb.Member {
	return ms[slices.Min(keys(ms))]
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
