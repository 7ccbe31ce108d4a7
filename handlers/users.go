package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// usersFragment is the part of the users page that its forms' htmx posts replace: the message,
// the create form (which shows its own refusals) and the table.
var usersFragment = []string{"users-body"}

func (h *Handler) userList(c echo.Context) error {
	return h.usersAnswer(c, http.StatusOK, templates.UsersPage{})
}

// usersAnswer loads the users as they are now into m and renders the page, or its fragment for
// htmx, with status.
func (h *Handler) usersAnswer(c echo.Context, status int, m templates.UsersPage) error {
	users, err := h.db.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	m.Page = page(c, "Users", "users")
	m.Location = postedAt(c, "/users")
	m.Users = rows(users, userRow)
	m.MeID = currentUser(c).ID
	return render(c, status, templates.Users(m), usersFragment)
}

// rowRefused re-renders the users page with a message in the row and field that caused it,
// changing nothing.
func (h *Handler) rowRefused(c echo.Context, status int, id int64, field, msg string) error {
	return h.usersAnswer(c, status, templates.UsersPage{Row: templates.RowError{UserID: id, Field: field, Message: msg}})
}

// usersDone re-renders the users page after a change, with what was done.
func (h *Handler) usersDone(c echo.Context, msg string) error {
	return h.usersAnswer(c, http.StatusOK, templates.UsersPage{Flash: &templates.Flash{Kind: "ok", Message: msg}})
}

// targetUser reads the :id of a user that an action names.
func targetUser(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "there is no such user")
	}
	return id, nil
}

// changeRefused shows the store's refusal of a change to a user in that user's row, next to
// field. A user that does not exist has no row: that error, like any other, is the error
// handler's to answer.
func (h *Handler) changeRefused(c echo.Context, err error, id int64, field string) error {
	if lb.ErrorKind(err) == "" || lb.ErrorKind(err) == lb.KindNotFound {
		return err
	}
	status, msg := statusOf(err)
	return h.rowRefused(c, status, id, field, msg)
}

// newPasswordError checks a new password and its confirmation, returning the field at fault.
func newPasswordError(password, confirm string) (field, msg string) {
	if err := auth.CheckNewPassword(password); err != nil {
		return "password", err.Error()
	}
	if password != confirm {
		return "confirm", "the two passwords are not the same"
	}
	return "", ""
}

// revokeKeysAsked reads the "also revoke this user's API keys" checkbox of the reset and
// disable forms. The forms check it by default; a post without it keeps the keys, as an
// unchecked box does.
func revokeKeysAsked(c echo.Context) bool { return c.FormValue("revoke_keys") == "on" }

// endedMessage says what a reset or a disable ended: sessions, and keys when asked.
func endedMessage(e db.Ended, revoked bool) string {
	msg := "ended their " + plural(e.Sessions, "session")
	if revoked {
		msg += " and revoked their " + plural(e.Keys, "API key")
	}
	return msg
}

// origin is who asks for a change, for the audit log.
func origin(c echo.Context) db.Origin {
	u := currentUser(c)
	return db.Origin{ActorID: u.ID, Actor: u.Name, ClientIP: c.RealIP(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Source: db.SourceConsole}
}
