package elbapi

import (
	"log/slog"
	"mime"
	"net/http"
	"strings"
)

// VersionPaths are where OpenStack clients look for the API's versions: the endpoint they are
// given, which may be the console's root or either prefix.
var VersionPaths = []string{"/", "/v2.0", "/v2.0/", "/v2", "/v2/"}

// versionsDoc is the version document of keystoneauth's discovery, which openstacksdk runs on
// an endpoint override: one version, v2.0, CURRENT. Its self link is relative, so that it
// resolves against whatever URL the client was given (a proxy's included), where an absolute
// one on another host than the client asked would send it elsewhere.
type versionsDoc struct {
	Versions []apiVersion `json:"versions"`
}

type apiVersion struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Updated string `json:"updated"`
	Links   []link `json:"links"`
}

var versions = versionsDoc{Versions: []apiVersion{{
	ID: "v2.0", Status: "CURRENT", Updated: "2016-12-11T00:00:00Z", // Octavia's date for v2.0
	Links: []link{{Href: "/v2.0", Rel: "self"}},
}}}

// Discovery returns the handler of the version document. It asks for no token: discovery is
// sent without one, as to real Octavia, and the document says nothing but the API's version.
func Discovery(logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	a := &api{log: logger}
	return withRequestID(a.handle(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return methodNotAllowed("GET, HEAD")(w, r)
		}
		writeJSON(w, http.StatusOK, versions)
		return nil
	}))
}

// WantsVersions reports whether r asks for the version document rather than the console's
// page at the same path: a GET or HEAD whose Accept names application/json and not text/html,
// as keystoneauth's discovery does (Accept: application/json) and a browser never does.
func WantsVersions(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	var json, html bool
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		json = json || mt == "application/json"
		html = html || mt == "text/html"
	}
	return json && !html
}
