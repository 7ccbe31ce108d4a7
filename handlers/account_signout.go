package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// accountSignOutEverywhere ends every session of the signed-in user, this one included, and
// sends the browser to the sign-in page.
func (h *Handler) accountSignOutEverywhere(c echo.Context) error {
	if err := h.db.DeleteUserSessions(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	if err := h.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
