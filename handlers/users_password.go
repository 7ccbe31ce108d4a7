package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
)

// userPassword sets another user's password, for someone who forgot theirs, and ends their
// sessions so that whoever knew the old one is out; with the box checked, their API keys too,
// since whoever had the account may have made some.
func (h *Handler) userPassword(c echo.Context) error {
	id, err := targetUser(c)
	if err != nil {
		return err
	}
	if field, msg := newPasswordError(c.FormValue("password"), c.FormValue("confirm")); field != "" {
		return h.rowRefused(c, http.StatusUnprocessableEntity, id, "password", msg)
	}
	hash, err := auth.HashPassword(c.FormValue("password"))
	if err != nil {
		return err
	}
	revoke := revokeKeysAsked(c)
	u, ended, err := h.db.ResetPassword(c.Request().Context(), origin(c), id, hash, revoke)
	if err != nil {
		return h.changeRefused(c, err, id, "password")
	}
	return h.usersDone(c, fmt.Sprintf("Set a new password for %s, %s.", u.Name, endedMessage(ended, revoke)))
}
