// Package elbapi serves the pool members REST API (Huawei ELB / OpenStack Octavia compatible)
// over lbconsole's store, so that gophercloud's pools client works against it.
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
}

// New returns the API's handler, mounted under /v2.0/lbaas/ and /v2/lbaas/.
func New(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not implemented yet", http.StatusNotImplemented)
	})
}
