package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
)

const (
	csrfContextKey = "csrf"
	// csrfCookieName holds a random id for a browser that has no session yet, so that the
	// login form has a token too.
	csrfCookieName = "lbconsole_csrf"
	csrfHeader     = "X-CSRF-Token"
	csrfField      = "_csrf"
	csrfIDBytes    = 32
	csrfCookieAge  = 24 * 60 * 60
)

// csrfRefused is the answer to a state change without its session's token.
var csrfRefused = echo.NewHTTPError(http.StatusForbidden, "the form's security token is missing or stale: reload the page and try again")

// csrfCrossSite is the answer to a state change that the browser says another site sent.
var csrfCrossSite = echo.NewHTTPError(http.StatusForbidden,
	"this form was sent from another site, and the console takes changes only from its own pages: its security token is refused")

// csrf protects every state change made from a browser. A page's token is an HMAC, under a key
// of the console's own, of the session id the browser's signed session cookie carries: it is
// worth nothing with any other session, and whoever can plant cookies (a sibling subdomain)
// cannot make one. Before sign-in the token is bound the same way to a random id in a cookie of
// its own; a planted pair of that cookie and its token would still sign a victim in, so a state
// change that the browser says came from another site (Sec-Fetch-Site) is refused outright.
// API requests authenticate each call by signature or token, never by cookie, and are exempt.
func (h *Handler) csrf() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isAPIRequest(c) {
				return next(c)
			}
			// The token is made when a page asks for it, so that answers without a form
			// (health checks, metrics, static files) set no cookie.
			c.Set(csrfContextKey, &lazyToken{make: func() string { return h.csrfTokenFor(c) }})
			c.Response().Header().Add(echo.HeaderVary, echo.HeaderCookie)
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
				return next(c)
			}
			if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
				return csrfCrossSite
			}
			sent := r.Header.Get(csrfHeader)
			if sent == "" {
				sent = c.FormValue(csrfField)
			}
			if !hmac.Equal([]byte(sent), []byte(csrfToken(c))) {
				return csrfRefused
			}
			return next(c)
		}
	}
}

// csrfTokenFor returns the token that the request's session, or else its anonymous id, calls
// for, giving the browser an anonymous id when it has neither.
func (h *Handler) csrfTokenFor(c echo.Context) string {
	if sid := h.sessionToken(c.Request()); sid != "" {
		return h.csrfMAC("session", sid)
	}
	if ck, err := c.Cookie(csrfCookieName); err == nil && validCSRFID(ck.Value) {
		return h.csrfMAC("anonymous", ck.Value)
	}
	id := auth.RandomToken(csrfIDBytes)
	c.SetCookie(&http.Cookie{Name: csrfCookieName, Value: id, Path: "/", MaxAge: csrfCookieAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return h.csrfMAC("anonymous", id)
}

func (h *Handler) csrfMAC(kind, id string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte(kind + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRFID accepts what auth.RandomToken makes, so that a cookie anyone planted with odd
// contents is replaced rather than signed.
func validCSRFID(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == csrfIDBytes
}

// lazyToken makes the request's CSRF token the first time it is asked for.
type lazyToken struct {
	make  func() string
	token string
}

// csrfToken is the token the request's pages carry and its state changes must send back.
func csrfToken(c echo.Context) string {
	t, ok := c.Get(csrfContextKey).(*lazyToken)
	if !ok {
		return ""
	}
	if t.token == "" {
		t.token = t.make()
	}
	return t.token
}
