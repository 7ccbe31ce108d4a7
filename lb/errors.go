package lb

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that each interface (console, SLB API, REST API) can answer it
// with its own status and code from one table. The store returns these too, so that a request
// refused anywhere is refused in the same words.
type Kind string

// Error kinds.
const (
	// KindInvalid: the request breaks a rule; nothing changed.
	KindInvalid Kind = "invalid"
	// KindNotFound: something the request names does not exist.
	KindNotFound Kind = "not_found"
	// KindConflict: the request collides with the state: a name taken, a nonce used, a group
	// changed since it was read.
	KindConflict Kind = "conflict"
	// KindForbidden: the state or the asker's rights do not allow it (a locked load balancer,
	// an admin's own account).
	KindForbidden Kind = "forbidden"
	// KindTooMany: more than a limit allows, in one request or over time.
	KindTooMany Kind = "too_many"
	// KindUnauthenticated: who is asking cannot be established: a session, key or token that is
	// unknown, expired, revoked or whose user is disabled.
	KindUnauthenticated Kind = "unauthenticated"
)

// Error is a broken rule. Field names what was wrong (ServerId, Port, Weight, …) so that a
// form can show the message next to it and an API can pick its error code.
type Error struct {
	Kind    Kind
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind about field.
func Errorf(kind Kind, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Fields that errors name; the APIs map some of them to their own codes.
const (
	FieldServerID = "ServerId"
	// FieldServerState marks a server that exists but cannot join: not running, or outside
	// the load balancer's VPC (the SLB API's ObtainIpFail).
	FieldServerState  = "ServerState"
	FieldMemberID     = "MemberId"
	FieldAddress      = "Address"
	FieldSubnetID     = "SubnetId"
	FieldPort         = "Port"
	FieldWeight       = "Weight"
	FieldType         = "Type"
	FieldDescription  = "Description"
	FieldEntries      = "BackendServers"
	FieldVersion      = "Version"
	FieldLoadBalancer = "LoadBalancerId"
	FieldGroup        = "VServerGroupId"
	FieldAction       = "Action"
)

// ErrorKind returns the kind of err, or "" when err is not a domain error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// AsError returns err as a domain error, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsStale reports whether err says the group changed since the batch was planned.
func IsStale(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindConflict && e.Field == FieldVersion
}
