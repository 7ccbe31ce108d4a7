package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/web/templates"
)

// signInsShown is how many of the latest attempts the page lists.
const signInsShown = 500

// signIns shows admins the latest sign-in attempts.
func (h *Handler) signIns(c echo.Context) error {
	attempts, err := h.db.ListSignIns(c.Request().Context(), signInsShown)
	if err != nil {
		return err
	}
	m := templates.SignInsPage{Page: page(c, "Sign-in attempts", "users"), Attempts: attempts}
	return render(c, http.StatusOK, templates.SignIns(m), nil)
}
