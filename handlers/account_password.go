package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/web/templates"
)

// accountPassword changes the signed-in user's own password. It asks for the current one, so
// that a browser left signed in is not enough to take the account over.
//
// On success the user's other sessions end and this one stays: the person who just proved they
// know the password need not sign in again, while whoever may have learnt the old one is out.
func (h *Handler) accountPassword(c echo.Context) error {
	current, password, confirm := c.FormValue("current"), c.FormValue("password"), c.FormValue("confirm")
	refuse := func(field, msg string) error {
		return h.accountAnswer(c, http.StatusUnprocessableEntity, templates.AccountPage{Errors: templates.FieldErrors{field: msg}})
	}
	ctx := c.Request().Context()
	matches, err := h.passwordMatches(ctx, currentUser(c).PasswordHash, current)
	if errors.Is(err, errHashingBusy) {
		return hashingBusy(c)
	}
	if !matches {
		return refuse("current", "this is not your current password")
	}
	if field, msg := newPasswordError(password, confirm); field != "" {
		return refuse(field, msg)
	}
	if password == current {
		return refuse("password", "the new password is the same as the current one")
	}
	hash, err := h.hashPassword(ctx, password)
	if errors.Is(err, errHashingBusy) {
		return hashingBusy(c)
	}
	if err != nil {
		return err
	}
	keep := auth.HashToken(h.sessionToken(c.Request()))
	ended, err := h.db.ChangeOwnPassword(ctx, origin(c), hash, keep)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Your password is changed. Your other %s ended; this browser stays signed in.", plural(ended, "session"))
	return h.accountAnswer(c, http.StatusOK, templates.AccountPage{Flash: &templates.Flash{Kind: "ok", Message: msg}})
}
