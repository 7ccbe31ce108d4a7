package stress

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
	"lbconsole/internal/testenv"
)

// The failover test's names: load balancer foLB, whose group (and pool) foGroup drives the
// HAProxy backend foBackend.
const (
	foLB      = "lb-fo"
	foGroup   = "rsp-fo"
	foBackend = "web"
)

// foFleet is a fleet file binding load balancer foLB to the HAProxy Runtime API api, its group
// holding members (addresses and ports of backends) of weight 100.
func foFleet(api string, members ...*haproxytest.Backend) string {
	var b strings.Builder
	fmt.Fprintf(&b, `regions: [{id: local, name: Local}]
vpcs: [{id: vpc-fo, region: local, name: fo, cidr: 127.0.0.0/16}]
subnets: [{id: vsw-fo, vpc: vpc-fo, name: fo, cidr: 127.0.0.0/24}]
load_balancers:
  - id: %s
    name: fo
    region: local
    vpc: vpc-fo
    address: 127.0.0.1
    address_type: intranet
    dataplane: {haproxy: {runtime_api: [%s]}}
    groups:
      - id: %s
        name: %s
        kind: vserver
        health_check: {type: tcp, interval: 200ms, rise: 1, fall: 2}
        drain_timeout: 5s
        members:
`, foLB, api, foGroup, foBackend)
	for _, m := range members {
		fmt.Fprintf(&b, "          - {address: %s, port: %d, weight: 100}\n", m.IP, m.Port)
	}
	return b.String()
}

// applyFleetFile applies a fleet file with the binary, as an operator would.
func applyFleetFile(t *testing.T, h *testenv.Harness, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	h.Command(context.Background(), "", "fleet", "apply", path)
}

// replaceMembers replaces every member of the group with backends, through the pool API of
// the replica at addr (gophercloud's batch update: the members it names, and no others).
func replaceMembers(ctx context.Context, addr, token string, backends ...*haproxytest.Backend) error {
	rest := testenv.PoolClient("http://"+addr+"/v2.0", token, http.Client{Timeout: 30 * time.Second})
	var opts []pools.BatchUpdateMemberOpts
	for _, b := range backends {
		weight := 100
		opts = append(opts, pools.BatchUpdateMemberOpts{Address: b.IP, ProtocolPort: b.Port, Weight: &weight})
	}
	return pools.BatchUpdateMembers(ctx, rest, foGroup, opts).ExtractErr()
}

// metricsClient scrapes the replicas' /metrics.
var metricsClient = &http.Client{Timeout: 10 * time.Second}

// leads reports whether the replica at addr says on /metrics that it leads the node api
// (lbconsole_dataplane_node_led 1).
func leads(addr, api string) (bool, error) {
	resp, err := metricsClient.Get("http://" + addr + "/metrics")
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET /metrics: status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "lbconsole_dataplane_node_led{") && strings.Contains(line, `node="`+api+`"`) {
			return strings.HasSuffix(line, " 1"), nil
		}
	}
	return false, sc.Err()
}

// leaders lists the indexes of the replicas (nil ones are dead) that say they lead node api.
func leaders(t *testing.T, replicas []*testenv.Process, api string) []int {
	t.Helper()
	var out []int
	for i, p := range replicas {
		if p == nil {
			continue
		}
		led, err := leads(p.Addr, api)
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		if led {
			out = append(out, i)
		}
	}
	return out
}

// soleLeader waits until exactly one live replica leads node api, and returns it.
func soleLeader(t *testing.T, replicas []*testenv.Process, api string) int {
	t.Helper()
	var led []int
	testenv.Eventually(t, "one replica leading the node", func() string {
		if led = leaders(t, replicas, api); len(led) != 1 {
			return fmt.Sprintf("replicas %v lead it", led)
		}
		return ""
	})
	return led[0]
}

// backendServers lists HAProxy's servers in the backend.
func backendServers(t *testing.T, c *haproxy.Client) []haproxy.Server {
	t.Helper()
	list, err := c.Servers(context.Background(), foBackend)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// serving says "" when HAProxy's backend holds exactly the servers at backends, each ready
// and up, and what it holds otherwise.
func serving(t *testing.T, c *haproxy.Client, backends ...*haproxytest.Backend) string {
	t.Helper()
	list := backendServers(t, c)
	ok := len(list) == len(backends)
	for _, s := range list {
		ok = ok && s.State() == haproxy.StateReady && s.Op == haproxy.OpRunning &&
			slices.ContainsFunc(backends, func(b *haproxytest.Backend) bool { return b.IP == s.Address && b.Port == s.Port })
	}
	if ok {
		return ""
	}
	return "backend " + foBackend + " holds " + describe(list)
}

// holds reports whether HAProxy's backend has a server, in any state, at each of backends.
func holds(t *testing.T, c *haproxy.Client, backends ...*haproxytest.Backend) bool {
	t.Helper()
	list := backendServers(t, c)
	for _, b := range backends {
		if !slices.ContainsFunc(list, func(s haproxy.Server) bool { return b.IP == s.Address && b.Port == s.Port }) {
			return false
		}
	}
	return true
}

// describe lists servers as "address:port state status", for messages and the log.
func describe(list []haproxy.Server) string {
	var out []string
	for _, s := range list {
		out = append(out, fmt.Sprintf("%s:%d %s %s", s.Address, s.Port, s.State(), s.Status))
	}
	slices.Sort(out)
	return "[" + strings.Join(out, ", ") + "]"
}

// servedBy is how many requests backends have answered, in total.
func servedBy(backends ...*haproxytest.Backend) int64 {
	var n int64
	for _, b := range backends {
		n += b.ServedPath("/")
	}
	return n
}
