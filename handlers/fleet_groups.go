package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// A load balancer's groups: created, edited (renamed among others) and deleted on pages
// under their load balancer's, through the same fleet rules as a file's groups.

func groupEditURL(lbID, groupID string) string { return "/fleet/lbs/" + lbID + "/groups/" + groupID }

// groupDoc is the one-object document of a group of load balancer lbID: the load balancer
// carries the group, and only its id, which Parse needs to place the group's problems.
func groupDoc(lbID string, v formValues) map[string]any {
	return map[string]any{"load_balancers": []any{map[string]any{"id": lbID, "groups": []any{objectJSON(groupSpecs, v)}}}}
}

func parseGroup(lbID string, v formValues) (fleet.Group, error) {
	doc, err := parseObject(groupDoc(lbID, v))
	if err != nil {
		return fleet.Group{}, err
	}
	return doc.LoadBalancers[0].Groups[0], nil
}

// groupNew shows the form for a new group of the load balancer.
func (h *Handler) groupNew(c echo.Context) error {
	lbID := c.Param("id")
	if _, err := h.db.GetLoadBalancer(c.Request().Context(), lbID); err != nil {
		return err
	}
	return h.groupAnswer(c, lbID, "", http.StatusOK, formValues{}, nil, "", nil)
}

// groupAnswer renders a group's form: for a new group when groupID is empty.
func (h *Handler) groupAnswer(c echo.Context, lbID, groupID string, status int, v formValues, ps fleet.Problems, deleteError string, flash *templates.Flash) error {
	creating := groupID == ""
	crumbs := []templates.Link{{Href: "/fleet", Text: "Fleet"}, {Href: "/fleet/lbs", Text: "Load balancers"}, {Href: "/fleet/lbs/" + lbID, Text: lbID}}
	m := templates.FleetObjectPage{Flash: flash}
	if creating {
		m.Page, m.Heading = page(c, "New group of "+lbID, "fleet"), "New group of load balancer "+lbID
		m.Form = objectForm(groupSpecs, fleet.Document{}, v, true, fleet.KindGroup, "/fleet/lbs/"+lbID+"/groups", "Create group", ps)
		m.Crumbs = append(crumbs, templates.Link{Text: "new group"})
	} else {
		m.Page, m.Heading = page(c, "Group "+groupID, "fleet"), "Group "+groupID+" of load balancer "+lbID
		m.Form = objectForm(groupSpecs, fleet.Document{}, v, false, fleet.KindGroup, groupEditURL(lbID, groupID), "Save", ps)
		m.Crumbs = append(crumbs, templates.Link{Text: groupID})
		m.Delete = &templates.DeleteForm{Action: groupEditURL(lbID, groupID) + "/delete", What: "group " + groupID, ConfirmID: groupID,
			Warning: "Its members are removed with it; the audit entry lists them.", Error: deleteError}
	}
	return render(c, status, templates.FleetObject(m), nil)
}

// groupCreate creates a group of the load balancer; its id must be new.
func (h *Handler) groupCreate(c echo.Context) error {
	lbID := c.Param("id")
	v := postedValues(c, groupSpecs)
	g, err := parseGroup(lbID, v)
	if err == nil {
		_, err = h.db.CreateFleetGroup(c.Request().Context(), origin(c), lbID, g)
	}
	if err != nil {
		return formRefusal(err, func(status int, ps fleet.Problems) error { return h.groupAnswer(c, lbID, "", status, v, ps, "", nil) })
	}
	return c.Redirect(http.StatusSeeOther, groupEditURL(lbID, g.ID)+"?done=created")
}

// lbGroup reads the group the URL names, which must be the load balancer's.
func (h *Handler) lbGroup(c echo.Context) (string, fleet.Group, error) {
	lbID, groupID := c.Param("id"), c.Param("group")
	owner, g, err := h.db.FleetGroup(c.Request().Context(), groupID)
	if err == nil && owner != lbID {
		err = lb.Errorf(lb.KindNotFound, lb.FieldGroup, "group %s is not a group of load balancer %s", lb.Clip(groupID), lb.Clip(lbID))
	}
	return lbID, g, err
}

// groupEdit shows a group's edit form, every setting as it takes effect.
func (h *Handler) groupEdit(c echo.Context) error {
	lbID, g, err := h.lbGroup(c)
	if err != nil {
		return err
	}
	return h.groupAnswer(c, lbID, g.ID, http.StatusOK, objectValues(g), nil, "", doneFlash(c, "group", g.ID))
}

// groupUpdate changes a group to what its form says. Its id and kind are the group's,
// whatever the form sends; its members are left alone.
func (h *Handler) groupUpdate(c echo.Context) error {
	lbID, current, err := h.lbGroup(c)
	if err != nil {
		return err
	}
	v := postedValues(c, groupSpecs)
	v["id"], v["kind"] = current.ID, string(current.Kind)
	g, err := parseGroup(lbID, v)
	var p fleet.Plan
	if err == nil {
		p, err = h.db.UpdateFleetGroup(c.Request().Context(), origin(c), lbID, g)
	}
	if err != nil {
		return formRefusal(err, func(status int, ps fleet.Problems) error {
			return h.groupAnswer(c, lbID, current.ID, status, v, ps, "", nil)
		})
	}
	return c.Redirect(http.StatusSeeOther, groupEditURL(lbID, current.ID)+"?done="+savedOrUnchanged(p))
}

// groupDelete deletes a group with its members, once its id is typed to confirm.
func (h *Handler) groupDelete(c echo.Context) error {
	lbID, g, err := h.lbGroup(c)
	if err != nil {
		return err
	}
	refuse := func(status int, msg string) error {
		return h.groupAnswer(c, lbID, g.ID, status, objectValues(g), nil, msg, nil)
	}
	if c.FormValue("confirm") != g.ID {
		return refuse(http.StatusUnprocessableEntity, confirmMessage("group", g.ID))
	}
	_, err = h.db.DeleteFleetObject(c.Request().Context(), origin(c), fleet.KindGroup, g.ID)
	var ps fleet.Problems
	if errors.As(err, &ps) {
		return refuse(http.StatusConflict, "Nothing was deleted: "+ps.Error())
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/fleet/lbs/"+lbID+"?done=deleted-group&id="+g.ID)
}
