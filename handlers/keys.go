package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/web/templates"
)

func (h *Handler) keysList(c echo.Context) error {
	return h.renderKeys(c, http.StatusOK, templates.KeysPage{})
}

// keysCreate makes a key for the signed-in user and shows its secrets once.
func (h *Handler) keysCreate(c echo.Context) error {
	cred := auth.NewAPICredentials()
	if _, err := h.db.CreateAPIKey(c.Request().Context(), origin(c), currentUser(c).ID, cred); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.renderKeys(c, http.StatusOK, templates.KeysPage{Created: &templates.NewKey{
		AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret, Token: cred.Token}})
}

// keysRevoke ends one of the signed-in user's keys at once. Another user's key is answered as
// unknown, whatever the role: admins revoke other people's keys on /users/keys.
func (h *Handler) keysRevoke(c echo.Context) error {
	id, err := keyNumber(c)
	if err != nil {
		return err
	}
	k, err := h.db.RevokeOwnAPIKey(c.Request().Context(), origin(c), id)
	if err != nil {
		return err
	}
	return h.renderKeys(c, http.StatusOK, templates.KeysPage{Flash: revokedFlash(k)})
}

// keyNumber reads the :id of a key that an action names.
func keyNumber(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "a key number is a whole number")
	}
	return id, nil
}

// revokedFlash says what revoking k did; k is the key as it was.
func revokedFlash(k db.APIKey) *templates.Flash {
	if !k.Active() {
		return &templates.Flash{Kind: "ok", Message: "Key " + k.AccessKeyID + " was already revoked: nothing changed."}
	}
	return &templates.Flash{Kind: "ok", Message: "Key " + k.AccessKeyID + " of " + k.Owner + " was revoked: it no longer works."}
}

func (h *Handler) renderKeys(c echo.Context, status int, m templates.KeysPage) error {
	keys, err := h.db.ListAPIKeys(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	m.Page, m.Keys = page(c, "API keys", "keys"), rows(keys, keyRow)
	m.Location = postedAt(c, "/keys")
	return render(c, status, templates.Keys(m), []string{"keys"})
}
