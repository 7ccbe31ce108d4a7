package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// logRequests writes one structured line per request, with its request id.
func (h *Handler) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		res := c.Response()
		h.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request().Method),
			slog.String("route", c.Path()),
			slog.Int("status", res.Status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
			slog.String("client", c.RealIP()),
		)
		return nil
	}
}

// securityHeaders sets a Content-Security-Policy with a fresh nonce for each request (templ
// puts it on our script tags) and the headers that keep the console out of frames and sniffing.
func (h *Handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nonce := newNonce()
		r := c.Request()
		c.SetRequest(r.WithContext(templ.WithNonce(r.Context(), nonce)))
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", fmt.Sprintf("default-src 'self'; script-src 'self' 'nonce-%s'; style-src 'self'; "+
			"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'", nonce))
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if h.secure {
			hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

func newNonce() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic("handlers: unable to read random bytes: " + err.Error())
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

const csrfContextKey = "csrf"

// csrf protects every state change made with a session. API requests authenticate each call by
// signature or token, never by cookie, so they are exempt.
func (h *Handler) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        isAPIRequest,
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     csrfContextKey,
		CookieName:     "lbconsole_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   h.secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "the form's security token is missing or stale: reload the page and try again")
		},
	})
}

// isAPIRequest tells the cloud APIs' requests from the console's.
func isAPIRequest(c echo.Context) bool {
	p := c.Request().URL.Path
	if strings.HasPrefix(p, "/v2.0/") || strings.HasPrefix(p, "/v2/") {
		return true
	}
	return p == "/" && c.QueryParam("Action") != ""
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}
