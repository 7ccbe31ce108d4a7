package stress

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// replicasBound bounds the kill-and-restart part of TestReplicasOnPostgres, building aside.
const replicasBound = 90 * time.Second

// replicaCount is how many consoles serve the one PostgreSQL database.
const replicaCount = 3

// TestReplicasOnPostgres runs three real consoles on one PostgreSQL database, as a deployment
// that outgrew one machine does. First what they must share: an SLB call captured on one
// replica is refused as a replay on the others; a session started on one serves on another
// and, ended on a third, ends on all; a burst of wrong passwords for one account spread over
// all three gets its password checked no more often than on one console. Then
// console, SLB SDK and gophercloud clients, a few on each replica, apply batches to the same
// groups while replicas are killed with SIGKILL at random moments and restarted,
// LBCONSOLE_REPLICA_KILLS times (default 6, 3 under the race detector). Whatever the
// interleaving: no 5xx, no group holds an (address, port) twice, versions moved once per
// applied change, the audit log's diffs replay to the final members, the chain verifies (also
// with the binary's audit verify), and every batch a client was told was applied is in the log,
// once.
func TestReplicasOnPostgres(t *testing.T) {
	t.Parallel()
	kills := envInt(t, "LBCONSOLE_REPLICA_KILLS", raceOr(6, 3))
	dsn := testenv.PostgresDemoUsers(t)
	h := testenv.NewPostgresHarness(t, dsn)
	fx := fixtureOf(t, context.Background(), dsn)

	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), replicasBound)
	defer cancel()
	replicas := make([]*testenv.Process, replicaCount)
	for i := range replicas {
		replicas[i] = h.Start(ctx)
	}
	cred := h.KeyCreate(ctx, testenv.Admin)

	t.Run("AnSLBReplayToAnotherReplicaIsRefused", func(t *testing.T) {
		g, server := replayTarget(t, fx)
		r := &replayer{t: t, cred: cred, group: g.Group.ID, server: server.ID, port: g.Port}
		r.add(replicas[0].Addr)
		captured := r.removal(replicas[0].Addr)
		r.send(captured, http.StatusOK, "")
		r.add(replicas[0].Addr)
		for _, p := range replicas[1:] {
			r.send(onHost(t, captured, p.Addr), http.StatusBadRequest, "SignatureNonceUsed")
			r.wantMember(p.Addr, true, "after a removal made on one replica was replayed to another")
		}
		logf(t, "a removal captured on one replica, replayed to the other two: refused with SignatureNonceUsed")
	})

	t.Run("ASessionStartedOnOneReplicaEndsOnAnother", func(t *testing.T) {
		w := &world{timeout: 30 * time.Second}
		c := newConsoleClient(w, "session", 1)
		if err := c.signIn(replicas[0].Addr, testenv.Operator, password); err != nil {
			t.Fatal(err)
		}
		p, err := c.do(http.MethodGet, "http://"+replicas[1].Addr+"/lbs", nil, "")
		if err != nil || p.status != http.StatusOK || p.csrf == "" {
			t.Fatalf("GET /lbs on another replica with the session of the first: %v, %v; want 200 with a CSRF token", p, err)
		}
		if p, err = c.do(http.MethodPost, "http://"+replicas[2].Addr+"/logout", url.Values{"_csrf": {p.csrf}}, ""); err != nil || p.status != http.StatusSeeOther {
			t.Fatalf("POST /logout on the third replica: %v, %v; want 303", p, err)
		}
		if p, err = c.do(http.MethodGet, "http://"+replicas[0].Addr+"/lbs", nil, ""); err != nil || p.status != http.StatusSeeOther {
			t.Errorf("GET /lbs on the first replica after signing out on the third: %v, %v; want 303 to sign in", p, err)
		}
		logf(t, "a session started on one replica served on a second and ended on the third: signed out on all")
	})

	t.Run("ASignInBurstOverReplicasIsThrottled", func(t *testing.T) {
		const attempts = 30
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range attempts {
			b := newBrowser(t, "http://"+replicas[i%replicaCount].Addr)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				code, err := b.signIn("127.0.0.1", "burst-target", "a wrong password")
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("sign-in %d: %v", i, err)
				}
				codes[code]++
			}()
		}
		close(start)
		wg.Wait()
		checked, throttled := codes[http.StatusUnauthorized], codes[http.StatusTooManyRequests]
		logf(t, "%d wrong passwords for one account spread over %d replicas: %d checked, %d throttled (answers %v)",
			attempts, replicaCount, checked, throttled, codes)
		// The throttle allows five failures per account; a throttle kept in each replica's
		// memory would check up to five per replica.
		if checked < 1 || checked > 5 || checked+throttled != attempts {
			t.Errorf("answers %v: want at most 5 passwords checked (401) and the rest throttled (429)", codes)
		}
	})

	// Clients: one of each kind per replica, each world following its replica's address.
	count := newCounter()
	worlds := make([]*world, replicaCount)
	var steps []func(string)
	var runs []*world
	for i := range worlds {
		w := &world{fx: fx, count: count, maxSteps: 1_000_000, timeout: 30 * time.Second, crashing: true, deadline: began.Add(replicasBound)}
		w.setAddr(replicas[i].Addr)
		worlds[i] = w
		console := newConsoleClient(w, fmt.Sprintf("console%d", i), uint64(700+i))
		if err := console.signIn(replicas[i].Addr, testenv.Admin, password); err != nil {
			t.Fatalf("sign in on replica %d: %v", i, err)
		}
		steps = append(steps, console.step, newSLBClient(w, fmt.Sprintf("slb%d", i), uint64(800+i), cred.AccessKeyID, cred.AccessKeySecret).step,
			newGopherClient(w, fmt.Sprintf("gc%d", i), uint64(900+i), cred.Token).step)
		runs = append(runs, w, w, w)
		count.client(kindConsole)
		count.client(kindSLB)
		count.client(kindGopher)
	}
	stopAll := func() {
		for _, w := range worlds {
			w.stopped.Store(true)
		}
	}
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i].run(step)
		}()
	}
	t.Cleanup(func() { stopAll(); wg.Wait() }) // before the replicas' kill: cleanups run last first

	// Kill a replica at random moments and restart it on the same database, while the others
	// serve on.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))
	killed := make([]int, replicaCount)
	for n := 0; n < kills && ctx.Err() == nil; n++ {
		sleepUntil(time.Duration(100+rng.IntN(401))*time.Millisecond, began.Add(replicasBound))
		i := rng.IntN(replicaCount)
		worlds[i].setAddr("")
		replicas[i].Kill()
		killed[i]++
		replicas[i] = h.Start(ctx)
		worlds[i].setAddr(replicas[i].Addr)
	}
	sleepUntil(500*time.Millisecond, began.Add(replicasBound))
	stopAll()
	wg.Wait()
	for i, p := range replicas {
		if err := p.Stop(); err != nil {
			t.Errorf("replica %d did not stop cleanly on SIGTERM: %v", i, err)
		}
	}
	if n := killed[0] + killed[1] + killed[2]; n < kills {
		t.Errorf("only %d of %d kills in %s", n, kills, replicasBound)
	}
	logf(t, "%d replicas, kills per replica %v, in %s; clients:\n%s", replicaCount, killed, time.Since(began).Round(time.Millisecond), count.report())
	for _, s := range count.samples {
		logf(t, "sample: %s", s)
	}
	if n := count.total(cat5xx); n > 0 {
		t.Errorf("%d requests were answered with a 5xx; want none", n)
	}
	if count.total(catApplied) == 0 {
		t.Error("no batch was applied: the test exercised nothing")
	}

	logf(t, "console audit verify: %s", h.AuditVerify())
	h.CheckLog()
	store, err := db.Open(context.Background(), dsn, db.Options{Key: testenv.Key()})
	if err != nil {
		t.Fatalf("db.Open after the last stop: %v", err)
	}
	defer store.Close()
	res := checkFinal(t, context.Background(), store, fx)
	acked := count.ackedCopy()
	found := checkAcked(t, acked, res.byRequestID)
	logf(t, "batches acknowledged %d, found in the audit log %d; applied entries %d (%d changed something), refused entries %d; transport errors %d",
		len(acked), found, res.okEntries, res.changed, res.refusedEntries, count.total(catErrors))
}
