// Package requestid names each request once, so that its answer, its log lines and its audit
// entry agree. The console's router, the SLB API and the REST API all take the id from here;
// it speaks net/http only, so that the APIs stay free of the console's router.
package requestid

import (
	"net/http"
	"strings"

	"lbconsole/lb"
)

// Header carries the id, in the request a caller may send and in every answer.
const Header = "X-Request-Id"

// maxLen bounds a caller's own id.
const maxLen = 64

// New returns a random id in the shape of the SLB API's RequestId: an upper-case UUID.
func New() string { return strings.ToUpper(lb.NewUUID()) }

// Plain reports whether a caller's own id may be kept: 1 to 64 of A–Z, a–z, 0–9, '.', '-' and
// '_', safe in logs, the audit CSV and headers.
func Plain(s string) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			return false
		}
	}
	return true
}

// Ensure gives the answer w an id, unless whoever handled r before has (the console's router
// names every request it passes to the APIs): the caller's own when it is plain, so that
// scripts can match their calls to audit entries, else a new one. It returns the id.
func Ensure(w http.ResponseWriter, r *http.Request) string {
	if id := Of(w); id != "" {
		return id
	}
	id := r.Header.Get(Header)
	if !Plain(id) {
		id = New()
	}
	w.Header().Set(Header, id)
	return id
}

// Of returns the id the answer w carries.
func Of(w http.ResponseWriter) string { return w.Header().Get(Header) }
