// Package elbapi serves the pool members REST API (Huawei ELB / OpenStack Octavia compatible)
// over lbconsole's store, so that gophercloud's pools client works against it.
//
// A pool is a VServer group and pool_id its group id; a member's id is the member id. Every
// change is one batch through the same store method as the console, audited with source
// pool-api. The package speaks net/http only, so the console's move to another Echo major
// version leaves it alone.
package elbapi

import (
	"log/slog"
	"net/http"

	"lbconsole/db"
)

// Config is what the API needs.
type Config struct {
	DB     *db.DB
	Logger *slog.Logger
	// ClientIP tells the caller's address, as the console decides it (trusted proxies
	// included); nil means the connection's peer.
	ClientIP func(*http.Request) string
}

// prefixes are where the API is mounted: Huawei's documents say /v2.0, Octavia's /v2.
var prefixes = []string{"/v2.0/lbaas", "/v2/lbaas"}

// api holds the API's dependencies; every endpoint is a method on it.
type api struct {
	db       *db.DB
	log      *slog.Logger
	clientIP func(*http.Request) string
}

// New returns the API's handler, mounted under /v2.0/lbaas/ and /v2/lbaas/. Every request is
// given a request id, then authenticated, then routed.
func New(cfg Config) http.Handler {
	a := &api{db: cfg.DB, log: cfg.Logger, clientIP: cfg.ClientIP}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.clientIP == nil {
		a.clientIP = peerIP
	}
	mux := http.NewServeMux()
	for _, p := range prefixes {
		a.mountReads(mux, p)
		members, member := p+"/pools/{pool}/members", p+"/pools/{pool}/members/{member}"
		mux.Handle("GET "+members, a.handle(a.listMembers))
		mux.Handle("POST "+members, a.handle(a.createMember))
		mux.Handle("PUT "+members, a.handle(a.batchMembers))
		mux.Handle(members, a.handle(methodNotAllowed("GET, HEAD, POST, PUT")))
		mux.Handle("GET "+member, a.handle(a.getMember))
		mux.Handle("PUT "+member, a.handle(a.updateMember))
		mux.Handle("DELETE "+member, a.handle(a.deleteMember))
		mux.Handle(member, a.handle(methodNotAllowed("GET, HEAD, PUT, DELETE")))
		mux.Handle("POST "+p+"/pools", a.handle(a.createPool))
		mux.Handle("DELETE "+p+"/pools/{pool}", a.handle(a.deletePool))
	}
	mux.Handle("/", a.handle(notFound))
	return withRequestID(a.authenticate(mux))
}

// handlerFunc is an endpoint that returns its error instead of writing it, so that every
// error is answered by one function.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts an endpoint to net/http, answering its error, if any.
func (a *api) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}
