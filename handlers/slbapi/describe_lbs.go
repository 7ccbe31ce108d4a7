package slbapi

import (
	"strings"

	"lbconsole/db"
	"lbconsole/lb"
)

// Paging of DescribeLoadBalancers, as the cloud pages it.
const (
	defaultPageSize = 10
	maxPageSize     = 100
	maxPageNumber   = 1_000_000
	// maxLoadBalancerIDs bounds the LoadBalancerId list of one query.
	maxLoadBalancerIDs = 100
)

// loadBalancer is a load balancer as the answers show it.
type loadBalancer struct {
	LoadBalancerID     string `json:"LoadBalancerId" xml:"LoadBalancerId"`
	LoadBalancerName   string `json:"LoadBalancerName" xml:"LoadBalancerName"`
	LoadBalancerStatus string `json:"LoadBalancerStatus" xml:"LoadBalancerStatus"`
	Address            string `json:"Address" xml:"Address"`
	AddressType        string `json:"AddressType" xml:"AddressType"`
	AddressIPVersion   string `json:"AddressIPVersion" xml:"AddressIPVersion"`
	NetworkType        string `json:"NetworkType" xml:"NetworkType"`
	VpcID              string `json:"VpcId" xml:"VpcId"`
	RegionID           string `json:"RegionId" xml:"RegionId"`
	RegionIDAlias      string `json:"RegionIdAlias" xml:"RegionIdAlias"`
	CreateTime         string `json:"CreateTime" xml:"CreateTime"`
	CreateTimeStamp    int64  `json:"CreateTimeStamp" xml:"CreateTimeStamp"`
}

func loadBalancerOf(l lb.LoadBalancer) loadBalancer {
	return loadBalancer{LoadBalancerID: l.ID, LoadBalancerName: l.Name, LoadBalancerStatus: string(l.Status), Address: l.Address,
		AddressType: l.AddressType, AddressIPVersion: "ipv4", NetworkType: l.NetworkType, VpcID: l.VpcID, RegionID: l.RegionID,
		RegionIDAlias: l.RegionID, CreateTime: l.Created.UTC().Format(timestampLayout), CreateTimeStamp: l.Created.UnixMilli()}
}

type loadBalancersAnswer struct {
	RequestID     string `json:"RequestId" xml:"RequestId"`
	PageNumber    int    `json:"PageNumber" xml:"PageNumber"`
	PageSize      int    `json:"PageSize" xml:"PageSize"`
	TotalCount    int    `json:"TotalCount" xml:"TotalCount"`
	LoadBalancers struct {
		LoadBalancer []loadBalancer `json:"LoadBalancer" xml:"LoadBalancer"`
	} `json:"LoadBalancers" xml:"LoadBalancers"`
}

// describeLoadBalancers lists the load balancers of the request's region, a page at a time,
// filtered by exact id (a comma-separated list), name, address, status, network, VPC or a
// server behind them, as the cloud filters them.
func (a *api) describeLoadBalancers(c *call) (any, error) {
	p := c.params
	number, err := p.integer("PageNumber", 1, 1, maxPageNumber)
	if err != nil {
		return nil, err
	}
	size, err := p.integer("PageSize", defaultPageSize, 1, maxPageSize)
	if err != nil {
		return nil, err
	}
	f := db.LBSearch{Region: p["RegionId"], Name: p["LoadBalancerName"], Address: p["Address"], VpcID: p["VpcId"],
		NetworkType: p["NetworkType"], AddressType: p["AddressType"], ServerID: strings.TrimSpace(p["ServerId"]),
		Offset: (number - 1) * size, Limit: size}
	if f.IDs, err = idList(p["LoadBalancerId"]); err != nil {
		return nil, err
	}
	if s := lb.LBStatus(p["LoadBalancerStatus"]); s != "" {
		if s != lb.LBActive && s != lb.LBInactive && s != lb.LBLocked {
			return nil, invalidParameter("LoadBalancerStatus %q is not one of active, inactive, locked", s)
		}
		f.Status = s
	}
	page, err := a.db.SearchLoadBalancers(c.ctx, f)
	if err != nil {
		return nil, err
	}
	ans := loadBalancersAnswer{RequestID: c.requestID, PageNumber: number, PageSize: size, TotalCount: page.Total}
	ans.LoadBalancers.LoadBalancer = make([]loadBalancer, 0, len(page.Items))
	for _, s := range page.Items {
		ans.LoadBalancers.LoadBalancer = append(ans.LoadBalancers.LoadBalancer, loadBalancerOf(s.LoadBalancer))
	}
	return ans, nil
}

// idList splits a comma-separated list of ids, ignoring spaces and empty items.
func idList(v string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > maxLoadBalancerIDs {
		return nil, invalidParameter("LoadBalancerId lists %d load balancers: at most %d are allowed", len(ids), maxLoadBalancerIDs)
	}
	return ids, nil
}

type loadBalancerAttributeAnswer struct {
	RequestID string `json:"RequestId" xml:"RequestId"`
	loadBalancer
	BackendServers backendServers `json:"BackendServers" xml:"BackendServers"`
}

// describeLoadBalancerAttribute shows one load balancer and its default server list.
func (a *api) describeLoadBalancerAttribute(c *call) (any, error) {
	id, err := c.params.required("LoadBalancerId")
	if err != nil {
		return nil, err
	}
	v, err := a.group(c, id, lb.DefaultGroupRef)
	if err != nil {
		return nil, err
	}
	return loadBalancerAttributeAnswer{RequestID: c.requestID, loadBalancer: loadBalancerOf(v.LoadBalancer),
		BackendServers: serversOf(v.LoadBalancer, v.Members)}, nil
}
