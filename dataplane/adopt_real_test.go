package dataplane_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// stableState is `show servers state web` without what moves on its own: the time since the
// last change, the latest check's status and result (reset while each check runs), and the
// "check in progress" bit of srv_check_state.
func stableState(t *testing.T, c *haproxy.Client) string {
	t.Helper()
	answer, err := c.Run(context.Background(), "show", "servers", "state", "web")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(answer, "\n")
	for i, l := range lines[2:] {
		f := strings.Fields(l)
		f[9], f[10], f[11] = "-", "-", "-"
		st, _ := strconv.Atoi(f[13])
		f[13] = strconv.Itoa(st &^ int(haproxy.CheckInProgress))
		lines[i+2] = strings.Join(f, " ")
	}
	return strings.Join(lines, "\n")
}

// desiredFromProposal is what the console would store from the proposal of backend web: one
// member per server, m-<name>, with the backend's check kind as the group's check.
func desiredFromProposal(t *testing.T, p dataplane.Proposal) dataplane.Desired {
	t.Helper()
	pb := p.Backends[0]
	if pb.Name != "web" || len(pb.Problems) != 0 {
		t.Fatalf("proposal %+v, want backend web without problems", pb)
	}
	be := dataplane.Backend{Name: "web", DrainTimeout: 10 * time.Second, Version: 1}
	for _, s := range pb.Servers {
		if len(s.Problems) != 0 {
			t.Fatalf("server %+v, want no problems", s)
		}
		check := &dataplane.Check{Type: pb.Check, Interval: 2 * time.Second, Rise: s.Rise, Fall: s.Fall}
		be.Servers = append(be.Servers, s.Server("m-"+s.Name, check))
	}
	return dataplane.Desired{Backends: []dataplane.Backend{be}}
}

// A backend of static servers (weights 3 and 1, a backup, one of weight 0, one disabled) is
// adopted, then reconciled for a while under traffic: HAProxy's server state is exactly as
// before, no operation ran, and every request was answered, 3:1. Then a weight edit is applied
// in place, and a port change replaces the adopted server without failing a request; its name
// is released once deleted.
func TestAdoptThenReconcileChangesNothing(t *testing.T) {
	bs := haproxytest.StartBackends(t, 6)
	chk := " check inter 100ms rise 1 fall 3"
	rg := newRig(t, haproxytest.Section{Name: "web", Lines: []string{"balance roundrobin",
		"server web1 " + bs[0].Name + " weight 3" + chk,
		"server web2 " + bs[1].Name + " weight 1" + chk,
		"server web3 " + bs[2].Name + " backup" + chk,
		"server web4 " + bs[3].Name + " weight 0",
		"server web5 " + bs[4].Name + " disabled",
	}})
	ctx := context.Background()
	eventually(t, "checked servers up", func() bool {
		s := rg.servers(t, "web")
		return s["web1"].Serving() && s["web2"].Serving() && s["web3"].Serving()
	})
	before := stableState(t, rg.client)
	proposal, err := dataplane.Propose(ctx, rg.client)
	if err != nil {
		t.Fatal(err)
	}
	desired := desiredFromProposal(t, proposal)
	rg.desired.set(desired)

	traffic := haproxytest.StartTraffic(rg.h.URL("web"), 200)
	for range 5 {
		rep := rg.pass(t)
		if len(rep.Outcomes) != 0 || rep.Status != dataplane.StatusInSync || !rep.Backends[0].Converged || rep.Backends[0].Version != 1 || len(rep.Foreign) != 0 {
			t.Fatalf("pass after adoption: %+v, want in sync, converged on version 1, nothing done", rep)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if after := stableState(t, rg.client); after != before {
		t.Fatalf("show servers state changed:\nbefore\n%s\nafter\n%s", before, after)
	}
	tally := traffic.Stop()
	if tally.Failed != 0 || tally.ByBackend[bs[2].Name]+tally.ByBackend[bs[3].Name]+tally.ByBackend[bs[4].Name] != 0 {
		t.Fatalf("traffic %+v: want every request answered by web1 and web2 only", tally)
	}
	if r := float64(tally.ByBackend[bs[0].Name]) / float64(tally.OK()); r < 0.65 || r > 0.85 {
		t.Errorf("web1 answered %.0f%% of %d requests, want 75%% (weights 3:1)", 100*r, tally.OK())
	}

	// A weight edit: in place, under the adopted name.
	desired.Backends[0].Servers[1].Weight = 2
	rg.desired.set(desired)
	rep := rg.pass(t)
	if len(rep.Outcomes) != 1 || rep.Outcomes[0].Op.Server != "web2" || rep.Outcomes[0].Op.Kind != dataplane.OpWeight || rep.Outcomes[0].Err != nil {
		t.Fatalf("outcomes %+v, want web2's weight set", rep.Outcomes)
	}

	// A port change: web1 is replaced, without a failed request, and released once deleted.
	moved := haproxytest.StartBackend(t, "127.0.0.20")
	desired.Backends[0].Servers[0].Address, desired.Backends[0].Servers[0].Port = moved.IP, moved.Port
	rg.desired.set(desired)
	traffic = haproxytest.StartTraffic(rg.h.URL("web"), 200)
	var released []dataplane.Released
	eventually(t, "web1 replaced and released", func() bool {
		rep := rg.pass(t)
		released = append(released, rep.Released...)
		_, still := rg.servers(t, "web")["web1"]
		return !still && rep.Status == dataplane.StatusInSync && len(rep.Released) == 1
	})
	tally = traffic.Stop()
	if tally.Failed != 0 || tally.ByBackend[moved.Name] == 0 {
		t.Fatalf("traffic during the replacement %+v: want no failure, and the new server answering", tally)
	}
	if released[0] != (dataplane.Released{Backend: "web", Server: "web1", MemberID: "m-web1"}) {
		t.Fatalf("released %+v, want web1 of m-web1", released)
	}
	if s := rg.servers(t, "web")[desired.Backends[0].Servers[0].Name()]; !s.Serving() || s.Weight != 3 {
		t.Fatalf("replacement %+v, want it serving with weight 3", s)
	}
}

// A backend HAProxy cannot add servers to (static-rr) is named in the proposal.
func TestProposeOnARealNode(t *testing.T) {
	bs := haproxytest.StartBackends(t, 1)
	rg := newRig(t,
		haproxytest.Section{Name: "web", Lines: []string{"option httpchk GET /health", "server web1 " + bs[0].Name + " check inter 100ms"}},
		haproxytest.Section{Name: "legacy", Lines: []string{"balance static-rr", "server old1 localhost:" + fmt.Sprint(bs[0].Port)}})
	var p dataplane.Proposal
	eventually(t, "web1's check concluded", func() bool {
		var err error
		p, err = dataplane.Propose(context.Background(), rg.client)
		if err != nil {
			t.Fatal(err)
		}
		return p.Backends[0].Check != ""
	})
	web, legacy := p.Backends[0], p.Backends[1]
	if web.Check != dataplane.CheckHTTP || len(web.Problems) != 0 || len(web.Servers) != 1 || !web.Servers[0].HasCheck {
		t.Fatalf("web %+v, want web1 checked over HTTP, no problem", web)
	}
	if len(legacy.Problems) != 1 || !strings.Contains(legacy.Problems[0], "static-rr") ||
		len(legacy.Servers[0].Problems) != 1 || !strings.Contains(legacy.Servers[0].Problems[0], "localhost") {
		t.Fatalf("legacy %+v, want static-rr and the host name named", legacy)
	}
}
