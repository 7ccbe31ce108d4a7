package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lbconsole/dataplane/haproxyrun"
	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
)

// The demo data plane: one load balancer whose group drives backend HAProxyBackend of a local
// haproxy, with HAProxyServers backend servers on loopback addresses.
const (
	HAProxyLB      = "lb-demo-haproxy"
	HAProxyGroup   = "rsp-demo-web"
	HAProxyBackend = "demo_web"
	HAProxyServers = 3
	// haproxyPort is the port the demo's backends try first, each on an address of its own
	// (127.0.0.11, .12, …), so that their members stay the same from one run to the next; a
	// free port is taken when it is in use.
	haproxyPort = 18080
)

// HAProxyDemo is a running haproxy with its backend servers, bound to the demo load balancer.
type HAProxyDemo struct {
	Proxy    *haproxyrun.HAProxy
	Backends []*haproxyrun.Backend
	// URL is the frontend that sends requests to the demo group's servers.
	URL string
}

// StartHAProxy starts haproxy (it must be on PATH: haproxyrun.ErrNotInstalled otherwise) with a
// Runtime API socket at admin level, a frontend on a loopback port and backend HAProxyBackend
// without servers, and HAProxyServers small HTTP servers on 127.0.0.11 and up that answer their
// own address. It then applies the demo's fleet (see HAProxyFleet) as o, so that the demo load
// balancer is bound to this haproxy: the console's reconciler fills the backend. Close stops
// everything.
func StartHAProxy(ctx context.Context, store *db.DB, o db.Origin) (*HAProxyDemo, error) {
	proxy, err := haproxyrun.Start(haproxyrun.Config{Backends: []haproxyrun.Section{{Name: HAProxyBackend,
		Lines: []string{"balance roundrobin", "option httpchk GET /healthz"}}}})
	if err != nil {
		return nil, err
	}
	d := &HAProxyDemo{Proxy: proxy, URL: proxy.URL(HAProxyBackend)}
	for i := range HAProxyServers {
		b, err := startDemoBackend("127.0.0." + strconv.Itoa(11+i))
		if err != nil {
			d.Close()
			return nil, err
		}
		d.Backends = append(d.Backends, b)
	}
	if _, err := store.ApplyFleet(ctx, o, HAProxyFleet(proxy.Unix, d.Backends), db.ApplyOptions{}); err != nil {
		d.Close()
		return nil, fmt.Errorf("demo: unable to bind the demo load balancer to haproxy: %w", err)
	}
	return d, nil
}

func startDemoBackend(ip string) (*haproxyrun.Backend, error) {
	if b, err := haproxyrun.StartBackend(ip, haproxyPort); err == nil {
		return b, nil
	}
	return haproxyrun.StartBackend(ip, 0)
}

// Close stops haproxy and the backends.
func (d *HAProxyDemo) Close() {
	for _, b := range d.Backends {
		b.Stop()
	}
	d.Proxy.Close()
}

// HAProxyFleet is the demo data plane as a fleet file: region local, a VPC and subnet of
// loopback addresses, an inventory server per backend, and load balancer HAProxyLB on the
// Runtime API runtimeAPI with group HAProxyGroup (backend HAProxyBackend, an HTTP check of
// /healthz every second) holding every backend at weight 100.
func HAProxyFleet(runtimeAPI string, backends []*haproxyrun.Backend) fleet.Document {
	interval, rise, fall, drain := fleet.Dur(time.Second), 2, 2, fleet.Dur(10*time.Second)
	members := []fleet.Member{}
	doc := fleet.Document{
		Regions: []fleet.Region{{ID: "local", Name: "This machine"}},
		VPCs:    []fleet.VPC{{ID: "vpc-loopback", Region: "local", Name: "loopback", CIDR: "127.0.0.0/16"}},
		Subnets: []fleet.Subnet{{ID: "vsw-loopback", VPC: "vpc-loopback", Name: "loopback", CIDR: "127.0.0.0/24"}},
	}
	for i, b := range backends {
		id := "i-demo-web-" + strconv.Itoa(i+1)
		doc.Servers = append(doc.Servers, fleet.Server{ID: id, Name: "demo-web-" + strconv.Itoa(i+1), Address: b.IP,
			Subnet: "vsw-loopback", Type: lb.TypeECS, Status: lb.StatusRunning})
		weight := 100
		members = append(members, fleet.Member{Server: id, Port: b.Port, Weight: &weight})
	}
	doc.LoadBalancers = []fleet.LoadBalancer{{
		ID: HAProxyLB, Name: "demo-haproxy", Region: "local", VPC: "vpc-loopback", Address: "127.0.0.1",
		AddressType: fleet.AddressIntranet, Status: lb.LBActive,
		DataPlane: &fleet.DataPlane{HAProxy: &fleet.HAProxy{RuntimeAPI: []string{runtimeAPI}}},
		Groups: []fleet.Group{{ID: HAProxyGroup, Name: "demo-web", Kind: lb.KindVServer, Backend: HAProxyBackend,
			HealthCheck:  &fleet.HealthCheck{Type: fleet.CheckHTTP, Path: "/healthz", Interval: interval, Rise: &rise, Fall: &fall},
			DrainTimeout: drain, Members: &members}},
	}}
	return doc
}

// ErrNoHAProxy explains what --demo-haproxy needs when haproxy is missing.
var ErrNoHAProxy = errors.New("--demo-haproxy starts a local haproxy, and there is no haproxy on PATH (on Debian or Ubuntu: apt-get install -y haproxy); --demo alone needs none")
