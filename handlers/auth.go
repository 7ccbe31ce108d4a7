package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// signInFailed is the one message for every failed sign-in, so that it does not tell which
// user names exist.
const signInFailed = "the user name or password is not correct, or the account is disabled"

func (h *Handler) loginForm(c echo.Context) error {
	m := templates.LoginPage{Page: page(c, "Sign in", "")}
	return render(c, http.StatusOK, templates.Login(m), nil)
}

// login checks a password only after the store has reserved the attempt against the throttle,
// so that concurrent attempts are counted before any of them is checked.
func (h *Handler) login(c echo.Context) error {
	name, password := c.FormValue("username"), c.FormValue("password")
	ctx := c.Request().Context()
	attempt := db.SignInAttempt{UserName: name, ClientIP: c.RealIP()}
	res, err := h.db.ReserveSignIn(ctx, attempt, signInLimits)
	if err != nil {
		return err
	}
	if res.Wait > 0 {
		seconds := int(math.Ceil(res.Wait.Seconds()))
		return h.loginThrottled(c, name, seconds, fmt.Sprintf("too many failed sign-ins: wait %d seconds and try again", seconds))
	}
	u, ok, err := h.checkCredentials(ctx, name, password)
	// How the attempt ended is recorded even if the client has gone or the request's deadline
	// has passed: an attempt left unsettled would count as a failure for the whole window.
	settleCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.timeout)
	defer cancel()
	switch {
	case errors.Is(err, errHashingBusy):
		if err := h.db.SettleSignIn(settleCtx, res, attempt, db.SignInThrottled); err != nil {
			return err
		}
		return h.loginThrottled(c, name, 1, "the console is busy checking other sign-ins: try again in a moment")
	case err != nil:
		return errors.Join(err, h.db.ReleaseSignIn(settleCtx, res))
	case !ok:
		if err := h.db.SettleSignIn(settleCtx, res, attempt, db.SignInFailed); err != nil {
			return err
		}
		m := templates.LoginPage{Page: page(c, "Sign in", ""), Username: name, Error: signInFailed}
		return render(c, http.StatusUnauthorized, templates.Login(m), nil)
	}
	if err := h.db.SettleSignIn(settleCtx, res, attempt, db.SignInOK); err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	// The login page's anonymous CSRF id is of no more use: the session's token replaces it.
	c.SetCookie(&http.Cookie{Name: csrfCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, "/lbs")
}

// checkCredentials says whether password is the named user's and the user may sign in. An
// unknown name is checked against a dummy hash, so that it takes as long as a wrong password;
// either check waits its turn at the hashing gate.
func (h *Handler) checkCredentials(ctx context.Context, name, password string) (db.User, bool, error) {
	u, err := h.db.UserByName(ctx, name)
	known := err == nil
	if err != nil && lb.ErrorKind(err) != lb.KindNotFound {
		return u, false, err
	}
	hash := dummyHash()
	if known {
		hash = u.PasswordHash
	}
	matches, err := h.passwordMatches(ctx, hash, password)
	return u, known && matches && !u.Disabled, err
}

// loginThrottled refuses a sign-in without checking its password, telling how many seconds to
// wait.
func (h *Handler) loginThrottled(c echo.Context, name string, seconds int, msg string) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	m := templates.LoginPage{Page: page(c, "Sign in", ""), Username: name, Error: msg}
	return render(c, http.StatusTooManyRequests, templates.Login(m), nil)
}

func (h *Handler) logout(c echo.Context) error {
	if err := h.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// dummyHash is checked against when the user name is unknown. It is made once, on first use:
// hashing takes a tenth of a second and 19 MiB, which every run of the binary paid at start
// when it was made as the package loaded, a fleet apply or an audit verify included. New
// starts it, so that a console has it before its first sign-in.
var dummyHash = sync.OnceValue(func() string {
	s, err := auth.HashPassword("lbconsole-dummy-password")
	if err != nil {
		panic(err)
	}
	return s
})
