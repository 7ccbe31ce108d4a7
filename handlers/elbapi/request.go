package elbapi

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"

	"lbconsole/lb"
)

// requestIDHeader names the request in the answer, the log and the audit entry.
const requestIDHeader = "X-Request-Id"

// maxBody caps a request body: 200 members take a few tens of KiB.
const maxBody = 1 << 20

// withRequestID makes sure the answer carries an X-Request-Id. The console's middleware has
// usually set one already, and that one wins, so the log, the audit entry and the answer all
// agree; served alone, the API keeps a caller's plain id or makes one.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w.Header().Get(requestIDHeader) == "" {
			id := r.Header.Get(requestIDHeader)
			if !plainRequestID(id) {
				id = "req-" + lb.NewUUID()
			}
			w.Header().Set(requestIDHeader, id)
		}
		next.ServeHTTP(w, r)
	})
}

// plainRequestID accepts up to 64 of [A-Za-z0-9._-]: safe in logs, CSV and headers.
func plainRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			return false
		}
	}
	return true
}

// requestID returns the id withRequestID answered with.
func requestID(w http.ResponseWriter) string { return w.Header().Get(requestIDHeader) }

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
