package controller_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane/haproxytest"
	"lbconsole/internal/testenv"
)

// The console's batch form, the Alibaba SLB SDK and gophercloud each change the group, and the
// traffic through haproxy follows each change.
func TestConsoleSLBAndGophercloudMoveTraffic(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{Backends: 3, Members: 2})
	r.Converged(t)
	a, b, c := r.Backends[0], r.Backends[1], r.Backends[2]

	t.Run("console drains a", func(t *testing.T) {
		browser := r.Console.SignIn(testenv.Operator)
		page := browser.Get("/lbs/" + lbID + "/groups/" + groupID)
		version, _ := page.Doc().Find("[data-testid=batch-form] input[name=version]").Attr("value")
		res := browser.Post("/lbs/"+lbID+"/groups/"+groupID+"/batch", browser.WithCSRF(url.Values{
			"op": {"weights"}, "weight": {"0"}, "member": {r.Member(t, a).ID}, "version": {version}}))
		if res.StatusCode != http.StatusOK || res.Doc().Find("[data-testid=flash]").Length() == 0 {
			t.Fatalf("batch: %d\n%s", res.StatusCode, res.Snippet())
		}
		r.Converged(t)
		only(t, r, b)
	})

	t.Run("SLB SDK moves every request to a", func(t *testing.T) {
		key := r.Console.APIKey(testenv.Operator)
		client, err := testenv.SLBClient(r.Console.Host, key.AccessKeyID, key.AccessKeySecret)
		if err != nil {
			t.Fatal(err)
		}
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId = groupID
		req.BackendServers = fmt.Sprintf(`[{"ServerId":"%s","Port":%d,"Weight":100},{"ServerId":"%s","Port":%d,"Weight":0}]`,
			testenv.RigServerID(a), a.Port, testenv.RigServerID(b), b.Port)
		if _, err := client.SetVServerGroupAttribute(req); err != nil {
			t.Fatal(err)
		}
		r.Converged(t)
		only(t, r, a)
	})

	t.Run("gophercloud replaces the members by c", func(t *testing.T) {
		key := r.Console.APIKey(testenv.Operator)
		client := testenv.PoolClient(r.Console.Server.URL+"/v2.0", key.Token, http.Client{Timeout: 30 * time.Second})
		weight := 10
		opts := []pools.BatchUpdateMemberOpts{{Address: c.IP, ProtocolPort: c.Port, Weight: &weight}}
		if err := pools.BatchUpdateMembers(context.Background(), client, groupID, opts).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		r.Converged(t)
		testenv.Eventually(t, "a and b deleted from haproxy", func() string {
			if n := len(r.Servers(t, 0)); n != 1 {
				return strconv.Itoa(n) + " servers"
			}
			return ""
		})
		only(t, r, c)
	})
}

// only checks that every one of 200 requests through haproxy is answered by b.
func only(t *testing.T, r rig, b *haproxytest.Backend) {
	t.Helper()
	tally := haproxytest.Count(context.Background(), r.URL(), 200, 4)
	if tally.Failed != 0 || tally.ByBackend[b.Name] != 200 {
		t.Errorf("answers %v, %d failed (%v); want all 200 from %s", tally.ByBackend, tally.Failed, tally.Errors, b.Name)
	}
}
