// Package slbapi serves the Alibaba Cloud SLB RPC API (Action=…) over lbconsole's store, so
// that the unmodified alibaba-cloud-sdk-go slb client works against it.
package slbapi

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

// New returns the API's handler, mounted at "/" for requests that carry an Action parameter.
func New(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not implemented yet", http.StatusNotImplemented)
	})
}
