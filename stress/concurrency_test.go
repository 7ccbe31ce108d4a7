package stress

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// TestConcurrentClients runs console, SLB SDK and gophercloud clients at once against one
// server on a real SQLite file, all on the same few groups, for LBCONSOLE_STRESS_SECONDS
// (default 3), then checks that whatever the interleaving was, nothing was lost or doubled.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	seconds := envInt(t, "LBCONSOLE_STRESS_SECONDS", 3)
	c := testenv.NewConsole(t, testenv.Options{})
	ctx, store, srv := c.Ctx, c.Store, c.Server
	creds := map[string]auth.APICredentials{testenv.Admin: c.APIKey(testenv.Admin), testenv.Operator: c.APIKey(testenv.Operator)}

	fx := pickFixture(t, ctx, store)
	for _, g := range fx.targets {
		logf(t, "group %s of %s: %d members on port %d, version %d", g.Group.ID, g.LB.ID, len(g.Start), g.Port, g.StartVersion)
	}
	w := &world{fx: fx, count: newCounter(), maxSteps: 5000, timeout: 60 * time.Second}
	w.setAddr(strings.TrimPrefix(srv.URL, "http://"))

	// Three clients of each kind; the API clients act as both users, so the log has two actors.
	var consoles []*consoleClient
	for i := 0; i < 3; i++ {
		c := newConsoleClient(w, fmt.Sprintf("console%d", i), uint64(100+i))
		if err := c.signIn(w.host(), testenv.Operator, password); err != nil {
			t.Fatalf("sign in: %v", err)
		}
		consoles = append(consoles, c)
	}
	var steps []func(string)
	for _, c := range consoles {
		steps = append(steps, c.step)
		w.count.client(kindConsole)
	}
	for i, user := range []string{testenv.Operator, testenv.Operator, testenv.Admin} {
		steps = append(steps, newSLBClient(w, fmt.Sprintf("slb%d", i), uint64(200+i), creds[user].AccessKeyID, creds[user].AccessKeySecret).step)
		w.count.client(kindSLB)
		steps = append(steps, newGopherClient(w, fmt.Sprintf("gc%d", i), uint64(300+i), creds[user].Token).step)
		w.count.client(kindGopher)
	}

	start := time.Now()
	w.deadline = start.Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for _, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(step)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	logf(t, "%d clients ran for %s:\n%s", len(steps), elapsed.Round(time.Millisecond), w.count.report())
	for _, s := range w.count.samples {
		logf(t, "sample: %s", s)
	}
	if n := w.count.total(cat5xx); n > 0 {
		t.Errorf("%d requests were answered with a 5xx; want none", n)
	}
	if n := w.count.total(catErrors); n > 0 {
		t.Errorf("%d requests failed without an answer or with an unexpected one; want none", n)
	}
	// How many batches apply depends on the machine's speed and the interleaving: a busy
	// machine may let a kind of client apply nothing, which is worth a note, not a failure.
	for _, kind := range []string{kindConsole, kindSLB, kindGopher} {
		if w.count.get(kind, catRequests) == 0 {
			t.Errorf("no %s client sent a batch: the test exercised nothing of them", kind)
		} else if w.count.get(kind, catApplied) == 0 {
			logf(t, "note: no %s batch was applied in %d tries", kind, w.count.get(kind, catRequests))
		}
	}
	if w.count.total(catApplied) == 0 {
		t.Error("no batch was applied at all: the test exercised nothing")
	}

	res := checkFinal(t, ctx, store, fx)
	acked := w.count.ackedCopy()
	found := checkAcked(t, acked, res.byRequestID)
	audited, unaudited := w.count.auditedRefusals(t, res.byRequestID)
	logf(t, "refused batches in the audit log %d; refused before reaching the store (not audited): %s", audited, unaudited)
	// Every applied entry on these groups came from one of the clients, so each must be one
	// the client was told was applied: nothing applied behind a refusal.
	var unacked []string
	for id, e := range res.byRequestID {
		if _, ok := acked[id]; !ok && e.Outcome == db.OutcomeOK {
			unacked = append(unacked, fmt.Sprintf("%d (%s, %s)", e.Seq, e.Action, id))
		}
	}
	sort.Strings(unacked)
	if len(unacked) > 0 {
		t.Errorf("%d audit entries record applied batches whose clients were not told so: %s", len(unacked), strings.Join(unacked, ", "))
	}
	logf(t, "batches answered as applied %d, found in the audit log %d; applied entries %d (%d changed something), refused entries %d; stale %d, conflicts %d, refusals %d, errors %d, 5xx %d",
		len(acked), found, res.okEntries, res.changed, res.refusedEntries, w.count.total(catStale), w.count.total(catConflict),
		w.count.total(catRefused), w.count.total(catErrors), w.count.total(cat5xx))
}
