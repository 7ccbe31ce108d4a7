package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/web/templates"
)

func (h *Handler) account(c echo.Context) error {
	return h.accountAnswer(c, http.StatusOK, templates.AccountPage{})
}

// accountAnswer renders the account page with status, counting the user's live sessions.
func (h *Handler) accountAnswer(c echo.Context, status int, m templates.AccountPage) error {
	var err error
	if m.Sessions, err = h.db.LiveSessions(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	m.Page = page(c, "Your account", "account")
	m.Location = postedAt(c, "/account")
	return render(c, status, templates.Account(m), nil)
}
