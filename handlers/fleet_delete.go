package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
)

// fleetDelete deletes an object. The store refuses, naming them, while anything still refers
// to it; a load balancer, which takes its groups and their members with it, is deleted only
// when its id is typed to confirm. A refusal shows the edit page again with why, and deletes
// nothing.
func (h *Handler) fleetDelete(k *objectKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := c.Param("id")
		refuse := func(status int, msg string) error {
			doc, err := h.db.FleetObject(ctx, k.kind, id)
			if err != nil {
				return err
			}
			return h.editAnswer(c, k, id, status, objectValues(k.object(doc)), nil, msg, nil)
		}
		if k.confirm && c.FormValue("confirm") != id {
			return refuse(http.StatusUnprocessableEntity, confirmMessage(strings.ToLower(k.one), id))
		}
		_, err := h.db.DeleteFleetObject(ctx, origin(c), k.kind, id)
		var ps fleet.Problems
		if errors.As(err, &ps) {
			return refuse(http.StatusConflict, "Nothing was deleted: "+ps.Error())
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/fleet/"+k.path+"?done=deleted&id="+id)
	}
}

func confirmMessage(what, id string) string {
	return "Nothing was deleted: type the " + what + "'s id, " + id + ", in the box to confirm."
}
