package slbapi_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/lb"
)

func TestDescribeLoadBalancers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client(viewerName)

	t.Run("DefaultPageIsTheRegionsLoadBalancers", func(t *testing.T) {
		res, err := c.DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		if err != nil {
			t.Fatal(err)
		}
		if res.TotalCount != 5 || res.PageNumber != 1 || res.PageSize != 10 || len(res.LoadBalancers.LoadBalancer) != 5 {
			t.Fatalf("got %d of %d (page %d, size %d); want the 5 of %s on page 1 of size 10",
				len(res.LoadBalancers.LoadBalancer), res.TotalCount, res.PageNumber, res.PageSize, region)
		}
		for _, l := range res.LoadBalancers.LoadBalancer {
			if l.RegionId != region || !strings.HasPrefix(l.LoadBalancerId, "lb-") || l.LoadBalancerName == "" || l.Address == "" ||
				l.CreateTime == "" || l.CreateTimeStamp == 0 || l.VpcId == "" {
				t.Errorf("load balancer %+v lacks attributes", l)
			}
		}
		if res.RequestId == "" {
			t.Error("no RequestId")
		}
	})

	t.Run("PagesOfFive", func(t *testing.T) {
		total, seen := 0, map[string]bool{}
		for _, r := range []string{"cn-hangzhou", "cn-shanghai", "eu-central-1"} {
			req := slb.CreateDescribeLoadBalancersRequest()
			req.RegionId, req.PageSize = r, requests.NewInteger(5)
			res, err := c.DescribeLoadBalancers(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.LoadBalancers.LoadBalancer) != 5 || res.PageSize != 5 {
				t.Fatalf("%s: got %d load balancers in a page of %d, want 5", r, len(res.LoadBalancers.LoadBalancer), res.PageSize)
			}
			total += res.TotalCount
			for _, l := range res.LoadBalancers.LoadBalancer {
				seen[l.LoadBalancerId] = true
			}
		}
		if total < 12 || len(seen) != total {
			t.Fatalf("got %d load balancers over the regions (%d distinct), want at least 12, each once", total, len(seen))
		}
	})

	t.Run("PageTwoContinuesPageOne", func(t *testing.T) {
		ids := map[string]bool{}
		for page := 1; page <= 3; page++ {
			req := slb.CreateDescribeLoadBalancersRequest()
			req.PageSize, req.PageNumber = requests.NewInteger(2), requests.NewInteger(page)
			res, err := c.DescribeLoadBalancers(req)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]int{1: 2, 2: 2, 3: 1}[page]
			if len(res.LoadBalancers.LoadBalancer) != want || res.PageNumber != page || res.TotalCount != 5 {
				t.Fatalf("page %d: got %d of %d, want %d of 5", page, len(res.LoadBalancers.LoadBalancer), res.TotalCount, want)
			}
			for _, l := range res.LoadBalancers.LoadBalancer {
				ids[l.LoadBalancerId] = true
			}
		}
		if len(ids) != 5 {
			t.Errorf("three pages showed %d distinct load balancers, want 5", len(ids))
		}
	})

	web, checkout := e.loadBalancer("web-frontend-hz"), e.loadBalancer("checkout-hz")
	everywhere := e.members(web.ID, lb.DefaultGroupRef)[0].ServerID // every demo default list holds it
	staging := e.servers(web, nil, func(s lb.Server) bool { return s.VpcID != web.VpcID })[0].ID
	filters := []struct {
		name string
		set  func(*slb.DescribeLoadBalancersRequest)
		want []string // nil: all five of the region
	}{
		{"ByIdList", func(r *slb.DescribeLoadBalancersRequest) { r.LoadBalancerId = web.ID + " , " + checkout.ID }, []string{checkout.ID, web.ID}},
		{"ByName", func(r *slb.DescribeLoadBalancersRequest) { r.LoadBalancerName = "checkout-hz" }, []string{checkout.ID}},
		{"ByAddress", func(r *slb.DescribeLoadBalancersRequest) { r.Address = web.Address }, []string{web.ID}},
		{"ByStatus", func(r *slb.DescribeLoadBalancersRequest) { r.LoadBalancerStatus = "locked" }, []string{checkout.ID}},
		{"ByServerBehindThem", func(r *slb.DescribeLoadBalancersRequest) { r.ServerId = everywhere }, nil},
		{"ByServerBehindNone", func(r *slb.DescribeLoadBalancersRequest) { r.ServerId = staging }, []string{}},
		{"IdOfAnotherRegionIsNotListed", func(r *slb.DescribeLoadBalancersRequest) { r.LoadBalancerId = e.loadBalancer("checkout-sh").ID }, []string{}},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			req := slb.CreateDescribeLoadBalancersRequest()
			tc.set(req)
			res, err := c.DescribeLoadBalancers(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range res.LoadBalancers.LoadBalancer {
				got = append(got, l.LoadBalancerId)
			}
			if tc.want == nil {
				if len(got) != 5 || res.TotalCount != 5 {
					t.Fatalf("got %v (TotalCount %d), want all 5 of the region", got, res.TotalCount)
				}
				return
			}
			if strings.Join(got, ",") != strings.Join(sorted(tc.want, got), ",") || res.TotalCount != len(tc.want) {
				t.Fatalf("got %v (TotalCount %d), want %v", got, res.TotalCount, tc.want)
			}
		})
	}

	refusals := []struct {
		name string
		set  func(*slb.DescribeLoadBalancersRequest)
		text string
	}{
		{"PageSizeAbove100", func(r *slb.DescribeLoadBalancersRequest) { r.PageSize = requests.NewInteger(101) }, "PageSize"},
		{"PageNumberZero", func(r *slb.DescribeLoadBalancersRequest) { r.PageNumber = requests.NewInteger(0) }, "PageNumber"},
		{"PageSizeNotANumber", func(r *slb.DescribeLoadBalancersRequest) { r.PageSize = "ten" }, "PageSize"},
		{"UnknownStatus", func(r *slb.DescribeLoadBalancersRequest) { r.LoadBalancerStatus = "running" }, "LoadBalancerStatus"},
	}
	for _, tc := range refusals {
		t.Run(tc.name+"Refused", func(t *testing.T) {
			req := slb.CreateDescribeLoadBalancersRequest()
			tc.set(req)
			_, err := c.DescribeLoadBalancers(req)
			se := wantCode(t, err, "InvalidParameter", http.StatusBadRequest)
			if !strings.Contains(se.Message(), tc.text) {
				t.Errorf("message %q does not name %s", se.Message(), tc.text)
			}
		})
	}

	t.Run("XMLParsesIntoTheSDKsStructs", func(t *testing.T) {
		req := slb.CreateDescribeLoadBalancersRequest()
		req.AcceptFormat, req.PageSize = "XML", requests.NewInteger(3)
		res, err := c.DescribeLoadBalancers(req)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.GetHttpContentString(), "<?xml") || !strings.Contains(res.GetHttpContentString(), "<DescribeLoadBalancersResponse>") {
			t.Errorf("answer is not XML under <DescribeLoadBalancersResponse>: %.200s", res.GetHttpContentString())
		}
		if res.TotalCount != 5 || res.PageSize != 3 || len(res.LoadBalancers.LoadBalancer) != 3 || res.LoadBalancers.LoadBalancer[0].LoadBalancerId == "" {
			t.Fatalf("XML answer parsed as %d of %d (size %d)", len(res.LoadBalancers.LoadBalancer), res.TotalCount, res.PageSize)
		}
	})
}

// sorted returns want in the order got has them, so that order is not part of the check when
// the sets agree.
func sorted(want, got []string) []string {
	in := map[string]bool{}
	for _, w := range want {
		in[w] = true
	}
	var out []string
	for _, g := range got {
		if in[g] {
			out = append(out, g)
		}
	}
	if len(out) != len(want) {
		return want
	}
	return out
}

func TestDescribeLoadBalancerAttribute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	web := e.loadBalancer("web-frontend-hz")
	req := slb.CreateDescribeLoadBalancerAttributeRequest()
	req.LoadBalancerId = web.ID
	res, err := e.client(viewerName).DescribeLoadBalancerAttribute(req)
	if err != nil {
		t.Fatal(err)
	}
	members := e.members(web.ID, lb.DefaultGroupRef)
	if res.LoadBalancerId != web.ID || res.LoadBalancerName != web.Name || res.LoadBalancerStatus != "active" ||
		res.Address != web.Address || res.VpcId != web.VpcID || res.RegionId != region {
		t.Errorf("attributes %+v do not match %+v", res, web)
	}
	if len(res.BackendServers.BackendServer) != len(members) {
		t.Fatalf("got %d backend servers, want the %d of the default list", len(res.BackendServers.BackendServer), len(members))
	}
	for i, m := range members {
		got := res.BackendServers.BackendServer[i]
		if got.ServerId != m.ServerID || got.Weight != m.Weight || got.ServerIp != m.Address || got.Type != string(m.Type) {
			t.Errorf("backend server %d is %+v, want %+v", i, got, m)
		}
	}

	t.Run("UnknownLoadBalancerNotFound", func(t *testing.T) {
		req := slb.CreateDescribeLoadBalancerAttributeRequest()
		req.LoadBalancerId = "lb-doesnotexist"
		_, err := e.client(viewerName).DescribeLoadBalancerAttribute(req)
		wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
	})
	t.Run("LoadBalancerOfAnotherRegionNotFound", func(t *testing.T) {
		req := slb.CreateDescribeLoadBalancerAttributeRequest()
		req.LoadBalancerId = e.loadBalancer("web-frontend-sh").ID
		_, err := e.client(viewerName).DescribeLoadBalancerAttribute(req)
		se := wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
		if !strings.Contains(se.Message(), "cn-shanghai") {
			t.Errorf("message %q does not say where it is", se.Message())
		}
	})
	t.Run("MissingLoadBalancerId", func(t *testing.T) {
		_, err := e.client(viewerName).DescribeLoadBalancerAttribute(slb.CreateDescribeLoadBalancerAttributeRequest())
		se := wantCode(t, err, "MissingParameter", http.StatusBadRequest)
		if !strings.Contains(se.Message(), "LoadBalancerId") {
			t.Errorf("message %q does not name LoadBalancerId", se.Message())
		}
	})
	t.Run("AnswerIsXMLByDefault", func(t *testing.T) {
		status, body := send(t, http.MethodGet, e.signedURL("GET", e.keys[viewerName].AccessKeySecret, map[string]string{
			"Action": "DescribeLoadBalancerAttribute", "LoadBalancerId": web.ID, "Format": "",
			"AccessKeyId": e.keys[viewerName].AccessKeyID}))
		if status != http.StatusOK {
			t.Fatalf("got %d: %s", status, body)
		}
		var got slb.DescribeLoadBalancerAttributeResponse
		if err := xml.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if got.LoadBalancerId != web.ID || len(got.BackendServers.BackendServer) != len(members) || got.BackendServers.BackendServer[0].Weight == 0 {
			t.Errorf("XML answer parsed as %+v", got)
		}
	})
}

func TestDescribeVServerGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	api := e.loadBalancer("api-gateway-hz")
	groups := e.vserverGroups(api)
	req := slb.CreateDescribeVServerGroupsRequest()
	req.LoadBalancerId = api.ID
	res, err := e.client(viewerName).DescribeVServerGroups(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.VServerGroups.VServerGroup) != len(groups) || len(groups) == 0 {
		t.Fatalf("got %d groups, want the %d VServer groups", len(res.VServerGroups.VServerGroup), len(groups))
	}
	for i, g := range groups {
		got := res.VServerGroups.VServerGroup[i]
		if got.VServerGroupId != g.ID || got.VServerGroupName != g.Name || got.ServerCount != int64(g.Members) || got.CreateTime == "" {
			t.Errorf("group %d is %+v, want %s %s with %d servers", i, got, g.ID, g.Name, g.Members)
		}
	}

	t.Run("Attribute", func(t *testing.T) {
		g := groups[0]
		req := slb.CreateDescribeVServerGroupAttributeRequest()
		req.VServerGroupId = g.ID
		res, err := e.client(viewerName).DescribeVServerGroupAttribute(req)
		if err != nil {
			t.Fatal(err)
		}
		members := e.members("", g.ID)
		if res.VServerGroupId != g.ID || res.VServerGroupName != g.Name || res.LoadBalancerId != api.ID || len(res.BackendServers.BackendServer) != len(members) {
			t.Fatalf("got %s %s of %s with %d servers, want %s %s of %s with %d", res.VServerGroupId, res.VServerGroupName,
				res.LoadBalancerId, len(res.BackendServers.BackendServer), g.ID, g.Name, api.ID, len(members))
		}
		for i, m := range members {
			got := res.BackendServers.BackendServer[i]
			if got.ServerId != m.ServerID || got.Port != m.Port || got.Weight != m.Weight || got.Type != string(m.Type) || got.Description != m.Description {
				t.Errorf("backend server %d is %+v, want %+v", i, got, m)
			}
		}
	})
	t.Run("UnknownGroupNotFound", func(t *testing.T) {
		req := slb.CreateDescribeVServerGroupAttributeRequest()
		req.VServerGroupId = "rsp-doesnotexist"
		_, err := e.client(viewerName).DescribeVServerGroupAttribute(req)
		wantCode(t, err, "InvalidVServerGroupId.NotFound", http.StatusNotFound)
	})
	t.Run("DefaultListIsNoVServerGroup", func(t *testing.T) {
		v, err := e.store.ReadGroup(e.ctx, api.ID, lb.DefaultGroupRef)
		if err != nil {
			t.Fatal(err)
		}
		req := slb.CreateDescribeVServerGroupAttributeRequest()
		req.VServerGroupId = v.Group.ID
		_, err = e.client(viewerName).DescribeVServerGroupAttribute(req)
		wantCode(t, err, "InvalidVServerGroupId.NotFound", http.StatusNotFound)
	})
	t.Run("UnknownLoadBalancerNotFound", func(t *testing.T) {
		req := slb.CreateDescribeVServerGroupsRequest()
		req.LoadBalancerId = "lb-doesnotexist"
		_, err := e.client(viewerName).DescribeVServerGroups(req)
		wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
	})
}
