package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// A weight set by hand on the Runtime API is set back, and the correction is in the audit log
// (source dataplane), in the node's status and in /metrics.
func TestHandMadeWeightIsCorrectedAndRecorded(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{})
	r.Converged(t)
	m := r.Member(t, r.Backends[0])
	var name string
	for n := range r.Servers(t, 0) {
		if id, _ := dataplane.MemberOf(n); id == m.ID {
			name = n
		}
	}
	if err := r.Clients[0].SetWeight(context.Background(), backend, name, 7); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the weight set back to the member's", func() string {
		if w := r.Servers(t, 0)[name].Weight; w != m.Weight {
			return fmt.Sprintf("weight %d", w)
		}
		return ""
	})
	var entries []db.AuditEntry
	testenv.Eventually(t, "the correction audited", func() string {
		page, err := r.Console.Store.ListAudit(context.Background(), db.AuditFilter{Source: db.SourceDataplane})
		if err != nil {
			t.Fatal(err)
		}
		entries = page.Items
		if len(entries) == 0 {
			return "no entry"
		}
		return ""
	})
	e := entries[0]
	if e.Action != db.ActionCorrectDrift || e.Group != groupID || e.Servers != testenv.RigServerID(r.Backends[0])+fmt.Sprint(":", r.Backends[0].Port) ||
		!strings.Contains(e.Message, r.Nodes[0].RuntimeAPI) || !strings.Contains(e.Message, name) {
		t.Errorf("audit entry %+v; want correct_drift of %s naming the node, the server and the member", e, groupID)
	}
	statuses, err := r.Console.Store.NodeStatuses(context.Background(), lbID)
	if err != nil || statuses[0].DriftCorrectedAt.IsZero() {
		t.Errorf("node status %+v, %v; want when drift was corrected", statuses, err)
	}
	if metrics := r.Console.Browser().Get("/metrics").Body; !strings.Contains(metrics, "lbconsole_dataplane_drift_corrected_total 1") {
		t.Errorf("/metrics does not count the drift corrected")
	}
}

// A backend that stops shows DOWN, with the check's reason, in the store's member health (and
// so abnormal for DescribeHealthStatus and ERROR for operating_status) within fall × interval
// plus one reconcile; the other member stays up.
func TestStoppedBackendShowsDown(t *testing.T) {
	t.Parallel()
	const check, fall, interval = time.Second, 2, time.Second
	r := newRig(t, testenv.RigOptions{Check: check, Fall: fall, Interval: interval})
	r.Converged(t)
	down, up := r.Member(t, r.Backends[0]), r.Member(t, r.Backends[1])
	r.Backends[0].Stop()
	stopped := time.Now()
	// A check is due at most one interval after the stop: the fall-th failure comes at most
	// (fall+1) intervals after it, and the next pass records it.
	bound := time.Duration(fall+1)*check + interval
	for {
		health, err := r.Console.Store.MemberHealth(context.Background(), groupID)
		if err != nil {
			t.Fatal(err)
		}
		h := health[down.ID]
		if len(h.Nodes) == 1 && h.Nodes[0].Observed.Health == dataplane.HealthDown {
			o := h.Nodes[0].Observed
			if h.SLBHealth() != dataplane.SLBAbnormal || h.OperatingStatus() != dataplane.OperatingError || o.CheckDesc == "" || o.Status != "DOWN" {
				t.Errorf("down member %+v: %s, %s; want abnormal, ERROR, DOWN with the check's reason", o, h.SLBHealth(), h.OperatingStatus())
			}
			if other := health[up.ID]; other.SLBHealth() != dataplane.SLBNormal {
				t.Errorf("the running member is %s", other.SLBHealth())
			}
			t.Logf("DOWN (%s: %s) recorded %v after the stop", o.CheckDesc, o.LastCheck, time.Since(stopped).Round(time.Millisecond))
			return
		}
		if took := time.Since(stopped); took > bound {
			t.Fatalf("not DOWN %v after the stop (bound %v): %+v", took, bound, h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Load balancers bound and unbound while the controller runs are picked up without a restart.
func TestBindingsFollowTheStore(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{})
	r.Converged(t)
	doc, err := r.Console.Store.ExportFleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.LoadBalancers {
		if doc.LoadBalancers[i].ID == lbID {
			doc.LoadBalancers[i].DataPlane = nil
			doc.LoadBalancers = doc.LoadBalancers[i : i+1]
			break
		}
	}
	doc.Regions, doc.VPCs, doc.Subnets, doc.Servers = nil, nil, nil, nil
	if _, err := r.Console.Store.ApplyFleet(context.Background(), testenv.Origin, doc, db.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the unbound node no longer reconciled", func() string {
		if n := len(r.Controller.Nodes()); n != 0 {
			return fmt.Sprintf("%d nodes reconciled", n)
		}
		return ""
	})
	statuses, err := r.Console.Store.NodeStatuses(context.Background(), lbID)
	if err != nil || len(statuses) != 0 {
		t.Errorf("statuses of an unbound load balancer: %+v, %v; want none", statuses, err)
	}
	if _, err := r.Console.Store.ApplyFleet(context.Background(), testenv.Origin, r.Fleet(t), db.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the node bound again reconciled", func() string {
		if n := len(r.Controller.Nodes()); n != 1 {
			return fmt.Sprintf("%d nodes reconciled", n)
		}
		return ""
	})
	r.setWeights(t, map[*haproxytest.Backend]int{r.Backends[0]: 40})
	r.Converged(t)
}
