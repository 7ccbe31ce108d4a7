package elbapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"lbconsole/db"
	"lbconsole/handlers/requestid"
	"lbconsole/lb"
)

// apiError is a refusal the API makes itself, before a request reaches the domain's rules:
// bad JSON, a missing token, an unknown pool.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return e.message }

// errorf returns an *apiError answered with status.
func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// statusOf is the one place where errors meet HTTP statuses: the API's own refusals carry
// theirs, the domain's kinds (the store's errors included) map as the design says, and
// anything else is a 500 whose details stay in the log.
func statusOf(err error) (int, string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.message
	}
	if e, ok := lb.AsError(err); ok {
		msg := e.Message
		if e.Field == lb.FieldDescription {
			msg = strings.ReplaceAll(msg, "description", "name") // the member's description is its REST name
		}
		return kindStatus(e), msg
	}
	if db.IsUnavailable(err) {
		return http.StatusServiceUnavailable, "the database cannot take writes at the moment, so nothing changed: try again later"
	}
	return http.StatusInternalServerError, "the server failed to handle the request; its log has the details under the request id"
}

// kindStatus maps the domain's error kinds to statuses.
func kindStatus(e *lb.Error) int {
	switch e.Kind {
	case lb.KindNotFound:
		switch e.Field {
		case lb.FieldMemberID, lb.FieldGroup, lb.FieldLoadBalancer:
			return http.StatusNotFound
		}
		return http.StatusBadRequest // something the body names, not the resource the URL names
	case lb.KindConflict:
		return http.StatusConflict
	case lb.KindForbidden:
		return http.StatusForbidden
	case lb.KindTooMany:
		return http.StatusRequestEntityTooLarge
	case lb.KindUnauthenticated:
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

// errorBody is every error's JSON: code and message as the design asks, and Octavia's
// faultcode and faultstring, which python-octaviaclient and openstacksdk show their users.
type errorBody struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	FaultCode   string `json:"faultcode"`
	FaultString string `json:"faultstring"`
}

// writeError answers err, logging the ones that are the server's fault.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	fault := "Client"
	if status >= 500 {
		fault = "Server"
		a.log.LogAttrs(r.Context(), slog.LevelError, "pool API request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("request_id", requestid.Of(w)), slog.Any("error", err))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Token realm="lbconsole pool API", header="X-Auth-Token"`)
	}
	writeJSON(w, status, errorBody{Code: status, Message: msg, FaultCode: fault, FaultString: msg})
}

// notFound answers paths the API does not serve.
func notFound(w http.ResponseWriter, r *http.Request) error {
	return errorf(http.StatusNotFound, "%s is not a resource of this API: it serves …/lbaas/loadbalancers, …/lbaas/pools, …/pools/{pool_id}/members and …/members/{member_id}", r.URL.Path)
}

// methodNotAllowed answers a served path asked with another method.
func methodNotAllowed(allow string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", allow)
		return errorf(http.StatusMethodNotAllowed, "%s does not answer %s: use %s", r.URL.Path, r.Method, strings.ReplaceAll(allow, ", HEAD", ""))
	}
}
