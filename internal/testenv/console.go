package testenv

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/handlers"
)

// Options configure NewConsole.
type Options struct {
	// Template is what the console serves a copy of; nil means DemoUsers.
	Template *Template
	// Clock, when set, is the console's and its store's time; nil means the real time.
	Clock *Clock
	// Config, when set, changes the console's configuration before its router is built. With
	// Secure set, the console is served over TLS: browsers send Secure cookies only there.
	Config func(*handlers.Config)
}

// Console is one console under test: a copy of a template database, the real router and a
// real HTTP server on 127.0.0.1, all stopped when the test ends.
type Console struct {
	T       testing.TB
	Ctx     context.Context
	Store   *db.DB
	Path    string // the database file
	Server  *httptest.Server
	Host    string // the server's host:port
	Router  http.Handler
	Metrics *handlers.Metrics // the router serves them, and the store reports to them
	Clock   *Clock            // nil when the console runs on the real time
	Secure  bool              // served over TLS
}

// NewConsole starts a console as opts say.
func NewConsole(tb testing.TB, opts Options) *Console {
	tb.Helper()
	tp := opts.Template
	if tp == nil {
		tp = DemoUsers
	}
	var now func() time.Time
	if opts.Clock != nil {
		now = opts.Clock.Now
	}
	metrics := handlers.NewMetrics()
	path := tp.Path(tb)
	store := OpenStore(tb, path, db.Options{Now: now, Observer: metrics})
	cfg := handlers.Config{DB: store, Metrics: metrics, Now: now}
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	router := Router(tb, cfg)
	srv := Serve(tb, router, cfg.Secure)
	return &Console{T: tb, Ctx: context.Background(), Store: store, Path: path, Server: srv,
		Host: strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://"), Router: router,
		Metrics: metrics, Clock: opts.Clock, Secure: cfg.Secure}
}

// Router is the console's router with cfg; the cookie key and a silent logger are filled in
// when cfg leaves them out.
func Router(tb testing.TB, cfg handlers.Config) http.Handler {
	tb.Helper()
	if cfg.CookieKey == nil {
		cfg.CookieKey = CookieKey()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	router, err := handlers.New(cfg)
	if err != nil {
		tb.Fatalf("handlers.New: %v", err)
	}
	return router
}

// Serve serves h on 127.0.0.1 until the test ends, over TLS when secure.
func Serve(tb testing.TB, h http.Handler, secure bool) *httptest.Server {
	tb.Helper()
	var srv *httptest.Server
	if secure {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// Browser returns a new browser for the console, with cookies of its own; it trusts the
// server's certificate when there is one.
func (c *Console) Browser() *Browser {
	var rt http.RoundTripper
	if c.Secure {
		rt = c.Server.Client().Transport
	}
	return NewBrowser(c.T, c.Server.URL, rt)
}

// SignIn returns a new browser signed in as the named user with Password. It holds the login
// page's CSRF token, not yet the session's: load a page before posting a form.
func (c *Console) SignIn(name string) *Browser {
	c.T.Helper()
	b := c.Browser()
	b.SignIn(name, Password)
	return b
}

// APIKey makes an API key for the named user.
func (c *Console) APIKey(user string) auth.APICredentials {
	c.T.Helper()
	return APIKey(c.T, c.Store, user)
}
