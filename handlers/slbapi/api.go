// Package slbapi serves the Alibaba Cloud SLB RPC API (Action=…) over lbconsole's store, so
// that the unmodified alibaba-cloud-sdk-go slb client works against it.
//
// Every request is authenticated by its signature, never by a session: the key's secret signs
// the parameters, a Timestamp and a nonce keep it from being replayed, and the key's owner is
// the actor the audit log records. A viewer's key may describe; an operator's or admin's may
// change. Changes go through the store's batch method, as the console's do.
package slbapi

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"lbconsole/db"
	"lbconsole/handlers/requestid"
	"lbconsole/lb"
)

// Config is what the API needs.
type Config struct {
	DB     *db.DB
	Logger *slog.Logger
	// ClientIP tells the caller's address, as the console decides it (trusted proxies
	// included); nil means the connection's peer.
	ClientIP func(*http.Request) string
	// Limits bound each key's calls; zero fields take DefaultLimits'.
	Limits Limits
	// Now returns the current time; nil means time.Now. Give the store the same clock.
	Now func() time.Time
}

// api holds the API's dependencies; every action is a method on it.
type api struct {
	db       *db.DB
	log      *slog.Logger
	limits   Limits
	rate     *rateLimiter
	pruner   *pruner
	now      func() time.Time
	clientIP func(*http.Request) string
}

// New returns the API's handler, mounted at "/" for requests that carry an Action parameter.
func New(cfg Config) http.Handler {
	limits := cfg.Limits.withDefaults()
	a := &api{db: cfg.DB, log: cfg.Logger, limits: limits, rate: newRateLimiter(limits.CallsPerSecond, limits.Burst),
		now: cfg.Now, clientIP: cfg.ClientIP}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.pruner = &pruner{db: cfg.DB, log: func(ctx context.Context, err error) {
		a.log.WarnContext(ctx, "unable to prune expired SLB API nonces", "err", err)
	}}
	if a.clientIP == nil {
		a.clientIP = peerIP
	}
	return a
}

// call is one request as the actions see it.
type call struct {
	ctx       context.Context
	action    string
	params    params
	format    string
	requestID string
	host      string
	clientIP  string
	user      db.User
	audited   bool // the store wrote this call's audit entry
}

// ServeHTTP answers one call: read the parameters, authenticate, find the action, check the
// role, act.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{
		ctx:       r.Context(),
		action:    r.URL.Query().Get("Action"),
		format:    formatOf(r.URL.Query().Get("Format")),
		requestID: requestid.Ensure(w, r),
		host:      r.Host,
		clientIP:  a.clientIP(r),
	}
	body, err := a.serve(c, r)
	if err != nil {
		a.fail(w, c, err)
		return
	}
	a.succeed(w, c, body)
}

func (a *api) serve(c *call, r *http.Request) (any, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, newError(http.StatusMethodNotAllowed, codeInvalidParameter, "the SLB API answers GET and POST, not %s", r.Method)
	}
	p, err := readParams(r)
	if err != nil {
		return nil, err
	}
	c.params, c.action, c.format = p, p["Action"], formatOf(p["Format"])
	if _, err := p.required("Action"); err != nil {
		return nil, err
	}
	if err := checkCommon(p); err != nil {
		return nil, err
	}
	act, ok := actions[c.action]
	if c.user, err = a.authenticate(c.ctx, r.Method, p, !ok || act.changes == ""); err != nil {
		if ok && act.changes != "" && db.IsUnavailable(err) {
			return nil, a.unstorable(c, act.changes, err)
		}
		return nil, err
	}
	if !ok {
		return nil, newError(http.StatusNotFound, codeActionNotFound, "the action %q does not exist in this API", c.action)
	}
	if act.changes != "" && !c.user.Role.CanChange() {
		return nil, newError(http.StatusForbidden, codeForbidden, "%s's role %s may only call Describe actions; %s needs an operator or admin", c.user.Name, c.user.Role, c.action)
	}
	body, err := act.run(a, c)
	if err != nil && act.changes != "" && !c.audited {
		if unaudited := a.auditRefusal(c, act.changes, err); unaudited != nil {
			return nil, unaudited
		}
	}
	return body, err
}

// auditRefusal records a change refused before it reached the store (a parameter that breaks
// a rule, a group of another region): every refused attempt is in the audit log. When the
// entry cannot be written (a full disk, a read-only database), the refusal is not answered as
// one: the error it returns tells the client to try again, when the refusal can be recorded.
func (a *api) auditRefusal(c *call, action lb.Action, refusal error) error {
	if errorFor(refusal).status >= http.StatusInternalServerError {
		return nil
	}
	req := c.origin(db.BatchRequest{LoadBalancerID: c.params["LoadBalancerId"], GroupRef: c.params["VServerGroupId"],
		Batch: lb.Batch{Action: action}})
	outcome := string(lb.ErrorKind(refusal)) // the store's words where the rule is the domain's
	if outcome == "" {
		outcome = errorFor(refusal).code
	}
	seq, err := a.db.RecordRefusal(c.ctx, req, outcome, errorFor(refusal).message)
	if err != nil {
		a.log.ErrorContext(c.ctx, "unable to audit a refused call", "request_id", c.requestID, "refusal", errorFor(refusal).code, "err", err)
		return newError(http.StatusServiceUnavailable, codeServiceUnavailable,
			"the call could not be recorded in the audit log, so it was not processed and nothing changed: try again later")
	}
	c.audited = true
	a.logBatch(c, seq, lb.Errorf(lb.KindInvalid, "", "%s", errorFor(refusal).message))
	return nil
}

// unstorable answers a change whose nonce the database could not store. It is refused, and the
// refusal audited like any other; when the audit cannot be written either (the usual case on a
// full disk), the store counts the failure and the client is told to try again later.
func (a *api) unstorable(c *call, action lb.Action, cause error) error {
	a.log.ErrorContext(c.ctx, "unable to store a change's nonce", "request_id", c.requestID, "err", cause)
	refusal := newError(http.StatusServiceUnavailable, codeServiceUnavailable,
		"the database cannot take writes at the moment, so the call was not processed and nothing changed: try again later")
	req := c.origin(db.BatchRequest{LoadBalancerID: c.params["LoadBalancerId"], GroupRef: c.params["VServerGroupId"],
		Batch: lb.Batch{Action: action}})
	if _, err := a.db.RecordRefusal(c.ctx, req, refusal.code, refusal.message); err == nil {
		c.audited = true
	}
	return refusal
}

// peerIP is the connection's address: a header can be forged by anyone.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
