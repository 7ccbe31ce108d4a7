package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/web/templates"
)

// isHTMX reports whether htmx asked for part of a page. A history restore wants the whole page.
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}

// render is the one place that chooses between the whole page and its fragments: htmx
// requests get the named fragments of the same component, so the two can never drift apart.
// extra components (out-of-band swaps) are appended to a fragment answer.
func render(c echo.Context, status int, page templ.Component, fragments []string, extra ...templ.Component) error {
	c.Response().Header().Add("Vary", "HX-Request")
	var buf bytes.Buffer
	ctx := c.Request().Context()
	var err error
	if isHTMX(c) && len(fragments) > 0 {
		ids := make([]any, len(fragments))
		for i, f := range fragments {
			ids[i] = f
		}
		err = templ.RenderFragments(ctx, &buf, page, ids...)
		for _, x := range extra {
			if err == nil {
				err = x.Render(ctx, &buf)
			}
		}
	} else {
		err = page.Render(ctx, &buf)
	}
	if err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// handleError is the one error renderer: it logs server errors, shows the user only the
// message, and answers htmx with a fragment and a browser with a page.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "something went wrong on our side; it has been logged"
	var he *echo.HTTPError
	if errors.Is(err, context.DeadlineExceeded) {
		status, msg = http.StatusServiceUnavailable, "the request took too long and was stopped; nothing it had not finished was applied"
	}
	if db.IsUnavailable(err) {
		status, msg = http.StatusServiceUnavailable, "the database cannot take writes at the moment (its disk may be full or its file read-only), so nothing was changed: try again later"
	}
	if errors.As(err, &he) {
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(status)
		}
		if he == echo.ErrStatusRequestEntityTooLarge {
			msg = "the request body is larger than 2 MiB: nothing was read or changed"
		}
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
