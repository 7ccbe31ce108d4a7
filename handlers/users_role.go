package handlers

import (
	"fmt"
	"net/http"

	"lbconsole/lb"

	"github.com/labstack/echo/v4"
)

// userRole changes a user's role; it takes effect on their next request.
func (h *Handler) userRole(c echo.Context) error {
	id, err := targetUser(c)
	if err != nil {
		return err
	}
	role := lb.Role(c.FormValue("role"))
	if !role.Valid() {
		return h.rowRefused(c, http.StatusUnprocessableEntity, id, "role", "pick a role: viewer, operator or admin")
	}
	u, err := h.db.SetUserRole(c.Request().Context(), origin(c), id, role)
	if err != nil {
		return h.changeRefused(c, err, id, "role")
	}
	if u.Role == role {
		return h.usersDone(c, fmt.Sprintf("%s already has the role %s: nothing changed.", u.Name, role))
	}
	return h.usersDone(c, fmt.Sprintf("%s is now %s (was %s).", u.Name, role, u.Role))
}
