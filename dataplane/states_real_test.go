package dataplane_test

import (
	"context"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// Weight 0 puts a server in HAProxy's drain state: its long request completes, new requests go
// elsewhere, and it stays, drained, pass after pass. Maintenance puts it in maint, where it stays
// too, through a reconciler that lost its State and through an HAProxy restart. Cleared, the
// server takes its share again. No request fails, but those cut by the HAProxy restart.
func TestWeightZeroDrainsAndMaintenanceStays(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	a, b := bs[0], bs[1]
	nameA := serverFor(a, 1).Name()
	rg.desired.set(web(time.Minute, bs))
	rg.converge(t)
	url := rg.h.URL("web")

	long := make(chan string, 2)
	for range 2 { // round robin: one on each server
		go func() {
			body, err := haproxytest.Get(context.Background(), haproxytest.NewClient(1), url+"/slow?ms=1500")
			if err != nil {
				body = err.Error()
			}
			long <- body
		}()
	}
	eventually(t, "a long request on a", func() bool { return rg.servers(t, "web")[nameA].Sessions == 1 })
	traffic := haproxytest.StartTraffic(url, 100)

	rg.desired.set(web(time.Minute, bs, 0, 1))
	rep := rg.pass(t)
	if len(rep.Outcomes) != 1 || rep.Outcomes[0].Op.Kind != dataplane.OpDrain || len(rep.Drift) != 0 {
		t.Fatalf("outcomes %+v drift %+v, want a drained, no drift", rep.Outcomes, rep.Drift)
	}
	rep = rg.pass(t)
	if o := rep.Observed[0]; o.Health != dataplane.HealthDrain || o.Sessions != 1 || o.OperatingStatus() != dataplane.OperatingDraining {
		t.Fatalf("observed %+v, want a draining with its 1 session", o)
	}
	if tally := haproxytest.Count(context.Background(), url, 50, 4); tally.Failed != 0 || tally.ByBackend[b.Name] != 50 {
		t.Fatalf("while a drains: %+v, want every request answered by b", tally)
	}
	for range 2 {
		if got := <-long; got != a.Name && got != b.Name {
			t.Fatalf("a long request: %q", got)
		}
	}
	for range 3 {
		rep := rg.pass(t)
		if s, ok := rg.servers(t, "web")[nameA]; !ok || s.State() != haproxy.StateDrain || rep.Status != dataplane.StatusInSync || !rep.Backends[0].Converged {
			t.Fatalf("a = %+v (present %v), status %s: want it kept, drained, in sync", s, ok, rep.Status)
		}
	}

	maint := web(time.Minute, bs)
	maint.Backends[0].Servers[0].Maintenance = true
	rg.desired.set(maint)
	rg.pass(t)
	rg.r = rg.reconciler(t)
	if err := rg.store.SaveState(context.Background(), dataplane.State{}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		rep := rg.pass(t)
		if s, ok := rg.servers(t, "web")[nameA]; !ok || s.State() != haproxy.StateMaint || rep.Status != dataplane.StatusInSync || len(rep.Drift) != 0 {
			t.Fatalf("a = %+v (present %v), report %+v: want it kept in maintenance, in sync, no drift, State lost or not", s, ok, rep)
		}
	}
	if tally := traffic.Stop(); tally.Failed != 0 || tally.ByBackend[b.Name] == 0 {
		t.Fatalf("traffic %+v, want no failure", tally)
	}

	rg.h.Restart(t)
	eventually(t, "refilled, a in maintenance", func() bool {
		rep := rg.pass(t)
		return rep.Status == dataplane.StatusInSync && rg.servers(t, "web")[nameA].State() == haproxy.StateMaint
	})
	rg.desired.set(web(time.Minute, bs))
	traffic = haproxytest.StartTraffic(url, 100)
	eventually(t, "a back", func() bool {
		rep := rg.pass(t)
		return rep.Status == dataplane.StatusInSync && rg.servers(t, "web")[nameA].Serving()
	})
	// Round robin over these requests and the traffic's: about half each.
	if tally := haproxytest.Count(context.Background(), url, 100, 4); tally.Failed != 0 || tally.ByBackend[a.Name] < 30 || tally.ByBackend[a.Name] > 70 {
		t.Fatalf("a back: %+v, want about half of the requests answered by a", tally)
	}
	if tally := traffic.Stop(); tally.Failed != 0 {
		t.Fatalf("traffic %+v, want no failure", tally)
	}
}

// A backup server takes requests only when the active one is down; changing the flag replaces
// the server (HAProxy 2.6 cannot change it in place).
func TestBackupServer(t *testing.T) {
	rg := newRig(t)
	bs := haproxytest.StartBackends(t, 2)
	active, backup := serverFor(bs[0], 1), serverFor(bs[1], 1)
	backup.Backup = true
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web", Servers: []dataplane.Server{active, backup}}}})
	rep := rg.converge(t)
	if !rep.Observed[1].Backup || rep.Observed[0].Backup {
		t.Fatalf("observed %+v, want the second one a backup", rep.Observed)
	}
	url := rg.h.URL("web")
	if tally := haproxytest.Count(context.Background(), url, 20, 2); tally.ByBackend[bs[0].Name] != 20 {
		t.Fatalf("%+v, want every request answered by the active server", tally)
	}
	bs[0].Stop()
	eventually(t, "the backup takes over", func() bool {
		return haproxytest.Count(context.Background(), url, 10, 1).ByBackend[bs[1].Name] == 10
	})
	bs[0].Restart(t)
	promoted := backup
	promoted.Backup = false
	rg.desired.set(dataplane.Desired{Backends: []dataplane.Backend{{Name: "web", Servers: []dataplane.Server{active, promoted}}}})
	eventually(t, "the backup replaced by an active server", func() bool {
		rg.pass(t)
		s := rg.servers(t, "web")
		_, old := s[backup.Name()]
		return !old && s[promoted.Name()].Serving() && !s[promoted.Name()].Backup && s[active.Name()].Serving()
	})
	if tally := haproxytest.Count(context.Background(), url, 20, 2); tally.ByBackend[bs[0].Name] != 10 || tally.ByBackend[bs[1].Name] != 10 {
		t.Fatalf("%+v, want both answering", tally)
	}
}
