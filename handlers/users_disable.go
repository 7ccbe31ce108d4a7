package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"
)

// userDisable disables a user and ends their sessions at once.
func (h *Handler) userDisable(c echo.Context) error {
	return h.setDisabled(c, true)
}

// userEnable lets a disabled user sign in again.
func (h *Handler) userEnable(c echo.Context) error {
	return h.setDisabled(c, false)
}

func (h *Handler) setDisabled(c echo.Context, disabled bool) error {
	id, err := targetUser(c)
	if err != nil {
		return err
	}
	revoke := disabled && revokeKeysAsked(c)
	u, ended, err := h.db.SetUserDisabled(c.Request().Context(), origin(c), id, disabled, revoke)
	if err != nil {
		return h.changeRefused(c, err, id, "disabled")
	}
	switch {
	case u.Disabled == disabled && disabled:
		return h.usersDone(c, fmt.Sprintf("%s was already disabled: nothing changed.", u.Name))
	case u.Disabled == disabled:
		return h.usersDone(c, fmt.Sprintf("%s was already enabled: nothing changed.", u.Name))
	case disabled:
		return h.usersDone(c, fmt.Sprintf("Disabled %s, %s.", u.Name, endedMessage(ended, revoke)))
	}
	return h.usersDone(c, fmt.Sprintf("Enabled %s: they can sign in again.", u.Name))
}

// plural says "1 session" or "3 sessions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
