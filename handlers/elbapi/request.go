package elbapi

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"

	"lbconsole/handlers/requestid"
)

// maxBody caps a request body: 200 members take a few tens of KiB.
const maxBody = 1 << 20

// withRequestID makes sure the answer carries an X-Request-Id (see package requestid): the one
// the console's router gave the request, or, served alone, the caller's plain one or a new one;
// and the same id as x-openstack-request-id, the only header OpenStack's clients read it from.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(openStackRequestID, requestid.Ensure(w, r))
		next.ServeHTTP(w, r)
	})
}

// openStackRequestID is where python-octaviaclient and openstacksdk find a request's id, to
// print with an error ("(Request-ID: …)") and to keep on their exceptions.
const openStackRequestID = "X-Openstack-Request-Id"

// peerIP is the connection's peer: a forwarding header can be forged by anyone.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// readBody returns the request's JSON body, at most maxBody bytes. A body labelled as
// anything but JSON is refused; an unlabelled one is read as JSON, since only a token, never
// a browser's cookie, authenticates these requests and a plain client may not label it.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, errorf(http.StatusUnsupportedMediaType, "the body must be JSON, sent with Content-Type: application/json (not %q)", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errorf(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", maxBody)
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "the body could not be read: %v", err)
	}
	return body, nil
}
