package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
)

// hxFleet is a fleet binding load balancer lb-hx to the Runtime API api, its group rsp-web
// driving backend web with the members given as "IP:PORT weight"; with no api, the load
// balancer has no data plane and no group.
func hxFleet(api string, members ...string) string {
	var b strings.Builder
	b.WriteString(`regions: [{id: local, name: Local}]
vpcs: [{id: vpc-l, region: local, name: l, cidr: 127.0.0.0/16}]
subnets: [{id: vsw-l, vpc: vpc-l, name: l, cidr: 127.0.0.0/24}]
load_balancers:
  - id: lb-hx
    name: hx
    region: local
    vpc: vpc-l
    address: 127.0.0.1
    address_type: intranet
`)
	if api == "" {
		return b.String()
	}
	fmt.Fprintf(&b, `    dataplane: {haproxy: {runtime_api: [%s]}}
    groups:
      - id: rsp-web
        name: web
        kind: vserver
        health_check: {type: tcp, interval: 200ms, rise: 1, fall: 2}
        drain_timeout: 5s
        members:
`, api)
	for _, m := range members {
		addr, weight, _ := strings.Cut(m, " ")
		ip, port, _ := strings.Cut(addr, ":")
		fmt.Fprintf(&b, "          - {address: %s, port: %s, weight: %s}\n", ip, port, weight)
	}
	return b.String()
}

// webProxy starts haproxy with backend web (roundrobin) and the lines given after.
func webProxy(t *testing.T, lines ...string) (*haproxytest.HAProxy, *haproxy.Client) {
	t.Helper()
	h := haproxytest.Start(t, haproxytest.Config{Backends: []haproxytest.Section{{Name: "web", Lines: append([]string{"balance roundrobin"}, lines...)}}})
	c, err := haproxy.New(h.Unix, h.Unix)
	if err != nil {
		t.Fatal(err)
	}
	return h, c
}

// serves waits until requests through url are answered by exactly the backends named, each
// at least once in a row of 60 requests with no failure, and fails the test after 30 s.
func serves(t *testing.T, url string, names ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		tally := haproxytest.Count(context.Background(), url, 60, 2)
		ok := tally.Failed == 0 && len(tally.ByBackend) == len(want)
		for name := range tally.ByBackend {
			ok = ok && want[name]
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests answered by %v (%d failed: %v); want exactly %v", tally.ByBackend, tally.Failed, tally.Errors, names)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serverLines is a node's backend web as comparable lines: name, address, weight, state.
func serverLines(t *testing.T, c *haproxy.Client) []string {
	t.Helper()
	list, err := c.Servers(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range list {
		out = append(out, fmt.Sprintf("%s %s:%d weight %d %s", s.Name, s.Address, s.Port, s.Weight, s.State()))
	}
	sort.Strings(out)
	return out
}

// openBeside opens the database a binary serves, with the key file beside it, to read what
// the binary's reconcilers recorded.
func openBeside(t *testing.T, dbPath string) *db.DB {
	t.Helper()
	text, err := os.ReadFile(dbPath + ".key")
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(context.Background(), dbPath, db.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// writeTemp writes content to a file of the test's own and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
