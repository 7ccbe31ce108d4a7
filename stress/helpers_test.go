package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// region is where the groups under stress live; the SLB SDK clients are made for it.
const region = testenv.Region

// password is every stress user's password.
const password = testenv.Password

// envInt reads a positive whole number from the environment, or returns def.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// raceOr is def, or underRace when the tests run with the race detector, which slows the
// server several times: a default that makes load makes less of it there.
func raceOr(def, underRace int) int {
	if testenv.Race() {
		return underRace
	}
	return def
}

// target is one group the clients work on, as it was before they started.
type target struct {
	LB           lb.LoadBalancer
	Group        lb.Group
	Port         int // the port its members listen on, and the port new members get
	Start        []lb.Member
	StartVersion int64
}

func (g target) path() string { return "/lbs/" + g.LB.ID + "/groups/" + g.Group.ID }

// fixture is what the clients work with: the groups, the inventory servers they add from
// (some already in the groups, so that some adds are refused as duplicates) and addresses of
// the load balancers' VPC that no inventory server holds (the REST API adds those by address).
type fixture struct {
	targets []target
	pool    []lb.Server
	free    []string
}

// pickFixture chooses three VServer groups of active load balancers in region, all in one VPC:
// the smallest, the largest under 40 members and one in between, and snapshots them.
func pickFixture(t testing.TB, ctx context.Context, store *db.DB) fixture {
	t.Helper()
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Region: region, Status: lb.LBActive})
	if err != nil {
		t.Fatalf("ListLoadBalancers: %v", err)
	}
	type cand struct {
		l lb.LoadBalancer
		g db.GroupSummary
	}
	var cands []cand
	vpc := ""
	for _, l := range page.Items {
		if vpc == "" {
			vpc = l.VpcID
		}
		if l.VpcID != vpc {
			continue
		}
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			t.Fatalf("ListGroups(%s): %v", l.ID, err)
		}
		for _, g := range groups {
			if g.Kind == lb.KindVServer && g.Members >= 6 && g.Members < 40 {
				cands = append(cands, cand{l.LoadBalancer, g})
			}
		}
	}
	if len(cands) < 3 {
		t.Fatalf("found %d VServer groups of 6 to 39 members in one VPC of %s; want at least 3", len(cands), region)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].g.Members < cands[j].g.Members })
	picked := []cand{cands[0], cands[len(cands)/2], cands[len(cands)-1]}
	var fx fixture
	inGroups := map[string]bool{}
	for _, c := range picked {
		ms, err := store.ListMembers(ctx, c.g.ID)
		if err != nil {
			t.Fatalf("ListMembers(%s): %v", c.g.ID, err)
		}
		ports := map[int]int{}
		for _, m := range ms {
			ports[m.Port]++
			inGroups[m.ServerID] = true
		}
		port := 0
		for p, n := range ports {
			if port == 0 || n > ports[port] || (n == ports[port] && p < port) {
				port = p
			}
		}
		fx.targets = append(fx.targets, target{LB: c.l, Group: c.g.Group, Port: port, Start: ms, StartVersion: c.g.Version})
	}
	servers, err := store.ServerCandidates(ctx, fx.targets[0].LB, "", 10000)
	if err != nil {
		t.Fatalf("ServerCandidates: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(servers), func(i, j int) { servers[i], servers[j] = servers[j], servers[i] })
	var members, others int
	prefixes := map[string]bool{}
	for _, s := range servers {
		if lb.CheckCandidate(fx.targets[0].LB, s) != nil {
			continue
		}
		prefixes[s.Address[:strings.LastIndex(s.Address, ".")+1]] = true
		switch {
		case inGroups[s.ID] && members < 10:
			members++
		case !inGroups[s.ID] && others < 30:
			others++
		default:
			continue
		}
		fx.pool = append(fx.pool, s)
	}
	if members == 0 || others < 10 {
		t.Fatalf("the VPC has %d running servers in the groups and %d outside them to add from; want some of each", members, others)
	}
	for p := range prefixes {
		for i := 200; i < 208; i++ {
			fx.free = append(fx.free, p+strconv.Itoa(i))
		}
	}
	sort.Strings(fx.free)
	return fx
}

func (fx fixture) target(groupID string) (target, bool) {
	for _, g := range fx.targets {
		if g.Group.ID == groupID {
			return g, true
		}
	}
	return target{}, false
}

// counter tallies what the clients saw, per client kind and category, and remembers every
// batch answered as applied, by request id.
type counter struct {
	mu       sync.Mutex
	clients  map[string]int
	counts   map[string]map[string]int
	refusals map[string]int
	samples  []string // the first answers worth showing: 5xx and unexpected errors
	acked    map[string]ack
	rejected map[string]string // request id of a refused batch → its client kind and code
}

// ack is a batch a client was told was applied: what it asked for, to hold against the log.
type ack struct {
	Client string
	Group  string
	Action lb.Action // the action the audit entry must record
	// Adds are the (address or server id):port pairs the batch added; Dels the member ids it
	// removed by id (strictly, so the entry must show them leaving).
	Adds []string
	Dels []string
}

// Categories of answers.
const (
	catRequests = "requests"
	catReads    = "reads"
	catApplied  = "applied"
	catStale    = "stale"
	catConflict = "conflict"
	catRefused  = "refused"
	catErrors   = "errors"
	cat5xx      = "5xx"
)

var categories = []string{catRequests, catReads, catApplied, catStale, catConflict, catRefused, catErrors, cat5xx}

func newCounter() *counter {
	return &counter{clients: map[string]int{}, counts: map[string]map[string]int{}, refusals: map[string]int{}, acked: map[string]ack{},
		rejected: map[string]string{}}
}

func (c *counter) client(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clients[kind]++
}

func (c *counter) add(kind, cat string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts[kind] == nil {
		c.counts[kind] = map[string]int{}
	}
	c.counts[kind][cat]++
}

func (c *counter) get(kind, cat string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[kind][cat]
}

func (c *counter) total(cat string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.counts {
		n += m[cat]
	}
	return n
}

// refused counts a refusal under its kind of client and its code or status; requestID names
// a refused batch, "" a refused read.
func (c *counter) refused(kind, cat, code, requestID string) {
	c.add(kind, cat)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refusals[kind+" "+code]++
	if requestID != "" {
		c.rejected[requestID] = kind + " " + code
	}
}

// auditedRefusals says how many refused batches the audit log records as refused, and lists
// by client kind and code those it does not record. A refused batch recorded as applied is an
// error: the client was told nothing changed.
func (c *counter) auditedRefusals(t *testing.T, byID map[string]db.AuditEntry) (int, string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	audited := 0
	missing := map[string]int{}
	for id, code := range c.rejected {
		e, ok := byID[id]
		switch {
		case !ok:
			missing[code]++
		case e.Outcome == db.OutcomeOK:
			t.Errorf("%s batch %s was refused, but audit entry %d records it as applied", code, id, e.Seq)
		default:
			audited++
		}
	}
	var parts []string
	for code, n := range missing {
		parts = append(parts, fmt.Sprintf("[%s]=%d", code, n))
	}
	sort.Strings(parts)
	return audited, strings.Join(parts, " ")
}

func (c *counter) sample(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.samples) < 20 {
		c.samples = append(c.samples, fmt.Sprintf(format, args...))
	}
}

func (c *counter) applied(kind, requestID string, a ack) {
	c.add(kind, catApplied)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acked[requestID] = a
}

func (c *counter) ackedCopy() map[string]ack {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]ack, len(c.acked))
	for k, v := range c.acked {
		out[k] = v
	}
	return out
}

// report is the table of figures, one line per client kind, then the refusals by code.
func (c *counter) report() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %7s", "client", "clients")
	for _, cat := range categories {
		fmt.Fprintf(&b, " %8s", cat)
	}
	b.WriteString("\n")
	kinds := make([]string, 0, len(c.counts))
	for k := range c.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	sum := map[string]int{}
	clients := 0
	for _, k := range kinds {
		fmt.Fprintf(&b, "%-12s %7d", k, c.clients[k])
		clients += c.clients[k]
		for _, cat := range categories {
			fmt.Fprintf(&b, " %8d", c.counts[k][cat])
			sum[cat] += c.counts[k][cat]
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-12s %7d", "all", clients)
	for _, cat := range categories {
		fmt.Fprintf(&b, " %8d", sum[cat])
	}
	b.WriteString("\nrefusals by kind:")
	codes := make([]string, 0, len(c.refusals))
	for k := range c.refusals {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		fmt.Fprintf(&b, " [%s]=%d", k, c.refusals[k])
	}
	return b.String()
}

// logf logs to the test and, with -v, to standard output too, so that the figures show in CI
// logs whichever way the test is run.
func logf(t testing.TB, format string, args ...any) {
	t.Helper()
	t.Logf(format, args...)
	if testing.Verbose() {
		fmt.Printf(format+"\n", args...)
	}
}

// checkResult is what the final checks found, for the figures.
type checkResult struct {
	okEntries      int // applied batches on the targets, empty ones included
	changed        int // applied batches that changed something
	refusedEntries int
	byRequestID    map[string]db.AuditEntry
}

// checkFinal checks what must hold after any interleaving of batches on the fixture's groups:
//   - no group of any load balancer in region holds an (address, port) twice;
//   - each target's version moved exactly once per applied batch that changed something, and
//     those batches recorded the versions in order;
//   - replaying the audit log's diffs from the starting members gives exactly the final ones;
//   - the audit chain verifies.
func checkFinal(t *testing.T, ctx context.Context, store *db.DB, fx fixture) checkResult {
	t.Helper()
	res := checkResult{byRequestID: map[string]db.AuditEntry{}}
	checkNoDuplicates(t, ctx, store)

	entries := map[string][]db.AuditEntry{}
	err := store.StreamAudit(ctx, db.AuditFilter{Ascending: true}, func(e db.AuditEntry) error {
		if _, ok := fx.target(e.Group); !ok {
			return nil
		}
		if e.RequestID != "" {
			if prev, dup := res.byRequestID[e.RequestID]; dup {
				t.Errorf("audit entries %d and %d share request id %s", prev.Seq, e.Seq, e.RequestID)
			}
			res.byRequestID[e.RequestID] = e
		}
		if e.Outcome != db.OutcomeOK {
			res.refusedEntries++
			if e.Before != "[]" || e.After != "[]" {
				t.Errorf("refused audit entry %d (%s) records a change: before %s, after %s", e.Seq, e.Outcome, e.Before, e.After)
			}
			return nil
		}
		res.okEntries++
		entries[e.Group] = append(entries[e.Group], e)
		return nil
	})
	if err != nil {
		t.Fatalf("StreamAudit: %v", err)
	}

	for _, g := range fx.targets {
		cur, err := store.GetGroup(ctx, g.Group.LoadBalancerID, g.Group.ID)
		if err != nil {
			t.Fatalf("GetGroup(%s): %v", g.Group.ID, err)
		}
		changed := 0
		for _, e := range entries[g.Group.ID] {
			d := e.Diff()
			if want := len(d.Before()) + len(d.Added); e.Count != want {
				t.Errorf("audit entry %d counts %d servers; its diff touches %d", e.Seq, e.Count, want)
			}
			if d.Empty() {
				// Applied but changed nothing: the version stays where the last change left it.
				if want := g.StartVersion + int64(changed); e.GroupVersion != want {
					t.Errorf("group %s: audit entry %d changed nothing after %d changes but records version %d; want %d",
						g.Group.ID, e.Seq, changed, e.GroupVersion, want)
				}
				continue
			}
			changed++
			if want := g.StartVersion + int64(changed); e.GroupVersion != want {
				t.Errorf("group %s: audit entry %d is its applied change #%d since the start but records version %d; want %d",
					g.Group.ID, e.Seq, changed, e.GroupVersion, want)
			}
		}
		res.changed += changed
		if moved := cur.Version - g.StartVersion; moved != int64(changed) {
			t.Errorf("group %s: version moved %d → %d (%d steps), but the audit log holds %d applied batches that changed it",
				g.Group.ID, g.StartVersion, cur.Version, moved, changed)
		}

		final, err := store.ListMembers(ctx, g.Group.ID)
		if err != nil {
			t.Fatalf("ListMembers(%s): %v", g.Group.ID, err)
		}
		replayed, err := replay(g.Start, entries[g.Group.ID])
		if err != nil {
			t.Errorf("group %s: replaying the audit log: %v", g.Group.ID, err)
			continue
		}
		if diff := compareMembers(replayed, final); diff != "" {
			t.Errorf("group %s: the audit log's diffs replayed from the %d starting members do not give the %d final ones:\n%s",
				g.Group.ID, len(g.Start), len(final), diff)
		}
	}

	v, err := store.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	if !v.OK() {
		t.Errorf("the audit chain does not verify: row %d: %s", v.BadSeq, v.Reason)
	}
	return res
}

// checkNoDuplicates fails for every group, of every load balancer in region, that holds an
// (address, port) twice.
func checkNoDuplicates(t *testing.T, ctx context.Context, store *db.DB) {
	t.Helper()
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Region: region})
	if err != nil {
		t.Fatalf("ListLoadBalancers: %v", err)
	}
	ids := map[string]string{}
	for _, l := range page.Items {
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			t.Fatalf("ListGroups(%s): %v", l.ID, err)
		}
		for _, g := range groups {
			ms, err := store.ListMembers(ctx, g.ID)
			if err != nil {
				t.Fatalf("ListMembers(%s): %v", g.ID, err)
			}
			seen := map[string]string{}
			for _, m := range ms {
				k := fmt.Sprintf("%s:%d", m.Address, m.Port)
				if other, dup := seen[k]; dup {
					t.Errorf("group %s holds %s twice: members %s and %s", g.ID, k, other, m.ID)
				}
				seen[k] = m.ID
				if other, dup := ids[m.ID]; dup {
					t.Errorf("member id %s is in groups %s and %s", m.ID, other, g.ID)
				}
				ids[m.ID] = g.ID
			}
		}
	}
}

// replay applies the diffs of applied audit entries, oldest first, to the starting members:
// members only before leave, members only after arrive, members in both change. Every before
// must match the replayed state, so that a lost or reordered change shows where it happened.
func replay(start []lb.Member, entries []db.AuditEntry) (map[string]db.AuditMember, error) {
	state := make(map[string]db.AuditMember, len(start))
	for _, m := range start {
		state[m.ID] = auditMember(m)
	}
	for _, e := range entries {
		var before, after []db.AuditMember
		if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
			return nil, fmt.Errorf("entry %d: before is not JSON: %v", e.Seq, err)
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return nil, fmt.Errorf("entry %d: after is not JSON: %v", e.Seq, err)
		}
		was := map[string]db.AuditMember{}
		for _, b := range before {
			cur, ok := state[b.ID]
			if !ok {
				return nil, fmt.Errorf("entry %d (%s, %s) takes member %s (%s:%d) from the group, but the replayed group does not hold it",
					e.Seq, e.Action, e.RequestID, b.ID, b.Address, b.Port)
			}
			if !sameMember(cur, b) {
				return nil, fmt.Errorf("entry %d (%s, %s) saw member %s as %+v, but the replayed group holds %+v",
					e.Seq, e.Action, e.RequestID, b.ID, b, cur)
			}
			was[b.ID] = b
		}
		stays := map[string]bool{}
		for _, a := range after {
			if _, ok := was[a.ID]; ok {
				stays[a.ID] = true
			} else if _, ok := state[a.ID]; ok {
				return nil, fmt.Errorf("entry %d (%s, %s) adds member %s, which the replayed group already holds", e.Seq, e.Action, e.RequestID, a.ID)
			}
		}
		for _, b := range before {
			if !stays[b.ID] {
				delete(state, b.ID)
			}
		}
		for _, a := range after {
			a.Created = ""
			state[a.ID] = a
		}
	}
	return state, nil
}

func auditMember(m lb.Member) db.AuditMember {
	return db.AuditMember{ID: m.ID, ServerID: m.ServerID, Address: m.Address, Port: m.Port, Weight: m.Weight,
		Type: string(m.Type), Description: m.Description, SubnetID: m.SubnetID}
}

// sameMember compares what the audit log records of a member, but the creation time.
func sameMember(a, b db.AuditMember) bool {
	a.Created, b.Created = "", ""
	return a == b
}

// compareMembers lists the differences between replayed and final members, or "".
func compareMembers(replayed map[string]db.AuditMember, final []lb.Member) string {
	var out []string
	seen := map[string]bool{}
	for _, m := range final {
		seen[m.ID] = true
		got := auditMember(m)
		want, ok := replayed[m.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("  member %s (%s:%d) is in the group but no audit entry put it there", m.ID, m.Address, m.Port))
		case !sameMember(want, got):
			out = append(out, fmt.Sprintf("  member %s is %+v; the audit log says %+v", m.ID, got, want))
		}
	}
	for id, m := range replayed {
		if !seen[id] {
			out = append(out, fmt.Sprintf("  member %s (%s:%d) should be in the group by the audit log but is not", id, m.Address, m.Port))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// checkAcked fails for every batch a client was told was applied that the audit log does not
// hold as applied on that group with that action, with the servers it added and the members
// it removed by id. It returns how many it found.
func checkAcked(t *testing.T, acked map[string]ack, byID map[string]db.AuditEntry) int {
	t.Helper()
	found := 0
	for id, a := range acked {
		e, ok := byID[id]
		if !ok {
			t.Errorf("%s batch %s (%s on %s) was answered as applied but is not in the audit log", a.Client, id, a.Action, a.Group)
			continue
		}
		if e.Outcome != db.OutcomeOK || e.Group != a.Group || e.Action != string(a.Action) {
			t.Errorf("%s batch %s (%s on %s) was answered as applied, but audit entry %d records %s on %s with outcome %s",
				a.Client, id, a.Action, a.Group, e.Seq, e.Action, e.Group, e.Outcome)
			continue
		}
		var before, after []db.AuditMember
		_ = json.Unmarshal([]byte(e.Before), &before)
		_ = json.Unmarshal([]byte(e.After), &after)
		for _, want := range a.Adds {
			if !slices.ContainsFunc(after, func(m db.AuditMember) bool {
				return want == fmt.Sprintf("%s:%d", m.Address, m.Port) || want == fmt.Sprintf("%s:%d", m.ServerID, m.Port)
			}) {
				t.Errorf("%s batch %s added %s, but audit entry %d does not show it arriving: after %s", a.Client, id, want, e.Seq, e.After)
			}
		}
		for _, want := range a.Dels {
			if !slices.ContainsFunc(before, func(m db.AuditMember) bool { return m.ID == want }) {
				t.Errorf("%s batch %s removed member %s, but audit entry %d does not show it leaving: before %s", a.Client, id, want, e.Seq, e.Before)
			}
		}
		found++
	}
	return found
}

// sleepUntil sleeps for d, or less if the deadline comes first.
func sleepUntil(d time.Duration, deadline time.Time) {
	if left := time.Until(deadline); left < d {
		d = left
	}
	if d > 0 {
		time.Sleep(d)
	}
}
