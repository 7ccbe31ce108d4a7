package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

func (h *Handler) keysList(c echo.Context) error {
	return h.renderKeys(c, http.StatusOK, templates.KeysPage{})
}

// keyLifetimes are the expiries the keys page offers, by the value its form posts.
var keyLifetimes = map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour, "365d": 365 * 24 * time.Hour}

// keysCreate makes a key for the signed-in user, with the label and lifetime the form gives,
// and shows its secrets once.
func (h *Handler) keysCreate(c echo.Context) error {
	life, ok := keyLifetimes[c.FormValue("expires_in")]
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "expires_in must be empty (never), 30d, 90d or 365d")
	}
	spec := db.KeySpec{Label: c.FormValue("label")}
	if life > 0 {
		spec.Expires = h.now().Add(life)
	}
	cred := auth.NewAPICredentials()
	if _, err := h.db.CreateAPIKeyWith(c.Request().Context(), origin(c), currentUser(c).ID, cred, spec); err != nil {
		if _, refused := lb.AsError(err); refused {
			status, msg := refusal(err)
			return h.renderKeys(c, status, templates.KeysPage{Flash: &templates.Flash{Kind: "error", Message: msg}})
		}
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
	m.Page, m.Keys = page(c, "API keys", "keys"), rows(keys, keyRow(h.now()))
	m.Location = postedAt(c, "/keys")
	return render(c, status, templates.Keys(m), []string{"keys"})
}
