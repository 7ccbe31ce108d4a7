package handlers_test

// Hostile input: a table of bad requests across the console's forms and query strings, the
// SLB RPC API (validly signed, the bad part in a parameter) and the pool members REST API (with
// a valid token). Every case must be refused with a 4xx whose message names what is wrong,
// change nothing, and never answer the payload back as markup. A second test stores hostile
// text the rules allow and checks that every page renders it escaped, and that the CSV export
// defuses formula text.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
)

// hstCase is one hostile request and what its refusal must say.
type hstCase struct {
	name string
	// api marks answers of the two cloud APIs, which must never be HTML.
	api  bool
	send func(t *testing.T, fx *hstFixture) *response
	// status is the exact status wanted; zero accepts any 4xx.
	status int
	// keys are words of which at least one must appear in the answer's message.
	keys []string
	// payload is hostile text the request carries, which must not come back as markup.
	payload string
}

// Hostile payloads.
const (
	hstScript = `<script>alert(1)</script>`
	hstImg    = `<img src=x onerror=alert(1)>`
	hstSVG    = `"><svg onload=alert(1)>`
	hstSQL    = `' OR 1=1 --`
	hstSQL2   = `x'; DROP TABLE members; --`
	hstRTL    = "\u202e"
	hstZW     = "\u200b"
	hstBadU8  = "\xff\xfe"
)

func TestHostileInputs(t *testing.T) {
	t.Parallel()
	fx := newHstFixture(t)
	cases := hstCases()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases are named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) { fx.run(t, c) })
	}
	t.Logf("%d hostile input cases", len(cases))
	if len(cases) < 100 {
		t.Errorf("only %d hostile input cases; want at least 100", len(cases))
	}
}

// hstFixture is one console with the demo data, signed-in browsers, an operator's API key, and
// the load balancers and groups the cases aim at.
type hstFixture struct {
	e           *env
	op, admin   *client
	cred        auth.APICredentials // the operator's
	raw         *sql.DB             // a read-only view of the database, for digests
	conn        *sql.Conn           // one connection of raw: data_version is per connection
	last        map[string]string
	lastVersion int64
	bigLB       string
	big         db.GroupSummary
	bigMembers  []lb.Member

	lb          lb.LoadBalancer // active, with a populated default list and VServer group
	pool        lb.Group
	poolMembers []lb.Member
	dflt        lb.Group
	dfltMembers []lb.Member
	dfltRunning lb.Member // a member of the default list whose server runs
	lockedPool  lb.Group
	lockedLB    lb.LoadBalancer
	otherRegion string
	bigCand     lb.Server // may join the big group; not in it
	bigIsVS     bool      // the big group is a VServer group, so bigCand joins it on port 9191
	cand        lb.Server // may join fx.lb's groups; in none of them
	stopped     lb.Server // in fx.lb's region, stopped
}

func newHstFixture(t *testing.T) *hstFixture {
	t.Helper()
	e := newEnv(t)
	fx := &hstFixture{e: e, op: e.signIn(operatorName), admin: e.signIn(adminName)}
	// The session's CSRF token comes with its first page.
	fx.op.Get("/lbs")
	fx.admin.Get("/lbs")
	u, err := e.store.UserByName(e.ctx, operatorName)
	if err != nil {
		t.Fatal(err)
	}
	fx.cred = auth.NewAPICredentials()
	if _, err := e.store.CreateAPIKey(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, u.ID, fx.cred); err != nil {
		t.Fatal(err)
	}
	fx.raw, err = sql.Open("sqlite", "file:"+(&url.URL{Path: e.path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fx.raw.Close() })
	if fx.conn, err = fx.raw.Conn(e.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fx.conn.Close() })
	fx.bigLB, fx.big = e.bigGroup()
	fx.bigMembers = e.members(fx.big.ID)

	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range page.Items {
		groups, err := e.store.ListGroups(e.ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var dflt, pool lb.Group
		var dfltN, poolN int
		for _, g := range groups {
			switch {
			case g.Kind == lb.KindDefault:
				dflt, dfltN = g.Group, g.Members
			case g.Members > 0 && g.Members < 100 && pool.ID == "":
				pool, poolN = g.Group, g.Members
			}
		}
		switch {
		case l.Status == lb.LBLocked && pool.ID != "" && fx.lockedPool.ID == "":
			fx.lockedPool, fx.lockedLB = pool, l.LoadBalancer
		case l.Status == lb.LBActive && l.ID != fx.bigLB && dfltN > 0 && poolN > 0 && fx.pool.ID == "":
			fx.lb, fx.pool, fx.dflt = l.LoadBalancer, pool, dflt
		}
	}
	if fx.pool.ID == "" || fx.lockedPool.ID == "" {
		t.Fatal("the demo data has no active load balancer with a populated default list and VServer group, or no locked one with a group")
	}
	fx.poolMembers, fx.dfltMembers = e.members(fx.pool.ID), e.members(fx.dflt.ID)
	for _, m := range fx.dfltMembers {
		if s, err := e.store.GetServer(e.ctx, m.ServerID); err == nil && s.Status == lb.StatusRunning {
			fx.dfltRunning = m
			break
		}
	}
	if fx.dfltRunning.ID == "" {
		t.Fatalf("no server of %s's default list runs", fx.lb.ID)
	}
	for _, l := range page.Items {
		if l.RegionID != fx.lb.RegionID {
			fx.otherRegion = l.RegionID
			break
		}
	}
	in := map[string]bool{}
	for _, m := range append(slices.Clone(fx.poolMembers), fx.dfltMembers...) {
		in[m.ServerID] = true
	}
	servers, err := e.store.ServerCandidates(e.ctx, fx.lb, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		switch {
		case s.Status == lb.StatusStopped && fx.stopped.ID == "":
			fx.stopped = s
		case !in[s.ID] && lb.CheckCandidate(fx.lb, s) == nil && fx.cand.ID == "":
			fx.cand = s
		}
	}
	bigLB, err := e.store.GetLoadBalancer(e.ctx, fx.bigLB)
	if err != nil {
		t.Fatal(err)
	}
	fx.bigIsVS = fx.big.Kind == lb.KindVServer
	inBig := map[string]bool{}
	for _, m := range fx.bigMembers {
		// A VServer group takes a server again on another port ($BIGPORT).
		inBig[m.ServerID] = !fx.bigIsVS
	}
	if servers, err = e.store.ServerCandidates(e.ctx, bigLB, "", 100000); err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		if !inBig[s.ID] && lb.CheckCandidate(bigLB, s) == nil {
			fx.bigCand = s
			break
		}
	}
	if fx.cand.ID == "" || fx.stopped.ID == "" || fx.otherRegion == "" || fx.bigCand.ID == "" {
		t.Fatalf("the demo data lacks a joinable server (%q, %q), a stopped one (%q) or a second region (%q)", fx.cand.ID, fx.bigCand.ID, fx.stopped.ID, fx.otherRegion)
	}
	return fx
}

// run sends one case and checks its answer and the database.
func (fx *hstFixture) run(t *testing.T, c hstCase) {
	before, seq := fx.digest(t), fx.lastSeq(t)
	r := c.send(t, fx)
	after := fx.digest(t)

	ct := r.Header.Get("Content-Type")
	msg := hstMessage(t, r)
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	t.Logf("%d %s: %s", r.StatusCode, ct, msg)
	if r.StatusCode < 400 || r.StatusCode > 499 {
		t.Errorf("answered %d (%s); want a 4xx refusal\n%s", r.StatusCode, ct, r.Snippet())
	} else if c.status != 0 && r.StatusCode != c.status {
		t.Errorf("answered %d; want %d\nmessage: %s", r.StatusCode, c.status, msg)
	}
	if refused := r.StatusCode >= 400 && r.StatusCode <= 499; refused && len(c.keys) > 0 && !containsAnyFold(msg, c.keys) {
		t.Errorf("the message does not name the problem (want one of %q):\n%q", c.keys, msg)
	}
	if c.api && strings.HasPrefix(strings.ToLower(ct), "text/html") {
		t.Errorf("an API answered with Content-Type %q; want its own JSON or XML error\n%s", ct, r.Snippet())
	}
	hstNoMarkup(t, r, c.payload)
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("table %s changed", table)
		}
	}
	for _, o := range fx.auditSince(t, seq) {
		if o == db.OutcomeOK {
			t.Errorf("an audit entry with outcome ok was written: something was applied")
		}
	}
}

// hstMessage is the part of an answer that explains a refusal: the alerts of an HTML page,
// the message and code of a JSON or XML error, or the whole body of anything else.
func hstMessage(t *testing.T, r *response) string {
	t.Helper()
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ct, "text/html"):
		d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatalf("parse HTML: %v", err)
		}
		var parts []string
		d.Find(`[role="alert"], [data-testid="import-problem"]`).Each(func(_ int, s *goquery.Selection) {
			parts = append(parts, text(s))
		})
		return strings.Join(parts, " | ")
	case strings.Contains(ct, "json"):
		var m map[string]any
		if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
			t.Errorf("the JSON answer does not parse: %v\n%s", err, r.Snippet())
			return r.Body
		}
		var parts []string
		for _, k := range []string{"Code", "Message", "message", "faultstring"} {
			if s, ok := m[k].(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " | ")
	case strings.Contains(ct, "xml"):
		var e struct{ Code, Message string }
		if err := xml.Unmarshal([]byte(r.Body), &e); err != nil {
			t.Errorf("the XML answer does not parse: %v\n%s", err, r.Snippet())
			return r.Body
		}
		return e.Code + " | " + e.Message
	}
	return r.Body
}

func containsAnyFold(s string, keys []string) bool {
	s = strings.ToLower(s)
	for _, k := range keys {
		if strings.Contains(s, strings.ToLower(k)) {
			return true
		}
	}
	return false
}

// hstNoMarkup fails when the answer carries the payload as markup: literally, or as an element
// or event handler an HTML parser would create.
func hstNoMarkup(t *testing.T, r *response, payload string) {
	t.Helper()
	if payload != "" && strings.ContainsAny(payload, "<>") && strings.Contains(r.Body, payload) {
		t.Errorf("the answer holds the payload %q unescaped", payload)
	}
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "text/html") {
		return
	}
	if bad := hstInjected(r.Body); bad != "" {
		t.Errorf("the HTML answer holds %s", bad)
	}
}

// hstInjected returns a description of the first element or attribute in page that only a
// payload could have made, or "".
func hstInjected(page string) string {
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "HTML that does not parse: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "svg", "iframe", "object", "embed":
				found = "an <" + n.Data + "> element"
				return
			case "img":
				for _, a := range n.Attr {
					if a.Key == "src" && a.Val == "x" {
						found = "an <img src=x> element"
						return
					}
				}
			case "script":
				if n.FirstChild != nil && strings.Contains(n.FirstChild.Data, "alert(") {
					found = "a <script> element running alert()"
					return
				}
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					found = fmt.Sprintf("an event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return found
}

// hstTables are what a refused request must leave as they were.
var hstTables = []string{"regions", "vpcs", "subnets", "servers", "load_balancers", "groups", "members", "users", "api_keys"}

// digest returns a hash of each table's rows. It is taken again only when another connection
// has committed since the last one (SQLite's data_version says so), which keeps the table
// fast under the race detector.
func (fx *hstFixture) digest(t *testing.T) map[string]string {
	t.Helper()
	var version int64
	if err := fx.conn.QueryRowContext(fx.e.ctx, "PRAGMA data_version").Scan(&version); err != nil {
		t.Fatalf("data_version: %v", err)
	}
	if fx.last != nil && version == fx.lastVersion {
		return fx.last
	}
	out := map[string]string{}
	for _, table := range hstTables {
		query := "SELECT * FROM " + table + " ORDER BY 1"
		if table == "api_keys" {
			// A key's last use is noted once a signed call reaches an API, refused or not.
			query = "SELECT id, user_id, access_key_id, secret_sealed, token_hash, created, revoked, label, expires FROM api_keys ORDER BY 1"
		}
		rows, err := fx.conn.QueryContext(fx.e.ctx, query)
		if err != nil {
			t.Fatalf("digest %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("digest %s: %v", table, err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%T:%v\x1f", v, v)
			}
			h.Write([]byte{'\x1e'})
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("digest %s: %v", table, err)
		}
		rows.Close()
		out[table] = hex.EncodeToString(h.Sum(nil))
	}
	fx.last, fx.lastVersion = out, version
	return out
}

func (fx *hstFixture) lastSeq(t *testing.T) int64 {
	t.Helper()
	var seq sql.NullInt64
	if err := fx.raw.QueryRow("SELECT max(seq) FROM audit_log").Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq.Int64
}

// auditSince returns the outcomes of the audit entries after seq.
func (fx *hstFixture) auditSince(t *testing.T, seq int64) []string {
	t.Helper()
	rows, err := fx.raw.Query("SELECT outcome FROM audit_log WHERE seq > ? ORDER BY seq", seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// --- console requests ---

// browser returns who's browser for the subtest t.
func (fx *hstFixture) browser(t *testing.T, who string) *client {
	base := fx.op
	if who == adminName {
		base = fx.admin
	}
	c := *base
	c.T = t
	return &c
}

// cGet loads a console page as the operator.
func (fx *hstFixture) cGet(t *testing.T, path string, opts ...option) *response {
	return fx.browser(t, operatorName).Get(path, opts...)
}

// cPost posts form with the CSRF token as who.
func (fx *hstFixture) cPost(t *testing.T, who, path string, form url.Values, opts ...option) *response {
	c := fx.browser(t, who)
	return c.Post(path, c.WithCSRF(form), opts...)
}

// cRaw sends body as it is with the given Content-Type, the CSRF token in its header.
func (fx *hstFixture) cRaw(t *testing.T, who, method, path, ctype string, body []byte) *response {
	c := fx.browser(t, who)
	return c.Do(method, path, bytes.NewReader(body), header("Content-Type", ctype), header("X-CSRF-Token", c.CSRF))
}

func (fx *hstFixture) version(t *testing.T, lbID, groupID string) string {
	t.Helper()
	g, err := fx.e.store.GetGroup(fx.e.ctx, lbID, groupID)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(g.Version, 10)
}

// batch posts the big group's batch form to route (batch or preview) as the operator: op, the
// member ids, and pairs of further fields, added in order (so a field can be given twice). The
// current version is filled in unless the pairs name version; an empty value leaves it out.
func (fx *hstFixture) batch(t *testing.T, route, op string, members []string, pairs ...string) *response {
	f := url.Values{}
	if op != "" {
		f.Set("op", op)
	}
	f["member"] = members
	version := fx.version(t, fx.bigLB, fx.big.ID)
	port := ""
	if fx.bigIsVS {
		port = "9191"
	}
	fill := strings.NewReplacer("$BIGCAND", fx.bigCand.ID, "$BIGPORT", port)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "version" {
			version = pairs[i+1]
			continue
		}
		f.Add(pairs[i], fill.Replace(pairs[i+1]))
	}
	if version != "" {
		f.Set("version", version)
	}
	return fx.cPost(t, operatorName, groupPath(fx.bigLB, fx.big.ID)+"/"+route, f, htmx)
}

// member returns the id of the big group's i-th member.
func (fx *hstFixture) member(i int) string { return fx.bigMembers[i].ID }

// upload posts a CSV file to the server import as the admin.
func (fx *hstFixture) upload(t *testing.T, name string, content []byte) *response {
	c := fx.browser(t, adminName)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.CSRF)
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return c.Do(http.MethodPost, "/servers/import", &buf, header("Content-Type", w.FormDataContentType()), header("X-CSRF-Token", c.CSRF))
}

// --- SLB API requests ---

// slbParams fills in the common parameters not given and the operator's key.
func (fx *hstFixture) slbParams(p map[string]string) map[string]string {
	common := map[string]string{"Version": "2014-05-15", "Format": "JSON", "SignatureMethod": "HMAC-SHA1",
		"SignatureVersion": "1.0", "SignatureType": "", "SignatureNonce": lb.NewUUID(), "RegionId": fx.lb.RegionID,
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"), "AccessKeyId": fx.cred.AccessKeyID}
	for k, v := range common {
		if _, given := p[k]; !given {
			p[k] = v
		}
	}
	return p
}

// slbQuery signs p for method and returns the query string, every parameter in it.
func (fx *hstFixture) slbQuery(method string, p map[string]string) string {
	return fx.slbSigned(method, fx.slbParams(p), nil)
}

// slbSigned returns the query string of p and a signature over p and body, the parameters a
// form body carries.
func (fx *hstFixture) slbSigned(method string, p, body map[string]string) string {
	all := map[string]string{}
	for k, v := range p {
		all[k] = v
	}
	for k, v := range body {
		all[k] = v
	}
	var query []string
	for k, v := range p {
		query = append(query, hstEncode(k)+"="+hstEncode(v))
	}
	sort.Strings(query)
	return strings.Join(query, "&") + "&Signature=" + hstEncode(fx.slbSignature(method, all))
}

func (fx *hstFixture) slbSignature(method string, p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, hstEncode(k)+"="+hstEncode(p[k]))
	}
	sts := method + "&" + hstEncode("/") + "&" + hstEncode(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(fx.cred.AccessKeySecret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// slbForm POSTs a validly signed call with p in the query and body as a form body.
func (fx *hstFixture) slbForm(t *testing.T, p, body map[string]string) *response {
	form := url.Values{}
	for k, v := range body {
		form.Set(k, v)
	}
	q := fx.slbSigned(http.MethodPost, fx.slbParams(p), body)
	return fx.send(t, http.MethodPost, "/?"+q, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func hstEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}

// slb sends a validly signed GET with p.
func (fx *hstFixture) slb(t *testing.T, p map[string]string) *response {
	return fx.send(t, http.MethodGet, "/?"+fx.slbQuery(http.MethodGet, p), "", nil)
}

// slbDefault calls action on fx.lb's default server list with the given BackendServers.
func (fx *hstFixture) slbDefault(t *testing.T, action, servers string) *response {
	return fx.slb(t, map[string]string{"Action": action, "LoadBalancerId": fx.lb.ID, "BackendServers": servers})
}

// slbGroup calls action on fx.pool with the given BackendServers.
func (fx *hstFixture) slbGroup(t *testing.T, action, servers string) *response {
	return fx.slb(t, map[string]string{"Action": action, "VServerGroupId": fx.pool.ID, "BackendServers": servers})
}

// send makes a request without cookies and reads the answer.
func (fx *hstFixture) send(t *testing.T, method, path, ctype string, body []byte, hdr ...string) *response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, fx.e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{Response: res, Body: string(b), T: t}
}

// --- REST API requests ---

func (fx *hstFixture) poolPath(pool string) string {
	return "/v2.0/lbaas/pools/" + url.PathEscape(pool) + "/members"
}

// rest sends body to path with the operator's token and the given Content-Type.
func (fx *hstFixture) rest(t *testing.T, method, path, ctype, body string) *response {
	var b []byte
	if body != "" || method == http.MethodPut || method == http.MethodPost {
		b = []byte(body)
	}
	return fx.send(t, method, path, ctype, b, "X-Auth-Token", fx.cred.Token)
}

// restBatch PUTs a JSON batch body to fx.pool.
func (fx *hstFixture) restBatch(t *testing.T, body string) *response {
	return fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID), "application/json", body)
}

// restAdd PUTs an add of one member with the given JSON fields to fx.pool.
func (fx *hstFixture) restAdd(t *testing.T, fields string) *response {
	return fx.restBatch(t, `{"action":"add","members":[{`+fields+`}]}`)
}

// addr is an address inside fx.pool's VPC, and subnet its subnet.
func (fx *hstFixture) addr() string   { return fx.poolMembers[0].Address }
func (fx *hstFixture) subnet() string { return fx.poolMembers[0].SubnetID }

// jsonString is s as a JSON string, with <, > and & left as they are.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSpace(b.String())
}

var hstPorts atomic.Int32

// port returns a protocol port that no earlier call returned, so that a wrongly accepted add
// cannot make the next case fail for the wrong reason.
func (fx *hstFixture) port() int { return 60000 + int(hstPorts.Add(1)) }

// --- stored hostile text ---

// TestHostileStoredTextRendersEscaped stores hostile text that the rules allow (a member name by
// the REST API, a server name by the CSV import) and checks that every page showing it escapes
// it, and that the audit CSV defuses cells that a spreadsheet would run as formulas.
func TestHostileStoredTextRendersEscaped(t *testing.T) {
	t.Parallel()
	fx := newHstFixture(t)
	const memberName = hstImg
	const serverName = `<script>alert(2)</script><img src=x onerror=alert(3)>`
	const formula = `=cmd|' /C calc'!A0`

	// A member named with markup, by the REST API.
	port := 61234
	r := fx.restAdd(t, fmt.Sprintf(`"name":%s,"address":%q,"protocol_port":%d,"weight":7`, jsonString(memberName), fx.addr(), port))
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("add a member named %q: %d %s", memberName, r.StatusCode, r.Snippet())
	}
	var member lb.Member
	for _, m := range fx.e.members(fx.pool.ID) {
		if m.Address == fx.addr() && m.Port == port {
			member = m
		}
	}
	if member.Description != memberName {
		t.Fatalf("the new member's description is %q; want %q", member.Description, memberName)
	}
	addSeq := fx.lastSeq(t)

	// A member whose name is formula text, then a refused SLB call whose audit message starts
	// with a ServerId that is formula text.
	r = fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID)+"/"+member.ID, "application/json", `{"member":{"name":`+jsonString(formula)+`}}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("rename the member to %q: %d %s", formula, r.StatusCode, r.Snippet())
	}
	formulaSeq := fx.lastSeq(t)
	r = fx.slbDefault(t, "SetBackendServers", `[{"ServerId":"=1+2"}]`)
	if r.StatusCode < 400 || r.StatusCode > 499 {
		t.Fatalf("SetBackendServers with ServerId =1+2 and nothing to set: %d %s; want a refusal", r.StatusCode, r.Snippet())
	}
	refusedSeq := fx.lastSeq(t)
	// And back to the markup name, so that the group page shows it.
	r = fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID)+"/"+member.ID, "application/json", `{"member":{"name":`+jsonString(memberName)+`}}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("rename the member back: %d %s", r.StatusCode, r.Snippet())
	}

	// A server named with markup, by the CSV import.
	serverID := "i-hostile0001"
	serverAddr := hstFreeAddress(t, fx)
	csvFile := "id,name,address,subnet_id,type,status\n" +
		serverID + "," + csvCell(serverName) + "," + serverAddr + "," + fx.subnet() + ",ecs,Running\n"
	const fileName = `<img src=x onerror=alert(4)>.csv`
	r = fx.upload(t, fileName, []byte(csvFile))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("import a server named %q: %d %s", serverName, r.StatusCode, hstMessage(t, r))
	}
	if s, err := fx.e.store.GetServer(fx.e.ctx, serverID); err != nil || s.Name != serverName {
		t.Fatalf("the imported server is %+v, %v; want the name %q", s, err, serverName)
	}
	importSeq := fx.lastSeq(t)
	q := url.QueryEscape

	pages := []struct {
		name, path, want string
	}{
		{"group page", groupPath(fx.lb.ID, fx.pool.ID), memberName},
		{"group page (htmx)", groupPath(fx.lb.ID, fx.pool.ID) + "?q=" + url.QueryEscape(fx.addr()), memberName},
		{"audit page", "/audit", ""},
		{"audit detail of the add", "/audit/" + strconv.FormatInt(addSeq, 10), memberName},
		{"audit detail of the rename", "/audit/" + strconv.FormatInt(formulaSeq, 10), formula},
		{"audit detail of the refused call", "/audit/" + strconv.FormatInt(refusedSeq, 10), "=1+2"},
		{"audit detail of the import", "/audit/" + strconv.FormatInt(importSeq, 10), fileName},
		{"servers page", "/servers?q=" + serverID, serverName},
		// Hostile text in search fields, echoed into the pages' inputs and links.
		{"audit page filtered by a hostile actor", "/audit?actor=" + q(hstSVG) + "&lb=" + q(hstScript), ""},
		{"load balancers searched for hostile text", "/lbs?q=" + q(hstSVG), ""},
		{"servers searched for hostile text", "/servers?q=" + q(hstSVG), ""},
		{"group filtered by hostile text", groupPath(fx.lb.ID, fx.pool.ID) + "?q=" + q(hstSVG), ""},
		{"candidates searched for hostile text", groupPath(fx.lb.ID, fx.pool.ID) + "/candidates?pick_q=" + q(hstSVG), ""},
		{"candidates picker", groupPath(fx.lb.ID, fx.pool.ID) + "/candidates?pick_q=" + serverID, serverName},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var opts []option
			if strings.Contains(p.name, "htmx") {
				opts = append(opts, htmx)
			}
			r := fx.cGet(t, p.path, opts...)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d\n%s", p.path, r.StatusCode, r.Snippet())
			}
			for _, payload := range []string{memberName, serverName, fileName, hstSVG, hstScript} {
				if strings.Contains(r.Body, payload) {
					t.Errorf("the page holds %q unescaped", payload)
				}
			}
			if bad := hstInjected(r.Body); bad != "" {
				t.Errorf("the page holds %s", bad)
			}
			if p.want != "" && !strings.Contains(r.Doc().Text(), p.want) {
				t.Errorf("the page does not show %q as text", p.want)
			}
			if p.want != "" && strings.ContainsAny(p.want, "<>") && !strings.Contains(r.Body, html.EscapeString(p.want)) &&
				!strings.Contains(r.Body, strings.ReplaceAll(strings.ReplaceAll(p.want, "<", "&lt;"), ">", "&gt;")) {
				t.Errorf("the page does not hold %q escaped", p.want)
			}
		})
	}

	t.Run("audit CSV defuses formula text", func(t *testing.T) {
		r := fx.cGet(t, "/audit.csv")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /audit.csv = %d", r.StatusCode)
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		sawFormula := false
		for i, row := range rows {
			for j, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("row %d, column %s starts with %q: a spreadsheet would run it: %q", i, rows[0][j], cell[0], cell)
				}
				if strings.HasPrefix(cell, "'=1+2") {
					sawFormula = true
				}
			}
		}
		if !sawFormula {
			t.Errorf("no cell holds the refused call's ServerId =1+2, defused as '=1+2")
		}
	})
}

// csvCell quotes s for a CSV file.
func csvCell(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// hstFreeAddress returns an address in fx.subnet() that no server uses.
func hstFreeAddress(t *testing.T, fx *hstFixture) string {
	t.Helper()
	var cidr string
	if err := fx.raw.QueryRow("SELECT cidr FROM subnets WHERE id = ?", fx.subnet()).Scan(&cidr); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	rows, err := fx.raw.Query("SELECT address FROM servers WHERE subnet_id = ? UNION SELECT address FROM members WHERE subnet_id = ?", fx.subnet(), fx.subnet())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		used[a] = true
	}
	rows.Close()
	base := strings.Split(strings.Split(cidr, "/")[0], ".")
	for i := 250; i > 2; i-- {
		a := fmt.Sprintf("%s.%s.%s.%d", base[0], base[1], base[2], i)
		if !used[a] && lb.CheckAddressInSubnet(a, lb.Subnet{ID: fx.subnet(), CIDR: cidr}) == nil {
			return a
		}
	}
	t.Fatalf("no free address in %s", cidr)
	return ""
}

// TestHostileDetector checks the markup detector itself: it must see an injected element or
// handler, and must not mistake escaped text for one.
func TestHostileDetector(t *testing.T) {
	t.Parallel()
	for _, injected := range []string{
		`<p><img src=x onerror=alert(1)></p>`,
		`<p><script>alert(1)</script></p>`,
		`<input value=""><svg onload=alert(1)>">`,
		`<a href="#" onclick="alert(1)">x</a>`,
	} {
		if hstInjected(injected) == "" {
			t.Errorf("hstInjected(%q) = \"\"; want it found", injected)
		}
	}
	for _, escaped := range []string{
		`<p>&lt;img src=x onerror=alert(1)&gt;</p>`,
		`<input value="&#34;&gt;&lt;svg onload=alert(1)&gt;">`,
		`<pre>{"name":"&lt;script&gt;alert(1)&lt;/script&gt;"}</pre>`,
	} {
		if got := hstInjected(escaped); got != "" {
			t.Errorf("hstInjected(%q) = %q; want nothing found", escaped, got)
		}
	}
}
