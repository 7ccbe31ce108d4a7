package slbapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/lb"
)

// DescribeHealthStatus lists every backend server of a load balancer, its default list and its
// VServer groups, each with its port and health. A load balancer that is a record only has
// nothing that checks its servers: every one is unavailable, as the cloud answers a server
// whose health check has not completed. (The states a real HAProxy reports are tested in
// handlers, against haproxy: a stopped backend is abnormal there.)
func TestDescribeHealthStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client(viewerName)
	l := e.loadBalancer("web-frontend-hz")

	t.Run("RecordOnlyIsUnavailable", func(t *testing.T) {
		req := slb.CreateDescribeHealthStatusRequest()
		req.LoadBalancerId = l.ID
		res, err := c.DescribeHealthStatus(req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for _, m := range e.members(l.ID, lb.DefaultGroupRef) {
			want[m.ServerID+":0"] = true
		}
		for _, g := range e.vserverGroups(l) {
			for _, m := range e.members(l.ID, g.ID) {
				want[fmt.Sprintf("%s:%d", m.ServerID, m.Port)] = true
			}
		}
		got := map[string]bool{}
		for _, s := range res.BackendServers.BackendServer {
			got[fmt.Sprintf("%s:%d", s.ServerId, s.Port)] = true
			if s.ServerHealthStatus != "unavailable" || s.ServerIp == "" {
				t.Errorf("server %+v; want unavailable, with its address", s)
			}
		}
		if len(got) != len(want) || len(want) == 0 || res.RequestId == "" {
			t.Errorf("answered %d servers; want the %d of the default list and the VServer groups", len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Errorf("%s is missing", k)
			}
		}
	})

	t.Run("ListenerPortIsChecked", func(t *testing.T) {
		req := slb.CreateDescribeHealthStatusRequest()
		req.LoadBalancerId, req.ListenerPort = l.ID, requests.NewInteger(80)
		if _, err := c.DescribeHealthStatus(req); err != nil {
			t.Errorf("ListenerPort 80: %v", err)
		}
		req.ListenerPort = requests.NewInteger(70000)
		_, err := c.DescribeHealthStatus(req)
		wantCode(t, err, "InvalidParameter", http.StatusBadRequest)
	})

	t.Run("ErrUnknownLoadBalancer", func(t *testing.T) {
		req := slb.CreateDescribeHealthStatusRequest()
		req.LoadBalancerId = "lb-nope"
		_, err := c.DescribeHealthStatus(req)
		wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
	})

	t.Run("ErrOtherRegion", func(t *testing.T) {
		req := slb.CreateDescribeHealthStatusRequest()
		req.LoadBalancerId = e.loadBalancer("checkout-sh").ID
		_, err := c.DescribeHealthStatus(req)
		wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
	})

	t.Run("ErrMissingLoadBalancerId", func(t *testing.T) {
		_, err := c.DescribeHealthStatus(slb.CreateDescribeHealthStatusRequest())
		wantCode(t, err, "MissingParameter", http.StatusBadRequest)
	})
}
