package testenv

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
)

// Region is where the demo's busiest load balancers are, and what SDK clients are made for.
const Region = "cn-hangzhou"

// sdkMu serializes making SLB SDK clients: slb.NewClientWithAccessKey fills a package-level
// endpoint map without a lock (services/slb/endpoint.go), a race the detector reports when
// tests make clients at once.
var sdkMu sync.Mutex

// SLBClient returns the Alibaba Cloud SDK's SLB client for a key, for Region, pointed at host
// (host:port, spoken to over http, the SDK's default). It is safe to call from many goroutines.
func SLBClient(host, id, secret string) (*slb.Client, error) {
	sdkMu.Lock()
	c, err := slb.NewClientWithAccessKey(Region, id, secret)
	sdkMu.Unlock()
	if err != nil {
		return nil, err
	}
	c.Domain = host
	return c, nil
}

// PoolClient returns gophercloud's service client for the load balancer API at base (the
// console's URL and a prefix, /v2.0 or /v2), authenticated with token.
func PoolClient(base, token string, hc http.Client) *gophercloud.ServiceClient {
	return PoolService(&gophercloud.ProviderClient{TokenID: token, HTTPClient: hc}, base)
}

// PoolService is PoolClient for a provider client of the caller's, which several service
// clients may share.
func PoolService(pc *gophercloud.ProviderClient, base string) *gophercloud.ServiceClient {
	base = strings.TrimSuffix(base, "/") + "/"
	// The pools package's URLs add lbaas/pools/… to ResourceBase.
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base}
}

// PoolClient returns gophercloud's service client for the console's load balancer API (its
// /v2.0), authenticated with token, with a 30 s timeout.
func (c *Console) PoolClient(token string) *gophercloud.ServiceClient {
	return PoolClient(c.Server.URL+"/v2.0", token, http.Client{Timeout: 30 * time.Second})
}
