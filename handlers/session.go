package handlers

import (
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

const (
	cookieName   = "lbconsole_session"
	sessionIDKey = "sid"
	userKey      = "user"
)

// newCookieStore signs the session cookie. It holds only an opaque random id; the session
// itself is a row in the database, so signing out, expiry and disabling a user really end it.
func newCookieStore(key []byte, secure bool, lifetime time.Duration) *sessions.CookieStore {
	store := sessions.NewCookieStore(key)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(lifetime.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	return store
}

// sessionToken returns the session id the request's cookie carries, or "".
func (h *Handler) sessionToken(r *http.Request) string {
	s, err := h.cookies.Get(r, cookieName)
	if err != nil {
		return ""
	}
	token, _ := s.Values[sessionIDKey].(string)
	return token
}

// startSession makes a new session id for the user (never reusing one the browser brought) and
// stores it.
func (h *Handler) startSession(c echo.Context, u db.User) error {
	if old := h.sessionToken(c.Request()); old != "" {
		_ = h.db.DeleteSession(c.Request().Context(), auth.HashToken(old))
	}
	token := auth.RandomToken(32)
	now := h.now().UTC()
	err := h.db.CreateSession(c.Request().Context(), db.Session{
		IDHash: auth.HashToken(token), UserID: u.ID, Created: now, LastSeen: now, Expires: now.Add(h.lifetime),
	})
	if err != nil {
		return err
	}
	s := sessions.NewSession(h.cookies, cookieName)
	s.Options = h.cookies.Options
	s.IsNew = true
	s.Values[sessionIDKey] = token
	return s.Save(c.Request(), c.Response())
}

// endSession deletes the session row and the cookie.
func (h *Handler) endSession(c echo.Context) error {
	if token := h.sessionToken(c.Request()); token != "" {
		if err := h.db.DeleteSession(c.Request().Context(), auth.HashToken(token)); err != nil {
			return err
		}
	}
	s := sessions.NewSession(h.cookies, cookieName)
	opts := *h.cookies.Options
	opts.MaxAge = -1
	s.Options = &opts
	return s.Save(c.Request(), c.Response())
}

// requireSession lets a request through only with a live session. Without one the request is
// refused as unauthenticated, which the error handler answers by sending it to sign in.
func (h *Handler) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := h.sessionToken(c.Request())
		if token == "" {
			return lb.Errorf(lb.KindUnauthenticated, "", "you are not signed in: sign in and try again")
		}
		ctx, idHash := c.Request().Context(), auth.HashToken(token)
		s, u, err := h.db.SessionUser(ctx, idHash)
		if err != nil {
			return err
		}
		idle := h.now().Sub(s.LastSeen)
		if idle > h.idle {
			if err := h.db.DeleteSession(ctx, idHash); err != nil {
				return err
			}
			return lb.Errorf(lb.KindUnauthenticated, "", "your session ended after %v without use: sign in again", h.idle)
		}
		if idle > h.touchAfter() {
			if err := h.db.TouchSession(ctx, idHash); err != nil {
				return err
			}
		}
		c.Set(userKey, u)
		return next(c)
	}
}

// touchAfter is how long a session goes unused before a request records its use: often
// enough that a session in use never idles out (a quarter of the idle timeout), and at most
// once a minute, not once per request.
func (h *Handler) touchAfter() time.Duration { return min(h.idle/4, time.Minute) }

// requireRole refuses users whose role is below min.
func (h *Handler) requireRole(min lb.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !currentUser(c).Role.AtLeast(min) {
				return echo.NewHTTPError(http.StatusForbidden, "your role does not allow this: it needs "+string(min))
			}
			return next(c)
		}
	}
}

func currentUser(c echo.Context) db.User {
	u, _ := c.Get(userKey).(db.User)
	return u
}

// page fills the layout's model for the current request.
func page(c echo.Context, title, section string) templates.Page {
	p := templates.Page{Title: title, Section: section, CSRF: csrfToken(c)}
	if u := currentUser(c); u.ID != 0 {
		p.User = &templates.User{Name: u.Name, Role: u.Role}
	}
	return p
}
