package controller_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// BenchmarkApplyToInSync measures, for batches changing 1, 20 and 200 members' weights of a
// 200-member group on 1 and 3 real haproxy nodes, the time from the batch's commit to the
// store recording every node converged on its version, with the default reconcile interval:
// what it measures is the kick after commit, a pass, the settle wait and the pass that finds
// the node in sync. It prints p50 and p99 (run with -benchtime=50x or more for a p99 worth
// reading); nothing is asserted.
func BenchmarkApplyToInSync(b *testing.B) {
	for _, nodes := range []int{1, 3} {
		for _, changes := range []int{1, 20, 200} {
			b.Run(fmt.Sprintf("nodes=%d/changes=%d", nodes, changes), func(b *testing.B) {
				benchApplyToInSync(b, nodes, changes)
			})
		}
	}
}

func benchApplyToInSync(b *testing.B, nodes, changes int) {
	r := newRig(b, testenv.RigOptions{Nodes: nodes, Backends: 200, Interval: 5 * time.Second, Check: 2 * time.Second})
	r.Converged(b)
	_, members := r.Group(b)
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		weight := 50 + i%2*10
		specs := make([]lb.Spec, changes)
		for j := range specs {
			specs[j] = lb.Spec{MemberID: members[j].ID, Weight: &weight}
		}
		start := time.Now()
		res := r.apply(b, lb.Batch{Action: lb.ActionSetWeights, New: specs, Limit: 200})
		r.waitVersion(b, res.Group.Version)
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(latencies)
	p50, p99 := latencies[len(latencies)/2], latencies[min(len(latencies)-1, len(latencies)*99/100)]
	b.ReportMetric(float64(p50.Milliseconds()), "p50-ms")
	b.ReportMetric(float64(p99.Milliseconds()), "p99-ms")
	b.Logf("apply-to-in-sync, %d node(s), %d change(s), %d batches: p50 %v, p99 %v", nodes, changes, len(latencies), p50, p99)
}

// waitVersion polls the store every 2 ms until every node has converged on version.
func (r rig) waitVersion(b *testing.B, version int64) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		versions, err := r.Console.Store.GroupVersions(context.Background(), groupID)
		if err != nil {
			b.Fatal(err)
		}
		done := len(versions) == len(r.Nodes)
		for _, v := range versions {
			done = done && v.Version >= version
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("version %d not reached in a minute: %+v", version, versions)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
