package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
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

// renderPart answers htmx with one part of a page rendered on its own, and extra components
// (out-of-band swaps) after it. Unlike a fragment of render, the part needs none of the rest
// of the page loaded; the caller answers a plain request with the whole page itself.
func renderPart(c echo.Context, status int, part templ.Component, extra ...templ.Component) error {
	c.Response().Header().Add("Vary", "HX-Request")
	var buf bytes.Buffer
	ctx := c.Request().Context()
	for _, x := range append([]templ.Component{part}, extra...) {
		if err := x.Render(ctx, &buf); err != nil {
			return err
		}
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// postedAt is the address a page answering a POST belongs at, for Page.Location: the browser's
// address moves there, so that a reload shows the page instead of posting the form again. A GET
// is at its address already.
func postedAt(c echo.Context, path string) string {
	if c.Request().Method != http.MethodPost {
		return ""
	}
	return path
}
