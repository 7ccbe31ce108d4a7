package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// everyKeyList shows admins every user's API keys, or one user's with ?user=NAME.
func (h *Handler) everyKeyList(c echo.Context) error {
	return h.renderEveryKey(c, http.StatusOK, c.QueryParam("user"), nil)
}

// everyKeyRevoke lets an admin end anyone's key at once: someone who left, a key in a leaked
// script. The form's user field keeps the list's filter.
func (h *Handler) everyKeyRevoke(c echo.Context) error {
	id, err := keyNumber(c)
	if err != nil {
		return err
	}
	k, err := h.db.RevokeAPIKey(c.Request().Context(), origin(c), id)
	if err != nil {
		return err
	}
	return h.renderEveryKey(c, http.StatusOK, c.FormValue("user"), revokedFlash(k))
}

func (h *Handler) renderEveryKey(c echo.Context, status int, owner string, flash *templates.Flash) error {
	if owner != "" && !lb.ValidUserName(owner) {
		return echo.NewHTTPError(http.StatusBadRequest, "user must be a user name")
	}
	keys, err := h.db.ListEveryAPIKey(c.Request().Context(), owner)
	if err != nil {
		return err
	}
	m := templates.EveryKeyPage{Page: page(c, "Every user's API keys", "users"), Keys: rows(keys, keyRow(h.now())), Owner: owner, Flash: flash}
	m.Location = postedAt(c, everyKeyPath(owner))
	return render(c, status, templates.EveryKey(m), []string{"every-key"})
}

// everyKeyPath is the address of the list of every key, or of one owner's.
func everyKeyPath(owner string) string {
	if owner == "" {
		return "/users/keys"
	}
	return "/users/keys?" + url.Values{"user": {owner}}.Encode()
}
