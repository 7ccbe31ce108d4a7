package slbapi

import (
	"errors"
	"fmt"
	"net/http"

	"lbconsole/db"
	"lbconsole/lb"
)

// Error codes, as the cloud names them, so that scripts written against the cloud keep working.
const (
	codeInvalidParameter      = "InvalidParameter"
	codeMissingParameter      = "MissingParameter"
	codeTooManyBackendServers = "TooManyBackendServers"
	codeServerNotFound        = "InvalidServerId.NotFound"
	codeObtainIPFail          = "ObtainIpFail"
	codeLoadBalancerNotFound  = "InvalidLoadBalancerId.NotFound"
	codeGroupNotFound         = "InvalidVServerGroupId.NotFound"
	codeAccessKeyNotFound     = "InvalidAccessKeyId.NotFound"
	codeSignatureMismatch     = "SignatureDoesNotMatch"
	codeNonceUsed             = "SignatureNonceUsed"
	codeTimestampExpired      = "InvalidTimeStamp.Expired"
	codeForbidden             = "Forbidden"
	codeActionNotFound        = "InvalidAction.NotFound"
	codeThrottling            = "Throttling"
	codeInternalError         = "InternalError"
	codeServiceUnavailable    = "ServiceUnavailable"
)

// apiError is an answer that is not a success: its HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func missingParameter(name string) *apiError {
	return newError(http.StatusBadRequest, codeMissingParameter, "the parameter %s is required", name)
}

func invalidParameter(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, codeInvalidParameter, format, args...)
}

// errorFor turns any error into the answer the API gives: the one place where domain errors
// (lb.Kind and Field, the store's included) become SLB codes. Errors that are neither the API's nor the domain's are
// the server's fault, answered as InternalError without their text.
func errorFor(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if db.IsUnavailable(err) {
		return newError(http.StatusServiceUnavailable, codeServiceUnavailable,
			"the database cannot take writes at the moment, so nothing changed: try again later")
	}
	e, ok := lb.AsError(err)
	if !ok {
		return newError(http.StatusInternalServerError, codeInternalError, "the request could not be completed: the server's log has the details under this request id")
	}
	status, code := http.StatusBadRequest, codeInvalidParameter
	switch {
	case e.Kind == lb.KindUnauthenticated:
		status, code = http.StatusNotFound, codeAccessKeyNotFound
	case e.Field == db.FieldNonce && e.Kind == lb.KindConflict:
		code = codeNonceUsed
	case e.Field == db.FieldNonce && e.Kind == lb.KindTooMany: // answered 503, so that the SDK tries again
		status, code = http.StatusServiceUnavailable, codeThrottling
	case e.Kind == lb.KindTooMany:
		code = codeTooManyBackendServers
	case e.Kind == lb.KindNotFound && e.Field == lb.FieldLoadBalancer:
		status, code = http.StatusNotFound, codeLoadBalancerNotFound
	case e.Kind == lb.KindNotFound && e.Field == lb.FieldGroup:
		status, code = http.StatusNotFound, codeGroupNotFound
	case e.Kind == lb.KindNotFound && e.Field == lb.FieldServerID:
		code = codeServerNotFound
	case e.Kind == lb.KindForbidden:
		status, code = http.StatusForbidden, codeForbidden
	case e.Field == lb.FieldServerState:
		code = codeObtainIPFail
	}
	return &apiError{status: status, code: code, message: e.Message}
}
