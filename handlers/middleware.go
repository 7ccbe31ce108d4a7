package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"lbconsole/handlers/requestid"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
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

// requestID gives every request an id, answered in X-Request-Id and logged and audited with it
// (see package requestid): the APIs behind the router take the same one.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		requestid.Ensure(c.Response(), c.Request())
		return next(c)
	}
}

// withTimeout gives each request's context a deadline, so that no request holds a database
// connection or the writer forever; skip names the requests that may stream for longer.
func withTimeout(d time.Duration, skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			orig := c.Request()
			ctx, cancel := context.WithTimeout(orig.Context(), d)
			defer cancel()
			// The error is rendered after this returns: with the request's own context, not
			// the one about to be cancelled. Deferred, so that it holds after a panic too,
			// which is rendered by the Recover middleware outside this one.
			defer c.SetRequest(orig)
			c.SetRequest(orig.WithContext(ctx))
			return next(c)
		}
	}
}

// readForm reads a form body up front, so that a body cut off by the size limit is answered
// 413 instead of reaching a handler as an empty form (Go's form parsing hides that error).
func readForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if isAPIRequest(c) || (r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch) {
			return next(c)
		}
		ct := r.Header.Get(echo.HeaderContentType)
		var err error
		switch {
		case strings.HasPrefix(ct, echo.MIMEApplicationForm):
			err = r.ParseForm()
		case strings.HasPrefix(ct, echo.MIMEMultipartForm):
			err = r.ParseMultipartForm(multipartMemory)
		default:
			return next(c)
		}
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "the form could not be read: "+err.Error())
		}
		return next(c)
	}
}

// multipartMemory is how much of an upload is held in memory; the body limit is below it.
const multipartMemory = 4 << 20

// isAPIRequest tells the cloud APIs' requests from the console's.
func isAPIRequest(c echo.Context) bool {
	p := c.Request().URL.Path
	if strings.HasPrefix(p, "/v2.0/") || strings.HasPrefix(p, "/v2/") {
		return true
	}
	// The SDK puts every parameter, Action included, in the query. Action only in a body is
	// not looked for: that would read a body before any limit applies.
	return p == "/" && c.QueryParam("Action") != ""
}
