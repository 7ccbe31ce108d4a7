package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
	"lbconsole/web/templates"
)

// fleetEdit shows an object's edit form.
func (h *Handler) fleetEdit(k *objectKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		doc, err := h.db.FleetObject(c.Request().Context(), k.kind, id)
		if err != nil {
			return err
		}
		return h.editAnswer(c, k, id, http.StatusOK, objectValues(k.object(doc)), nil, "", doneFlash(c, strings.ToLower(k.one), id))
	}
}

func (h *Handler) editAnswer(c echo.Context, k *objectKind, id string, status int, v formValues, ps fleet.Problems, deleteError string, flash *templates.Flash) error {
	ctx := c.Request().Context()
	nets, err := h.db.FleetNetworks(ctx)
	if err != nil {
		return err
	}
	title := k.one + " " + id
	m := templates.FleetObjectPage{Page: page(c, title, "fleet"), Heading: title, Flash: flash,
		Crumbs: []templates.Link{{Href: "/fleet", Text: "Fleet"}, {Href: "/fleet/" + k.path, Text: k.many}, {Text: id}}}
	m.Form = objectForm(k.specs, nets, v, false, k.kind, k.editURL(id), "Save", ps)
	m.Delete = &templates.DeleteForm{Action: k.editURL(id) + "/delete", What: strings.ToLower(k.one) + " " + id, Warning: k.deleteNote, Error: deleteError}
	if k.confirm {
		m.Delete.ConfirmID = id
	}
	if k.kind == fleet.KindLoadBalancer {
		if err := h.addGroups(c, &m, id); err != nil {
			return err
		}
	}
	return render(c, status, templates.FleetObject(m), nil)
}

// addGroups lists a load balancer's groups on its edit page.
func (h *Handler) addGroups(c echo.Context, m *templates.FleetObjectPage, lbID string) error {
	groups, err := h.db.ListGroups(c.Request().Context(), lbID)
	if err != nil {
		return err
	}
	m.Groups = &templates.FleetTable{Caption: "Groups of " + lbID, Columns: []string{"ID", "Name", "Kind", "Servers"}, Empty: "No group yet."}
	for _, g := range groups {
		m.Groups.Rows = append(m.Groups.Rows, templates.FleetRow{ID: g.ID, Href: groupEditURL(lbID, g.ID),
			Cells: []string{g.Name, string(g.Kind), strconv.Itoa(g.Members)}})
	}
	m.AddGroup = "/fleet/lbs/" + lbID + "/groups"
	m.Notes = append(m.Notes, templates.Link{Href: "/lbs/" + lbID, Text: "Its members are on the load balancer's page."})
	return nil
}

// fleetUpdate changes an object to what its edit form says; it must still exist. The id is
// the page's, whatever the form sends.
func (h *Handler) fleetUpdate(k *objectKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		v := postedValues(c, k.specs)
		v["id"] = id
		doc, err := parseObject(map[string]any{k.list: []any{objectJSON(k.specs, v)}})
		var p fleet.Plan
		if err == nil {
			p, err = h.db.UpdateFleetObject(c.Request().Context(), origin(c), doc)
		}
		if err != nil {
			return formRefusal(err, func(status int, ps fleet.Problems) error { return h.editAnswer(c, k, id, status, v, ps, "", nil) })
		}
		return c.Redirect(http.StatusSeeOther, k.editURL(id)+"?done="+savedOrUnchanged(p))
	}
}

func savedOrUnchanged(p fleet.Plan) string {
	if p.Empty() {
		return "unchanged"
	}
	return "saved"
}
