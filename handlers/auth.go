package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/web/templates"
)

// signInFailed is the one message for every failed sign-in, so that it does not tell which
// user names exist.
const signInFailed = "the user name or password is not correct, or the account is disabled"

func (h *Handler) loginForm(c echo.Context) error {
	m := templates.LoginPage{Page: page(c, "Sign in", "")}
	return render(c, http.StatusOK, templates.Login(m), nil)
}

func (h *Handler) login(c echo.Context) error {
	name, password := c.FormValue("username"), c.FormValue("password")
	ip, account := c.RealIP(), strings.ToLower(name)
	if wait := max(h.ipThrottle.wait(ip), h.accountThrottle.wait(account)); wait > 0 {
		return h.loginThrottled(c, name, wait)
	}
	u, err := h.db.UserByName(c.Request().Context(), name)
	switch {
	case errors.Is(err, db.ErrNotFound):
		// Hash anyway, so that an unknown name takes as long as a wrong password.
		_ = auth.CheckPassword(dummyHash, password)
		return h.loginFailed(c, name)
	case err != nil:
		return err
	}
	if auth.CheckPassword(u.PasswordHash, password) != nil || u.Disabled {
		return h.loginFailed(c, name)
	}
	h.accountThrottle.reset(account)
	if err := h.recordSignIn(c, name, db.SignInOK); err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	// A new session gets a new CSRF token: drop the one issued to the anonymous login page.
	c.SetCookie(&http.Cookie{Name: csrfCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, "/lbs")
}

func (h *Handler) loginFailed(c echo.Context, name string) error {
	h.ipThrottle.fail(c.RealIP())
	h.accountThrottle.fail(strings.ToLower(name))
	if err := h.recordSignIn(c, name, db.SignInFailed); err != nil {
		return err
	}
	m := templates.LoginPage{Page: page(c, "Sign in", ""), Username: name, Error: signInFailed}
	return render(c, http.StatusUnauthorized, templates.Login(m), nil)
}

// loginThrottled refuses a sign-in without checking the password, after too many failures
// from this address or for this account.
func (h *Handler) loginThrottled(c echo.Context, name string, wait time.Duration) error {
	if err := h.recordSignIn(c, name, db.SignInThrottled); err != nil {
		return err
	}
	seconds := int(math.Ceil(wait.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	m := templates.LoginPage{Page: page(c, "Sign in", ""), Username: name,
		Error: fmt.Sprintf("too many failed sign-ins: wait %d seconds and try again", seconds)}
	return render(c, http.StatusTooManyRequests, templates.Login(m), nil)
}

func (h *Handler) recordSignIn(c echo.Context, name, outcome string) error {
	return h.db.RecordSignIn(c.Request().Context(), db.SignIn{UserName: name, ClientIP: c.RealIP(), Outcome: outcome})
}

func (h *Handler) logout(c echo.Context) error {
	if err := h.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// dummyHash is checked against when the user name is unknown.
var dummyHash = func() string {
	s, err := auth.HashPassword("lbconsole-dummy-password")
	if err != nil {
		panic(err)
	}
	return s
}()
