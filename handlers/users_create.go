package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// userForm is the create-user form as posted.
type userForm struct {
	Name, Password, Confirm string
	Role                    lb.Role
}

// check returns what is wrong with the form, by field; nil when nothing is.
func (f userForm) check() templates.FieldErrors {
	errs := templates.FieldErrors{}
	if !lb.ValidUserName(f.Name) {
		errs["name"] = fmt.Sprintf("the name must be 1 to %d letters, digits, dots, dashes or underscores", lb.MaxUserNameLen)
	}
	if !f.Role.Valid() {
		errs["role"] = "pick a role: viewer, operator or admin"
	}
	if field, msg := newPasswordError(f.Password, f.Confirm); field != "" {
		errs[field] = msg
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// userCreate adds a user. A refusal re-renders the form with what was typed, except the
// passwords, and the message next to the field at fault.
func (h *Handler) userCreate(c echo.Context) error {
	f := userForm{Name: c.FormValue("name"), Role: lb.Role(c.FormValue("role")), Password: c.FormValue("password"), Confirm: c.FormValue("confirm")}
	refuse := func(status int, errs templates.FieldErrors) error {
		return h.usersAnswer(c, status, templates.UsersPage{New: templates.NewUserForm{Name: f.Name, Role: f.Role, Errors: errs}})
	}
	if errs := f.check(); errs != nil {
		return refuse(http.StatusUnprocessableEntity, errs)
	}
	hash, err := auth.HashPassword(f.Password)
	if err != nil {
		return err
	}
	_, err = h.db.CreateUser(c.Request().Context(), origin(c), f.Name, f.Role, hash)
	if e, ok := lb.AsError(err); ok && e.Field == lb.FieldUserName {
		status, msg := statusOf(err)
		return refuse(status, templates.FieldErrors{"name": msg})
	}
	if err != nil {
		return err
	}
	return h.usersDone(c, fmt.Sprintf("Added %s as %s. They can sign in with the initial password now.", f.Name, f.Role))
}
