package stress

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// crashBound bounds the kill-and-restart part of TestCrashRecovery, building aside.
const crashBound = 90 * time.Second

// TestCrashRecovery serves a copy of the demo database with the real binary under load from
// SLB SDK, gophercloud and console clients, kills it with SIGKILL at random moments and
// restarts it on the same database, LBCONSOLE_CRASH_KILLS times (default 5, 3 under the race
// detector). Then it stops the server cleanly and checks the file: SQLite's integrity check, no
// duplicate (address, port), the audit chain (with the binary's own audit verify), every batch
// a client was told succeeded in the audit log, and the log's diffs replayed from the start
// giving the final members.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	kills := envInt(t, "LBCONSOLE_CRASH_KILLS", raceOr(5, 3))
	h := newHarness(t, "crash")
	dbPath := h.DBPath
	// The start: the groups and their members before any client ran.
	fx := fixtureOf(t, context.Background(), dbPath)

	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), crashBound)
	defer cancel()
	srv := h.Start(ctx)
	cred := h.KeyCreate(ctx, testenv.Admin)

	w := &world{fx: fx, count: newCounter(), maxSteps: 1_000_000, timeout: 30 * time.Second, crashing: true,
		deadline: began.Add(crashBound)}
	w.setAddr(srv.Addr)
	console := newConsoleClient(w, "console0", 400)
	if err := console.signIn(srv.Addr, testenv.Admin, password); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	steps := []func(string){console.step}
	w.count.client(kindConsole)
	for i := 0; i < 2; i++ {
		steps = append(steps, newSLBClient(w, fmt.Sprintf("slb%d", i), uint64(500+i), cred.AccessKeyID, cred.AccessKeySecret).step)
		w.count.client(kindSLB)
		steps = append(steps, newGopherClient(w, fmt.Sprintf("gc%d", i), uint64(600+i), cred.Token).step)
		w.count.client(kindGopher)
	}
	var wg sync.WaitGroup
	for _, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(step)
		}()
	}
	t.Cleanup(func() { w.stopped.Store(true); wg.Wait() }) // before the server's kill: cleanups run last first

	// Kill at random moments, restart on the same file, again and again.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))
	survived, restarts := 0, 0
	for survived < kills && ctx.Err() == nil {
		sleepUntil(time.Duration(50+rng.IntN(351))*time.Millisecond, began.Add(crashBound))
		w.setAddr("")
		srv.Kill()
		srv = h.Start(ctx)
		restarts++
		survived++
		w.setAddr(srv.Addr)
	}
	// Let the clients work on the last start a moment, then stop them and the server cleanly.
	sleepUntil(300*time.Millisecond, began.Add(crashBound))
	w.stopped.Store(true)
	wg.Wait()
	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly on SIGTERM: %v", err)
	}
	cycle := time.Since(began)
	if survived < kills {
		t.Errorf("only %d of %d kills in %s", survived, kills, crashBound)
	}

	logf(t, "kills survived %d, restarts %d, in %s; clients:\n%s", survived, restarts, cycle.Round(time.Millisecond), w.count.report())
	for _, s := range w.count.samples {
		logf(t, "sample: %s", s)
	}
	if n := w.count.total(cat5xx); n > 0 {
		t.Errorf("%d requests were answered with a 5xx; want none", n)
	}
	if w.count.total(catApplied) == 0 {
		t.Error("no batch was applied: the test exercised nothing")
	}

	checkFile(t, dbPath)
	logf(t, "console audit verify: %s", h.AuditVerify())
	h.CheckLog()

	store, err := db.Open(context.Background(), dbPath, db.Options{Key: testenv.Key()})
	if err != nil {
		t.Fatalf("db.Open after the last stop: %v", err)
	}
	defer store.Close()
	res := checkFinal(t, context.Background(), store, fx)
	acked := w.count.ackedCopy()
	found := checkAcked(t, acked, res.byRequestID)
	audited, unaudited := w.count.auditedRefusals(t, res.byRequestID)
	logf(t, "refused batches in the audit log %d; refused before reaching the store (not audited): %s", audited, unaudited)
	lost := 0 // applied, but the answer died with the server
	for id, e := range res.byRequestID {
		if _, ok := acked[id]; !ok && e.Outcome == db.OutcomeOK {
			lost++
		}
	}
	logf(t, "batches acknowledged %d, found in the audit log %d; applied entries %d (%d changed something), applied without an answer %d, refused entries %d; transport errors %d",
		len(acked), found, res.okEntries, res.changed, lost, res.refusedEntries, w.count.total(catErrors))
}

// checkFile opens the database read-only with database/sql and checks SQLite's integrity
// and, across every group, that no (address, port) appears twice.
func checkFile(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil {
		t.Fatalf("PRAGMA integrity_check: %v", err)
	}
	if result != "ok" {
		t.Errorf("PRAGMA integrity_check = %q; want ok", result)
	}
	logf(t, "PRAGMA integrity_check: %s", result)
	rows, err := conn.Query("SELECT group_id, address, port, count(*) FROM members GROUP BY group_id, address, port HAVING count(*) > 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var group, address string
		var port, n int
		if err := rows.Scan(&group, &address, &port, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("group %s holds %s:%d %d times", group, address, port, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
