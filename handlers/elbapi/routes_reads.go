package elbapi

import "net/http"

// mountReads serves under prefix p the reads an OpenStack client starts from: load balancers
// and pools, listed (python-octaviaclient resolves every name on its command line through a
// filtered list) and one by one.
func (a *api) mountReads(mux *http.ServeMux, p string) {
	lbs, oneLB := p+"/loadbalancers", p+"/loadbalancers/{loadbalancer}"
	mux.Handle("GET "+lbs, a.handle(a.listLoadBalancers))
	mux.Handle(lbs, a.handle(methodNotAllowed("GET, HEAD")))
	mux.Handle("GET "+oneLB, a.handle(a.getLoadBalancer))
	mux.Handle(oneLB, a.handle(methodNotAllowed("GET, HEAD")))
	pools, pool := p+"/pools", p+"/pools/{pool}"
	mux.Handle("GET "+pools, a.handle(a.listPools))
	mux.Handle(pools, a.handle(methodNotAllowed("GET, HEAD, POST")))
	mux.Handle("GET "+pool, a.handle(a.getPool))
	mux.Handle(pool, a.handle(methodNotAllowed("GET, HEAD")))
}
