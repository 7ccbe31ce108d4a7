package controller_test

import (
	"context"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// Two consoles on one SQLite file (two stores, as two processes have) share two nodes: each
// node is reconciled by exactly one of them, and never by both at once, while the one leading
// the first node is stopped cleanly and replaced by a new console, four times over.
func TestTwoConsolesNeverReconcileOneNodeAtOnce(t *testing.T) {
	t.Parallel()
	const ttl = 900 * time.Millisecond
	one, two, nodes := twoStores(t, 2)
	stores := [2]*db.DB{one, two}
	pair := [2]*console{startConsole(t, one, "one", ttl), startConsole(t, two, "two", ttl)}
	watch := watchOverlap(nodes, ttl, pair)
	testenv.Eventually(t, "each node led by one console", func() string { return leaders(nodes, pair[:]...) })
	for round := range 4 {
		i := 0
		if pair[1].leads(nodes[0]) {
			i = 1
		}
		stopped, other := pair[i], pair[1-i]
		stopped.stop()
		testenv.Eventually(t, "the other console leading every node", func() string { return leaders(nodes, other) })
		pair[i] = startConsole(t, stores[i], stopped.name+"'", ttl)
		watch.set(i, pair[i])
		testenv.Eventually(t, "each node led by one console", func() string { return leaders(nodes, pair[:]...) })
		t.Logf("round %d: %s stopped, %s took its nodes over, %s started", round, stopped.name, other.name, pair[i].name)
	}
	samples := watch.end(t)
	if samples < 100 {
		t.Errorf("only %d samples of who leads: the watch proved little", samples)
	}
	t.Logf("%d samples of who leads each node, none with both", samples)
}

// A console stopped cleanly gives its leases up on the way out, so the other console takes
// its nodes over at its next lease pass, not when the leases would have expired: with a
// minute's ttl, the handover within the test's wait can only come from the release.
func TestCleanStopHandsTheNodesOverAtOnce(t *testing.T) {
	t.Parallel()
	const ttl = time.Minute
	one, two, nodes := twoStores(t, 2)
	first := startConsole(t, one, "one", ttl)
	testenv.Eventually(t, "the first console leads every node", func() string { return leaders(nodes, first) })
	second := startConsole(t, two, "two", ttl)
	first.stop()
	stopped := time.Now()
	for _, n := range nodes {
		// Given up, or taken by the second console already.
		if holder, expires, err := two.LeaseHolder(context.Background(), "dataplane "+n.String()); err != nil || holder == "one" {
			t.Errorf("after a clean stop the lease of %s is %q's until %s (%v); want given up", n.RuntimeAPI, holder, expires, err)
		}
	}
	testenv.Eventually(t, "the second console leads every node", func() string { return leaders(nodes, first, second) })
	t.Logf("the second console led every node %s after the first stopped (the leases' ttl: %s)", time.Since(stopped).Round(time.Millisecond), ttl)
}

// A leader whose store is closed (its database out of reach) cannot renew its leases: it stops
// reconciling its nodes on its own before their leases expire, and so before the other
// console, which takes them over once they have, starts.
func TestLeaderCutOffFromItsStoreStopsBeforeTheOtherTakesOver(t *testing.T) {
	t.Parallel()
	const ttl = 900 * time.Millisecond
	one, two, nodes := twoStores(t, 2)
	first := startConsole(t, one, "one", ttl)
	testenv.Eventually(t, "the first console leads every node", func() string { return leaders(nodes, first) })
	second := startConsole(t, two, "two", ttl)
	if err := one.Close(); err != nil {
		t.Fatal(err)
	}
	closed := time.Now()
	// Closed, the store writes no more: the leases now say when the first console's run out.
	expires := map[db.Node]time.Time{}
	for _, n := range nodes {
		holder, until, err := two.LeaseHolder(context.Background(), "dataplane "+n.String())
		if err != nil {
			t.Fatal(err)
		}
		if holder != "one" {
			t.Fatalf("the lease of %s is %q's; want the first console's", n.RuntimeAPI, holder)
		}
		expires[n] = until
	}
	testenv.Eventually(t, "the second console leads every node", func() string {
		for _, n := range nodes {
			now := time.Now()
			other, still := second.leads(n), first.leads(n) // in this order: see below
			if other && still {
				// The second led before the first was read, and the first cannot start again.
				t.Fatalf("both consoles reconcile %s", n.RuntimeAPI)
			}
			if still && now.After(expires[n]) {
				t.Fatalf("the first console still reconciles %s after its lease expired", n.RuntimeAPI)
			}
		}
		return leaders(nodes, second)
	})
	t.Logf("the second console led every node %s after the first's store was closed (ttl %s)", time.Since(closed).Round(time.Millisecond), ttl)
}
