package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// statusOf is the console's one map from errors to answers: the HTTP status and the message
// the user is shown. Handlers return their errors, the store's *lb.Error among them, and the
// error handler answers them with it; the pages that show a refusal next to what caused it (a
// batch's preview, a row of the users page) take their status from it too.
func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	switch e, isRule := lb.AsError(err); {
	case isRule:
		return kindStatus(e), e.Message
	case errors.As(err, &he):
		if he == echo.ErrStatusRequestEntityTooLarge {
			return he.Code, "the request body is larger than 2 MiB: nothing was read or changed"
		}
		if m, ok := he.Message.(string); ok {
			return he.Code, m
		}
		return he.Code, http.StatusText(he.Code)
	case db.IsUnavailable(err):
		return http.StatusServiceUnavailable, "the database cannot take writes at the moment (its disk may be full or its file read-only), so nothing was changed: try again later"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the request took too long and was stopped; nothing it had not finished was applied"
	}
	return http.StatusInternalServerError, "something went wrong on our side; it has been logged"
}

// kindStatus is the status of each kind of the domain's errors.
func kindStatus(e *lb.Error) int {
	switch e.Kind {
	case lb.KindNotFound:
		// A member the batch form selected that is no longer in the group: the request fits
		// the page no more, and is answered with the fresh table. Anything else that does not
		// exist is the thing the request is about.
		if e.Field == lb.FieldMemberID || e.Field == lb.FieldAddress {
			return http.StatusUnprocessableEntity
		}
		return http.StatusNotFound
	case lb.KindConflict:
		return http.StatusConflict
	case lb.KindForbidden:
		return http.StatusForbidden
	case lb.KindUnauthenticated:
		return http.StatusUnauthorized
	}
	return http.StatusUnprocessableEntity
}

// handleError is the one error renderer: it logs server errors, shows the user only the
// message, and answers htmx with a fragment and a browser with a page. A request that is not
// signed in is sent to sign in.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := statusOf(err)
	if status == http.StatusUnauthorized && toLogin(c) {
		return
	}
	if status >= 500 {
		h.log.ErrorContext(c.Request().Context(), "request failed", "err", err, "path", c.Path(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	m := templates.ErrorPage{Page: page(c, http.StatusText(status), ""), Status: status, Message: msg}
	var renderErr error
	if isHTMX(c) {
		renderErr = render(c, status, templates.ErrorFragment(m), nil)
	} else {
		renderErr = render(c, status, templates.ErrorView(m), nil)
	}
	if renderErr != nil {
		h.log.Error("unable to render an error", "err", renderErr)
	}
}

// toLogin sends a request that is not signed in to the sign-in page, and reports whether it
// did: htmx is told to go there, a browser's GET is redirected. Anything else is answered 401
// with the message.
func toLogin(c echo.Context) bool {
	switch {
	case isHTMX(c):
		c.Response().Header().Set("HX-Redirect", "/login")
		c.NoContent(http.StatusUnauthorized)
	case c.Request().Method == http.MethodGet:
		c.Redirect(http.StatusSeeOther, "/login")
	default:
		return false
	}
	return true
}

// refusal is how the console words a refusal by the rules, everywhere it shows one: "refused"
// and the kind of rule ("refused (conflict): the group changed since you loaded it"), as the
// audit log records it. Other errors keep their message.
func refusal(err error) (int, string) {
	status, msg := statusOf(err)
	if kind := lb.ErrorKind(err); kind != "" {
		msg = "Refused (" + templates.KindText(string(kind)) + "): " + msg
	}
	return status, msg
}
