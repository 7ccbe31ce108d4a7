package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxytest"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// A batch setting weights 1:3 on two members splits 2,000 real requests 1:3 within ±10%, and
// /metrics counts the passes and operations that got it there.
func TestWeightsOneToThreeSplitTraffic(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{})
	r.Converged(t)
	a, b := r.Backends[0], r.Backends[1]
	r.setWeights(t, map[*haproxytest.Backend]int{a: 25, b: 75})
	r.Converged(t)
	tally := haproxytest.Count(context.Background(), r.URL(), 2000, 8)
	within(t, tally, map[*haproxytest.Backend]int{a: 500, b: 1500})

	metrics := r.Console.Browser().Get("/metrics").Body
	for _, want := range []string{
		`lbconsole_dataplane_reconcile_runs_total{status="in-sync"}`,
		`lbconsole_dataplane_operations_total{kind="weight",result="ok"} 2`,
		`lbconsole_dataplane_node_reachable{load_balancer="lb-hx",node="` + r.Nodes[0].RuntimeAPI + `"} 1`,
		"lbconsole_dataplane_apply_to_converged_seconds_count 1",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Every member of the group is replaced by new ones under steady traffic (250 requests a
// second): not one request fails; a long request on a leaving member completes; the removed
// members take no new request once drained and deleted.
func TestReplaceEveryMemberUnderTrafficFailsNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{Backends: 4, Members: 2})
	r.Converged(t)
	old, repl := r.Backends[:2], r.Backends[2:]
	traffic := haproxytest.StartTraffic(r.URL(), 250)
	long := make(chan error, 1)
	go func() {
		body, err := haproxytest.Get(context.Background(), haproxytest.NewClient(1), r.URL()+"/slow?ms=2000")
		if err == nil && body != old[0].Name && body != old[1].Name {
			err = fmt.Errorf("answered by %s, not by a leaving member", body)
		}
		long <- err
	}()
	time.Sleep(300 * time.Millisecond)
	var entries []lb.Spec
	for _, b := range repl {
		w := 100
		entries = append(entries, lb.Spec{ServerID: testenv.RigServerID(b), Port: b.Port, Weight: &w})
	}
	r.apply(t, lb.Batch{Action: lb.ActionReplaceAll, New: entries, Limit: 200})
	r.Converged(t)
	testenv.Eventually(t, "the old servers deleted from haproxy", func() string {
		if n := len(r.Servers(t, 0)); n != 2 {
			return fmt.Sprintf("haproxy has %d servers", n)
		}
		return ""
	})
	if err := <-long; err != nil {
		t.Errorf("the long request on a leaving member: %v", err)
	}
	servedOld := old[0].ServedPath("/") + old[1].ServedPath("/")
	time.Sleep(500 * time.Millisecond)
	tally := traffic.Stop()
	if tally.Failed != 0 || tally.Sent() < 200 {
		t.Fatalf("%d of %d requests failed: %v", tally.Failed, tally.Sent(), tally.Errors)
	}
	if now := old[0].ServedPath("/") + old[1].ServedPath("/"); now != servedOld {
		t.Errorf("the removed members took %d requests after they were drained and deleted", now-servedOld)
	}
	if tally.ByBackend[repl[0].Name] == 0 || tally.ByBackend[repl[1].Name] == 0 {
		t.Errorf("the new members took no traffic: %v", tally.ByBackend)
	}
	t.Logf("%d requests, none failed: %v", tally.Sent(), tally.ByBackend)
}

// HAProxy killed and started again from its haproxy.cfg, whose backend has no servers, serves
// the group's members again within two reconcile intervals.
func TestRestartedHAProxyIsRefilledWithinTwoIntervals(t *testing.T) {
	t.Parallel()
	const interval = 2 * time.Second
	r := newRig(t, testenv.RigOptions{Interval: interval})
	r.Converged(t)
	r.Proxies[0].Stop() // SIGTERM, as a crash or a restart by systemd would end it
	r.Proxies[0].Restart(t)
	restarted := time.Now()
	if n := len(r.Servers(t, 0)); n != 0 {
		t.Fatalf("the restarted haproxy has %d servers; want its haproxy.cfg's none", n)
	}
	client := haproxytest.NewClient(1)
	want := map[string]bool{r.Backends[0].Name: true, r.Backends[1].Name: true}
	seen := map[string]bool{}
	for len(seen) < len(want) {
		if body, err := haproxytest.Get(context.Background(), client, r.URL()); err == nil && want[body] {
			seen[body] = true
		}
		if took := time.Since(restarted); took > 2*interval {
			t.Fatalf("after %v (two intervals are %v) only %v answered", took, 2*interval, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("every member served again %v after the restart", time.Since(restarted).Round(time.Millisecond))
	r.Converged(t)
}
