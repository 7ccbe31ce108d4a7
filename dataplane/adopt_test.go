package dataplane

import (
	"os"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
)

// capturedNode is the node captured in haproxy/testdata (see its TestParseSnapshot): backend web
// (roundrobin, option httpchk) with web1 (checked, drained by hand), web2 (weight 0), web3
// (backup), web4 (no port), web5 (localhost), web6 (disabled) and lbc-m1-0123abcd; api
// (static-rr) with api1 (TCP check, up) and api2 (down); empty.
func capturedNode(t *testing.T) haproxy.Snapshot {
	t.Helper()
	state, err := os.ReadFile("haproxy/testdata/node_state.txt")
	if err != nil {
		t.Fatal(err)
	}
	stat, err := os.ReadFile("haproxy/testdata/node_stat.txt")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := haproxy.ParseSnapshot(string(state), string(stat))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestProposeFromCapturedNode(t *testing.T) {
	p := ProposeFrom(capturedNode(t))
	if len(p.Backends) != 3 {
		t.Fatalf("%d backends, want web, api, empty", len(p.Backends))
	}
	web, api, empty := p.Backends[0], p.Backends[1], p.Backends[2]
	if web.Name != "web" || web.Check != CheckHTTP || web.Algorithm != "roundrobin" || web.Mode != "http" {
		t.Errorf("web = %+v, want roundrobin, http mode, checked over HTTP", web)
	}
	if api.Check != CheckTCP || !contains(api.Problems, "static-rr refuses servers added at runtime") {
		t.Errorf("api = %+v, want TCP checks and static-rr named as a problem", api)
	}
	if empty.Check != "" || len(empty.Servers) != 0 || len(empty.Problems) != 0 {
		t.Errorf("empty = %+v", empty)
	}
	if len(web.Problems) != 0 || !contains(web.Notes, "health checks differ (rise 2 fall 3; none)") {
		t.Errorf("web problems %q notes %q, want no problem, the mixed checks noted", web.Problems, web.Notes)
	}
	s := map[string]ProposedServer{}
	for _, ps := range web.Servers {
		s[ps.Name] = ps
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"web1 drained, weight 5, checked", s["web1"].State == haproxy.StateDrain && s["web1"].Weight == 5 && s["web1"].HasCheck && s["web1"].Rise == 2 && s["web1"].Fall == 3 && len(s["web1"].Problems) == 0},
		{"web2 weight 0", s["web2"].Weight == 0 && s["web2"].State == haproxy.StateReady && !s["web2"].HasCheck},
		{"web3 backup", s["web3"].Backup && !s["web1"].Backup},
		{"web4 no port", contains(s["web4"].Problems, "no port")},
		{"web5 by name", contains(s["web5"].Problems, "addressed by the name localhost") && s["web5"].FQDN == "localhost"},
		{"web6 maint", s["web6"].State == haproxy.StateMaint && len(s["web6"].Problems) == 0},
		{"lbc- made by lbconsole", s["lbc-m1-0123abcd"].MemberID == "m1" && s["web1"].MemberID == ""},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.what, web.Servers)
		}
	}
}

func TestProposedServerToDesired(t *testing.T) {
	hc := &Check{Type: CheckHTTP, Path: "/health", Interval: 2 * time.Second, Rise: 2, Fall: 3}
	p := ProposedServer{Name: "web1", Address: "10.0.0.7", Port: 80, Weight: 5, Backup: true, State: haproxy.StateDrain, HasCheck: true}
	want := Server{ID: "m7", Address: "10.0.0.7", Port: 80, Weight: 0, Backup: true, Adopted: "web1", Check: hc}
	if got := p.Server("m7", hc); got != want {
		t.Fatalf("Server = %+v, want %+v (drained: weight 0)", got, want)
	}
	p.State, p.HasCheck = haproxy.StateMaint, false
	if got := p.Server("m7", hc); !got.Maintenance || got.Weight != 5 || got.Check != nil {
		t.Fatalf("Server = %+v, want in maintenance, weight 5 kept, no check", got)
	}
}

func TestProposeNamesHashingAlgorithms(t *testing.T) {
	for _, algo := range []string{"source", "uri", "hdr(host)"} {
		p := ProposeFrom(haproxy.Snapshot{Backends: []haproxy.Backend{{Name: "b", Algorithm: algo}}})
		if !contains(p.Backends[0].Problems, "hash-type consistent") {
			t.Errorf("balance %s: problems %q, want hash-type consistent named", algo, p.Backends[0].Problems)
		}
	}
	for _, algo := range []string{"roundrobin", "leastconn", "first", "unknown"} {
		if p := ProposeFrom(haproxy.Snapshot{Backends: []haproxy.Backend{{Name: "b", Algorithm: algo}}}); len(p.Backends[0].Problems) != 0 {
			t.Errorf("balance %s: problems %q, want none", algo, p.Backends[0].Problems)
		}
	}
}

func contains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}
