package controller_test

import (
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/internal/pgtest"
	"lbconsole/internal/testenv"
)

// A leader cut off from PostgreSQL by the network (its packets dropped: no error, only
// silence, every query hanging) stops reconciling its nodes on its own, before their leases
// expire and so before the console that can still reach the database takes them over.
func TestLeaderCutOffFromPostgreSQLStopsBeforeTheOtherTakesOver(t *testing.T) {
	t.Parallel()
	const ttl = 1500 * time.Millisecond
	dsn := pgtest.NewDB(t)
	cutter, viaCutter := cutBetween(t, dsn)
	// Cut off in the middle of a write, the first console holds the write lock, and the
	// second's writes (its leases too) wait until the server ends the transaction: after a
	// minute by default, after a second here.
	viaCutter += "&idle_in_transaction_session_timeout=1s"
	one, two := testenv.OpenStore(t, viaCutter, db.Options{}), testenv.OpenStore(t, dsn, db.Options{})
	nodes := leaseNodes(t, two, 2)
	first := startConsole(t, one, "one", ttl)
	t.Cleanup(cutter.close) // before the first console stops: its hanging queries fail at once
	testenv.Eventually(t, "the first console leads every node", func() string { return leaders(nodes, first) })
	second := startConsole(t, two, "two", ttl)
	cutter.Cut()
	cut := time.Now()
	testenv.Eventually(t, "the second console leads every node", func() string {
		for _, n := range nodes {
			if other, still := second.leads(n), first.leads(n); other && still {
				t.Fatalf("both consoles reconcile %s %s after the first was cut off", n.RuntimeAPI, time.Since(cut).Round(time.Millisecond))
			}
		}
		return leaders(nodes, second)
	})
	t.Logf("the second console led every node %s after the first was cut off (ttl %s)", time.Since(cut).Round(time.Millisecond), ttl)
}
