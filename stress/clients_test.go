package stress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// Client kinds, as the figures name them.
const (
	kindConsole = "console"
	kindSLB     = "slb-sdk"
	kindGopher  = "gophercloud"
)

// world is what every client shares: the groups, the tally, where the server is and when to
// stop.
type world struct {
	fx       fixture
	count    *counter
	addr     atomic.Pointer[string] // host:port of the server; "" while it is down
	deadline time.Time
	maxSteps int
	timeout  time.Duration // for each request
	// crashing says the server is killed under the clients: failed connections are expected
	// and not worth a sample.
	crashing bool
	stopped  atomic.Bool // set to end every client's loop before its deadline
}

func (w *world) setAddr(a string) { w.addr.Store(&a) }

func (w *world) host() string {
	if p := w.addr.Load(); p != nil {
		return *p
	}
	return ""
}

// run calls step until maxSteps steps were made, the deadline passed or the world was
// stopped; while the server is down it waits a little instead.
func (w *world) run(step func(host string)) {
	for i := 0; i < w.maxSteps && time.Now().Before(w.deadline) && !w.stopped.Load(); i++ {
		host := w.host()
		if host == "" {
			sleepUntil(10*time.Millisecond, w.deadline)
			continue
		}
		step(host)
	}
}

// transportError counts a request that got no answer.
func (w *world) transportError(kind, what string, err error) {
	w.count.add(kind, catErrors)
	if !w.crashing {
		w.count.sample("%s %s: %v", kind, what, err)
	}
}

// weight returns a weight to set: valid nineteen times in twenty.
func weight(rng *rand.Rand) int {
	if rng.IntN(20) == 0 {
		return 101 + rng.IntN(100)
	}
	return rng.IntN(101)
}

// sizeBias says whether a group of n members should grow (+1), shrink (-1) or either (0), so
// that groups neither empty nor swell however long the clients run.
func sizeBias(g target, n int) int {
	switch {
	case n <= 4:
		return 1
	case n >= len(g.Start)+12:
		return -1
	}
	return 0
}

// pickN returns up to n distinct random elements of s.
func pickN[T any](rng *rand.Rand, s []T, n int) []T {
	idx := rng.Perm(len(s))
	if n > len(s) {
		n = len(s)
	}
	out := make([]T, n)
	for i := range out {
		out[i] = s[idx[i]]
	}
	return out
}

func addrPort(a string, port int) string { return a + ":" + strconv.Itoa(port) }

// ---- console: a signed-in operator posting the group page's batch form ----

type consoleClient struct {
	w    *world
	name string
	rng  *rand.Rand
	http *http.Client
	n    int
}

func newConsoleClient(w *world, name string, seed uint64) *consoleClient {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &consoleClient{w: w, name: name, rng: rand.New(rand.NewPCG(seed, 7)), http: &http.Client{
		Jar: jar, Timeout: w.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	status  int
	body    string
	doc     *goquery.Document
	csrf    string
	version string
}

func (c *consoleClient) do(method, u string, form url.Values, requestID string) (*page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if requestID != "" {
		req.Header.Set("X-Request-Id", requestID)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	p := &page{status: res.StatusCode, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body)); err != nil {
			return nil, err
		}
		p.csrf = p.doc.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
		p.version = p.doc.Find(`form[data-testid="batch-form"] input[name="version"]`).AttrOr("value", "")
	}
	return p, nil
}

// signIn signs the client in through the login form.
func (c *consoleClient) signIn(host, user, password string) error {
	p, err := c.do(http.MethodGet, "http://"+host+"/login", nil, "")
	if err != nil {
		return err
	}
	if p.csrf == "" {
		return fmt.Errorf("GET /login: %d without a CSRF token", p.status)
	}
	p, err = c.do(http.MethodPost, "http://"+host+"/login", url.Values{"username": {user}, "password": {password}, "_csrf": {p.csrf}}, "")
	if err != nil {
		return err
	}
	if p.status != http.StatusSeeOther {
		return fmt.Errorf("POST /login as %s: %d, want 303", user, p.status)
	}
	return nil
}

type row struct{ id, serverID string }

// step loads a group's page, picks a batch from what it shows and posts it with the version
// the page carried, after a short pause in which other clients may move the group on.
func (c *consoleClient) step(host string) {
	w, rng := c.w, c.rng
	g := w.fx.targets[rng.IntN(len(w.fx.targets))]
	w.count.add(kindConsole, catReads)
	p, err := c.do(http.MethodGet, "http://"+host+g.path(), nil, "")
	if err != nil {
		w.transportError(kindConsole, "GET "+g.path(), err)
		return
	}
	if p.status >= 500 {
		w.count.add(kindConsole, cat5xx)
		w.count.sample("console GET %s: %d %.300s", g.path(), p.status, p.body)
		return
	}
	if p.status != http.StatusOK || p.version == "" || p.csrf == "" {
		w.count.refused(kindConsole, catErrors, "GET "+strconv.Itoa(p.status), "")
		w.count.sample("console GET %s: %d, version %q: %.300s", g.path(), p.status, p.version, p.body)
		return
	}
	rows := rowsOf(p.doc)

	form := url.Values{"version": {p.version}, "_csrf": {p.csrf}}
	a := ack{Client: c.name, Group: g.Group.ID}
	selected := pickN(rng, rows, 1+rng.IntN(3))
	for _, r := range selected {
		form.Add("member", r.id)
	}
	pick := func(n int) {
		for _, s := range pickN(rng, w.fx.pool, n) {
			form.Add("new_server", s.ID)
			form.Add("new_port", strconv.Itoa(g.Port))
			form.Add("new_weight", strconv.Itoa(rng.IntN(101)))
			a.Adds = append(a.Adds, addrPort(s.ID, g.Port))
		}
	}
	op := []string{"remove", "drain", "weights", "add", "replace"}[rng.IntN(5)]
	switch sizeBias(g, len(rows)) {
	case 1:
		op = "add"
	case -1:
		op = "remove"
	}
	form.Set("op", op)
	switch op {
	case "remove":
		a.Action = lb.ActionRemove
		for _, r := range selected {
			a.Dels = append(a.Dels, r.id)
		}
		if rng.IntN(10) == 0 { // a member listed twice: removed once
			form.Add("member", selected[0].id)
		}
	case "drain":
		a.Action = lb.ActionSetWeights
	case "weights":
		a.Action = lb.ActionSetWeights
		form.Set("weight", strconv.Itoa(weight(rng)))
	case "add":
		a.Action = lb.ActionAdd
		form.Del("member")
		pick(1 + rng.IntN(2))
	case "replace":
		a.Action = lb.ActionReplace
		form["member"] = form["member"][:1]
		a.Dels = []string{selected[0].id}
		pick(1)
	}
	sleepUntil(time.Duration(rng.IntN(15))*time.Millisecond, w.deadline.Add(time.Second))

	// A stale refusal answers with the fresh table; like a person, the client applies the same
	// selection once more on it if every selected member is still there.
	for attempt := 0; ; attempt++ {
		c.n++
		requestID := fmt.Sprintf("con-%s-%d-%d", c.name, c.n, rng.Uint32())
		w.count.add(kindConsole, catRequests)
		res, err := c.do(http.MethodPost, "http://"+host+g.path()+"/batch", form, requestID)
		if err != nil {
			w.transportError(kindConsole, "POST "+op, err)
			return
		}
		flash := ""
		if res.doc != nil {
			flash = strings.Join(strings.Fields(res.doc.Find(`[data-testid="flash"]`).Text()), " ")
		}
		switch {
		case res.status == http.StatusOK:
			w.count.applied(kindConsole, requestID, a)
		case res.status >= 500:
			w.count.add(kindConsole, cat5xx)
			w.count.sample("console POST %s %s (%s): %d %.300s", op, g.path(), requestID, res.status, res.body)
		case res.status == http.StatusConflict && strings.Contains(flash, "changed since you loaded"):
			w.count.refused(kindConsole, catStale, "409 stale", requestID)
			if attempt == 0 && res.version != "" && res.version != form.Get("version") && allPresent(form["member"], rowsOf(res.doc)) {
				form.Set("version", res.version)
				continue
			}
		case res.status == http.StatusConflict:
			w.count.refused(kindConsole, catConflict, "409", requestID)
		default:
			w.count.refused(kindConsole, catRefused, strconv.Itoa(res.status), requestID)
		}
		return
	}
}

func rowsOf(doc *goquery.Document) []row {
	var rows []row
	doc.Find(`tr[data-testid="member-row"]`).Each(func(_ int, s *goquery.Selection) {
		rows = append(rows, row{id: s.AttrOr("data-member-id", ""), serverID: s.AttrOr("data-server-id", "")})
	})
	return rows
}

// allPresent reports whether every id is among rows.
func allPresent(ids []string, rows []row) bool {
	in := make(map[string]bool, len(rows))
	for _, r := range rows {
		in[r.id] = true
	}
	for _, id := range ids {
		if !in[id] {
			return false
		}
	}
	return true
}

// ---- SLB: the Alibaba Cloud SDK's VServer group actions ----

type slbClient struct {
	w          *world
	name       string
	rng        *rand.Rand
	id, secret string
	sdk        *slb.Client
	sdkHost    string
	n          int
}

func newSLBClient(w *world, name string, seed uint64, id, secret string) *slbClient {
	return &slbClient{w: w, name: name, rng: rand.New(rand.NewPCG(seed, 11)), id: id, secret: secret}
}

// client returns the SDK's client for host, made anew when the server moved.
func (c *slbClient) client(host string) (*slb.Client, error) {
	if c.sdk != nil && c.sdkHost == host {
		return c.sdk, nil
	}
	sdk, err := testenv.SLBClient(host, c.id, c.secret) // the SDK speaks http unless told otherwise
	if err != nil {
		return nil, err
	}
	sdk.GetConfig().WithAutoRetry(false)
	sdk.SetConnectTimeout(2 * time.Second)
	sdk.SetReadTimeout(c.w.timeout)
	c.sdk, c.sdkHost = sdk, host
	return sdk, nil
}

// answer classifies an SDK call's error; it reports whether the call was applied.
func (c *slbClient) answer(op string, err error) bool {
	w := c.w
	if err == nil {
		return true
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		w.transportError(kindSLB, op, err)
		return false
	}
	requestID := se.RequestId()
	if op == "DescribeVServerGroupAttribute" {
		requestID = "" // not a batch
	}
	switch {
	case se.HttpStatus() >= 500:
		w.count.add(kindSLB, cat5xx)
		w.count.sample("slb %s (%s): %d %s %s", op, se.RequestId(), se.HttpStatus(), se.ErrorCode(), se.Message())
	case strings.Contains(se.Message(), "already in group"):
		w.count.refused(kindSLB, catConflict, se.ErrorCode()+" (duplicate)", requestID)
	default:
		w.count.refused(kindSLB, catRefused, se.ErrorCode(), requestID)
	}
	return false
}

type slbServer struct {
	ServerID    string `json:"ServerId"`
	Port        int    `json:"Port"`
	Weight      *int   `json:"Weight,omitempty"`
	Description string `json:"Description,omitempty"`
}

func slbList(servers []slbServer) string {
	var b strings.Builder
	b.WriteString("[")
	for i, s := range servers {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"ServerId":%q,"Port":%d`, s.ServerID, s.Port)
		if s.Weight != nil {
			fmt.Fprintf(&b, `,"Weight":%d`, *s.Weight)
		}
		if s.Description != "" {
			fmt.Fprintf(&b, `,"Description":%q`, s.Description)
		}
		b.WriteString("}")
	}
	b.WriteString("]")
	return b.String()
}

// step reads a group with DescribeVServerGroupAttribute and changes it with one of the four
// VServer group actions.
func (c *slbClient) step(host string) {
	w, rng := c.w, c.rng
	sdk, err := c.client(host)
	if err != nil {
		w.transportError(kindSLB, "client", err)
		return
	}
	g := w.fx.targets[rng.IntN(len(w.fx.targets))]
	d := slb.CreateDescribeVServerGroupAttributeRequest()
	d.VServerGroupId = g.Group.ID
	w.count.add(kindSLB, catReads)
	desc, err := sdk.DescribeVServerGroupAttribute(d)
	if !c.answer("DescribeVServerGroupAttribute", err) {
		return
	}
	var members []slbServer
	for _, s := range desc.BackendServers.BackendServer {
		if s.ServerId != "" {
			members = append(members, slbServer{ServerID: s.ServerId, Port: s.Port})
		}
	}
	newServers := func(n int) []slbServer {
		var out []slbServer
		for _, s := range pickN(rng, w.fx.pool, n) {
			wt := rng.IntN(101)
			out = append(out, slbServer{ServerID: s.ID, Port: g.Port, Weight: &wt})
		}
		return out
	}
	adds := func(servers []slbServer) []string {
		var out []string
		for _, s := range servers {
			out = append(out, addrPort(s.ServerID, s.Port))
		}
		return out
	}
	op := rng.IntN(4)
	switch sizeBias(g, len(desc.BackendServers.BackendServer)) {
	case 1:
		op = 0
	case -1:
		op = 1
	}
	if len(members) == 0 && op != 0 {
		op = 0
	}
	a := ack{Client: c.name, Group: g.Group.ID}
	var requestID string
	w.count.add(kindSLB, catRequests)
	switch op {
	case 0:
		req := slb.CreateAddVServerGroupBackendServersRequest()
		req.VServerGroupId = g.Group.ID
		servers := newServers(1 + rng.IntN(3))
		if rng.IntN(10) == 0 { // a server listed twice: refused as a duplicate
			servers = append(servers, servers[0])
		}
		req.BackendServers = slbList(servers)
		a.Action, a.Adds = lb.ActionAdd, adds(servers)
		res, err := sdk.AddVServerGroupBackendServers(req)
		if !c.answer("AddVServerGroupBackendServers", err) {
			return
		}
		requestID = res.RequestId
	case 1:
		req := slb.CreateRemoveVServerGroupBackendServersRequest()
		req.VServerGroupId = g.Group.ID
		gone := pickN(rng, members, 1+rng.IntN(3))
		switch rng.IntN(8) {
		case 0, 1: // one that is not there: ignored
			gone = append(gone, slbServer{ServerID: w.fx.pool[rng.IntN(len(w.fx.pool))].ID, Port: g.Port + 1})
		case 2: // one listed twice: removed once
			gone = append(gone, gone[0])
		}
		req.BackendServers = slbList(gone)
		a.Action = lb.ActionRemove
		res, err := sdk.RemoveVServerGroupBackendServers(req)
		if !c.answer("RemoveVServerGroupBackendServers", err) {
			return
		}
		requestID = res.RequestId
	case 2:
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId = g.Group.ID
		set := pickN(rng, members, 1+rng.IntN(3))
		for i := range set {
			wt := weight(rng)
			set[i].Weight = &wt
			if rng.IntN(2) == 0 {
				set[i].Description = fmt.Sprintf("%s-%d", c.name, c.n)
			}
		}
		req.BackendServers = slbList(set)
		a.Action = lb.ActionSetWeights
		res, err := sdk.SetVServerGroupAttribute(req)
		if !c.answer("SetVServerGroupAttribute", err) {
			return
		}
		requestID = res.RequestId
	case 3:
		req := slb.CreateModifyVServerGroupBackendServersRequest()
		req.VServerGroupId = g.Group.ID
		old := pickN(rng, members, 1)
		servers := newServers(1)
		if rng.IntN(10) == 0 { // a server replaced by itself: out and in again, as a new member
			servers = []slbServer{{ServerID: old[0].ServerID, Port: old[0].Port, Weight: servers[0].Weight}}
		}
		req.OldBackendServers, req.NewBackendServers = slbList(old), slbList(servers)
		a.Action, a.Adds = lb.ActionReplace, adds(servers)
		res, err := sdk.ModifyVServerGroupBackendServers(req)
		if !c.answer("ModifyVServerGroupBackendServers", err) {
			return
		}
		requestID = res.RequestId
	}
	c.n++
	if requestID == "" {
		w.count.add(kindSLB, catErrors)
		w.count.sample("slb %s: a success without RequestId", a.Action)
		return
	}
	w.count.applied(kindSLB, requestID, a)
}

// ---- gophercloud: the pool members REST API ----

type gopherClient struct {
	w     *world
	name  string
	rng   *rand.Rand
	token string
	pc    *gophercloud.ProviderClient
	n     int
}

func newGopherClient(w *world, name string, seed uint64, token string) *gopherClient {
	return &gopherClient{w: w, name: name, rng: rand.New(rand.NewPCG(seed, 13)), token: token,
		pc: &gophercloud.ProviderClient{TokenID: token, HTTPClient: http.Client{Timeout: w.timeout}}}
}

// service returns a service client for host that sends requestID as X-Request-Id.
func (c *gopherClient) service(host, requestID string) *gophercloud.ServiceClient {
	sc := testenv.PoolService(c.pc, "http://"+host+"/v2.0")
	if requestID != "" {
		sc.MoreHeaders = map[string]string{"X-Request-Id": requestID}
	}
	return sc
}

// answer classifies a gophercloud error; it reports whether the call succeeded.
func (c *gopherClient) answer(op, requestID string, err error) bool {
	w := c.w
	if err == nil {
		return true
	}
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) {
		w.transportError(kindGopher, op, err)
		return false
	}
	switch {
	case ue.Actual >= 500:
		w.count.add(kindGopher, cat5xx)
		w.count.sample("gophercloud %s (%s): %d %.300s", op, requestID, ue.Actual, ue.Body)
	case ue.Actual == http.StatusConflict:
		w.count.refused(kindGopher, catConflict, "409", requestID)
	default:
		w.count.refused(kindGopher, catRefused, strconv.Itoa(ue.Actual), requestID)
	}
	return false
}

// newAddress returns an address to add: an inventory server's or a free one of the VPC.
func (c *gopherClient) newAddress() string {
	if c.rng.IntN(5) < 3 {
		return c.w.fx.pool[c.rng.IntN(len(c.w.fx.pool))].Address
	}
	return c.w.fx.free[c.rng.IntN(len(c.w.fx.free))]
}

// step lists a pool's members and changes it with one of six calls: a batch add, delete or
// replace (gophercloud's own BatchUpdateMembers), or one member created, updated or deleted.
func (c *gopherClient) step(host string) {
	w, rng := c.w, c.rng
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	g := w.fx.targets[rng.IntN(len(w.fx.targets))]
	w.count.add(kindGopher, catReads)
	pages, err := pools.ListMembers(c.service(host, ""), g.Group.ID, pools.ListMembersOpts{}).AllPages(ctx)
	if !c.answer("ListMembers", "", err) {
		return
	}
	members, err := pools.ExtractMembers(pages)
	if err != nil {
		w.count.add(kindGopher, catErrors)
		w.count.sample("gophercloud ExtractMembers: %v", err)
		return
	}
	op := rng.IntN(6)
	switch sizeBias(g, len(members)) {
	case 1:
		op = []int{0, 3}[rng.IntN(2)]
	case -1:
		op = []int{1, 5}[rng.IntN(2)]
	}
	if len(members) == 0 && op != 0 && op != 3 {
		op = 0
	}
	c.n++
	requestID := fmt.Sprintf("gc-%s-%d-%d", c.name, c.n, rng.Uint32())
	sc := c.service(host, requestID)
	url := sc.ServiceURL("lbaas", "pools", g.Group.ID, "members")
	a := ack{Client: c.name, Group: g.Group.ID}
	var header http.Header
	w.count.add(kindGopher, catRequests)
	switch op {
	case 0: // PUT members, action add
		var entries []map[string]any
		for i := 0; i < 1+rng.IntN(2); i++ {
			addr := c.newAddress()
			entries = append(entries, map[string]any{"address": addr, "protocol_port": g.Port, "weight": rng.IntN(101), "name": requestID})
			a.Adds = append(a.Adds, addrPort(addr, g.Port))
		}
		a.Action = lb.ActionAdd
		res, err := sc.Put(ctx, url, map[string]any{"action": "add", "members": entries}, nil, &gophercloud.RequestOpts{OkCodes: []int{202}})
		if !c.answer("PUT members add", requestID, err) {
			return
		}
		header = res.Header
	case 1: // PUT members, action delete
		var entries []map[string]any
		for _, m := range pickN(rng, members, 1+rng.IntN(2)) {
			entries = append(entries, map[string]any{"id": m.ID})
			a.Dels = append(a.Dels, m.ID)
		}
		if rng.IntN(10) == 0 { // an id listed twice: deleted once
			entries = append(entries, entries[0])
		}
		a.Action = lb.ActionRemove
		res, err := sc.Put(ctx, url, map[string]any{"action": "delete", "members": entries}, nil, &gophercloud.RequestOpts{OkCodes: []int{202}})
		if !c.answer("PUT members delete", requestID, err) {
			return
		}
		header = res.Header
	case 2: // gophercloud's BatchUpdateMembers: no action, so replace
		drop := rng.IntN(len(members))
		change := rng.IntN(len(members))
		var opts []pools.BatchUpdateMemberOpts
		for i, m := range members {
			if i == drop && len(members) > 4 {
				continue
			}
			o := pools.BatchUpdateMemberOpts{Address: m.Address, ProtocolPort: m.ProtocolPort}
			if i == change {
				wt := rng.IntN(101)
				o.Weight = &wt
			}
			opts = append(opts, o)
		}
		wt := rng.IntN(101)
		opts = append(opts, pools.BatchUpdateMemberOpts{Address: c.newAddress(), ProtocolPort: g.Port, Weight: &wt})
		a.Action = lb.ActionReplaceAll
		r := pools.BatchUpdateMembers(ctx, sc, g.Group.ID, opts)
		if !c.answer("BatchUpdateMembers", requestID, r.Err) {
			return
		}
		header = r.Header
	case 3: // POST a member
		wt := rng.IntN(101)
		addr := c.newAddress()
		a.Action, a.Adds = lb.ActionAdd, []string{addrPort(addr, g.Port)}
		r := pools.CreateMember(ctx, sc, g.Group.ID, pools.CreateMemberOpts{Address: addr, ProtocolPort: g.Port, Weight: &wt, Name: requestID})
		if !c.answer("CreateMember", requestID, r.Err) {
			return
		}
		header = r.Header
	case 4: // PUT a member
		m := members[rng.IntN(len(members))]
		wt := weight(rng)
		opts := pools.UpdateMemberOpts{Weight: &wt}
		if rng.IntN(2) == 0 {
			name := requestID
			opts.Name = &name
		}
		a.Action = lb.ActionSetWeights
		r := pools.UpdateMember(ctx, sc, g.Group.ID, m.ID, opts)
		if !c.answer("UpdateMember", requestID, r.Err) {
			return
		}
		header = r.Header
	case 5: // DELETE a member
		m := members[rng.IntN(len(members))]
		a.Action, a.Dels = lb.ActionRemove, []string{m.ID}
		r := pools.DeleteMember(ctx, sc, g.Group.ID, m.ID)
		if !c.answer("DeleteMember", requestID, r.Err) {
			return
		}
		header = r.Header
	}
	if got := header.Get("X-Request-Id"); got != requestID {
		w.count.add(kindGopher, catErrors)
		w.count.sample("gophercloud %s: answered with X-Request-Id %q, sent %q", a.Action, got, requestID)
	}
	w.count.applied(kindGopher, requestID, a)
}
