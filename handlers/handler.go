// Package handlers is the browser console: the router, its middleware, the pages and their
// htmx fragments, sign-in and the CSV export. Handlers speak HTTP and the store's methods;
// they never see SQL.
package handlers

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

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
}

// Handler holds the console's dependencies; every page and action is a method on it.
type Handler struct {
	db       *db.DB
	cookies  *sessions.CookieStore
	log      *slog.Logger
	secure   bool
	lifetime time.Duration
}

// New returns the console's router with every route and middleware in place.
func New(cfg Config) (*echo.Echo, error) {
	if cfg.DB == nil {
		return nil, errors.New("handlers: a database is required")
	}
	if len(cfg.CookieKey) < 32 {
		return nil, errors.New("handlers: the cookie key must be at least 32 bytes")
	}
	h := &Handler{db: cfg.DB, log: cfg.Logger, secure: cfg.Secure, lifetime: cfg.SessionLifetime}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.lifetime == 0 {
		h.lifetime = 12 * time.Hour
	}
	h.cookies = newCookieStore(cfg.CookieKey, cfg.Secure, h.lifetime)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	// The client address is the connection's own: a header can be forged by anyone.
	e.IPExtractor = echo.ExtractIPDirect()
	h.routes(e)
	return e, nil
}
