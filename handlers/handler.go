// Package handlers is the browser console: the router, its middleware, the pages and their
// htmx fragments, sign-in and the CSV export. Handlers speak HTTP and the store's methods;
// they never see SQL.
package handlers

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
)

// Config is what the console needs to run.
type Config struct {
	DB *db.DB
	// CookieKey signs the session cookie; at least 32 bytes, kept outside the database.
	CookieKey []byte
	// Secure marks cookies Secure and sends HSTS; set it when serving over TLS.
	Secure bool
	Logger *slog.Logger
	// SessionLifetime is how long a session lasts after sign-in; zero means 12 hours.
	SessionLifetime time.Duration
	// SessionIdle ends a session unused for this long; zero means 30 minutes.
	SessionIdle time.Duration
	// TrustedProxies are the networks (CIDR) whose X-Forwarded-For is believed. Empty: the
	// client address is always the connection's.
	TrustedProxies []netip.Prefix
	// Metrics, when set, are served at /metrics; nil makes a set of its own.
	Metrics *Metrics
	// RequestTimeout bounds the work of one request (not the CSV export); zero means 30 s.
	RequestTimeout time.Duration
	// ExportStallTimeout cuts an audit download whose client takes nothing for this long;
	// zero means a minute.
	ExportStallTimeout time.Duration
	// Now returns the current time; nil means time.Now. Tests move it to expire sessions; the
	// sign-in throttle goes by the store's clock, so give the store the same one.
	Now func() time.Time
}

// signInLimits are the failed sign-ins allowed per account and per client address within the
// window before further attempts wait.
var signInLimits = db.SignInLimits{PerAccount: 5, PerClient: 20, Window: 15 * time.Minute}

const (
	defaultSessionIdle    = 30 * time.Minute
	defaultSessionMaxAge  = 12 * time.Hour
	defaultRequestTimeout = 30 * time.Second
)

// Handler holds the console's dependencies; every page and action is a method on it.
type Handler struct {
	db          *db.DB
	cookies     *sessions.CookieStore
	csrfKey     []byte // makes each session's CSRF token
	log         *slog.Logger
	secure      bool
	lifetime    time.Duration
	idle        time.Duration
	hashing     *hashGate
	metrics     *Metrics
	now         func() time.Time
	timeout     time.Duration
	exportStall time.Duration
}

// New returns the console's router with every route and middleware in place. It is an
// http.Handler so that Echo stays inside this package: its callers serve it, nothing more.
func New(cfg Config) (http.Handler, error) {
	if cfg.DB == nil {
		return nil, errors.New("handlers: a database is required")
	}
	if len(cfg.CookieKey) < 32 {
		return nil, errors.New("handlers: the cookie key must be at least 32 bytes")
	}
	go dummyHash()
	h := &Handler{db: cfg.DB, log: cfg.Logger, secure: cfg.Secure, lifetime: cfg.SessionLifetime, idle: cfg.SessionIdle,
		csrfKey: auth.DeriveKey(cfg.CookieKey, "csrf-token"), hashing: newHashGate(concurrentHashes(), hashingWait)}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.lifetime == 0 {
		h.lifetime = defaultSessionMaxAge
	}
	if h.idle == 0 {
		h.idle = defaultSessionIdle
	}
	h.timeout = cfg.RequestTimeout
	if h.timeout == 0 {
		h.timeout = defaultRequestTimeout
	}
	h.exportStall = cfg.ExportStallTimeout
	if h.exportStall <= 0 {
		h.exportStall = defaultExportStall
	}
	h.now = cfg.Now
	if h.now == nil {
		h.now = time.Now
	}
	h.metrics = cfg.Metrics
	if h.metrics == nil {
		h.metrics = NewMetrics()
	}
	h.cookies = newCookieStore(cfg.CookieKey, cfg.Secure, h.lifetime)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	h.routes(e)
	return e, nil
}

// ipExtractor takes the client address from the connection, or from X-Forwarded-For when
// the connection comes from a trusted proxy: a header anyone can send is never believed alone.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
