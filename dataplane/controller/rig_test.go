package controller_test

import (
	"context"
	"testing"

	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// The rig's names: load balancer lbID, whose group groupID drives backend "web".
const (
	lbID    = testenv.RigLB
	groupID = testenv.RigGroup
	backend = testenv.RigBackend
)

// rig is testenv's Rig (a console on a copy of the demo database, its load balancer bound to
// real haproxy processes with real HTTP backends, and the controller running), with the
// helpers that only these tests use.
type rig struct{ *testenv.Rig }

func newRig(tb testing.TB, opts testenv.RigOptions) rig {
	tb.Helper()
	return rig{testenv.NewRig(tb, opts)}
}

// apply applies a batch to the group as an operator would, through the store.
func (r rig) apply(tb testing.TB, batch lb.Batch) db.BatchResult {
	tb.Helper()
	res, err := r.Console.Store.ApplyBatch(context.Background(), db.BatchRequest{LoadBalancerID: lbID, GroupRef: groupID, Batch: batch,
		Actor: testenv.Operator, Source: db.SourceConsole, RequestID: "req-test"})
	if err != nil {
		tb.Fatalf("ApplyBatch %s: %v", batch.Action, err)
	}
	return res
}

// setWeights sets the weight of the member at each backend.
func (r rig) setWeights(tb testing.TB, weights map[*haproxytest.Backend]int) db.BatchResult {
	tb.Helper()
	var specs []lb.Spec
	for b, w := range weights {
		specs = append(specs, lb.Spec{MemberID: r.Member(tb, b).ID, Weight: &w})
	}
	return r.apply(tb, lb.Batch{Action: lb.ActionSetWeights, New: specs})
}

// within checks a split of answers against the wanted share of each backend, ±10%.
func within(t testing.TB, tally haproxytest.Tally, want map[*haproxytest.Backend]int) {
	t.Helper()
	if tally.Failed != 0 {
		t.Fatalf("%d requests failed: %v", tally.Failed, tally.Errors)
	}
	for b, n := range want {
		got := tally.ByBackend[b.Name]
		if got < n*9/10 || got > n*11/10 {
			t.Errorf("%s answered %d, want %d ±10%% (%v)", b.Name, got, n, tally.ByBackend)
		}
	}
}
