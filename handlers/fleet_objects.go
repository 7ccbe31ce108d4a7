package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// The pages of regions, VPCs, subnets, servers and load balancers: each kind's page (its list
// and its create form) and each object's (its edit and delete forms). A change that succeeds
// is answered with a redirect, so that reloading the page or going back repeats nothing; one
// that is refused shows the form again as it was sent, each problem next to its field, and
// changes nothing.

// fleetKindPage shows a kind's objects and the form that creates one.
func (h *Handler) fleetKindPage(k *objectKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		return h.kindAnswer(c, k, http.StatusOK, formValues{}, nil, doneFlash(c, strings.ToLower(k.one), ""))
	}
}

func (h *Handler) kindAnswer(c echo.Context, k *objectKind, status int, v formValues, ps fleet.Problems, flash *templates.Flash) error {
	nets, err := h.db.FleetNetworks(c.Request().Context())
	if err != nil {
		return err
	}
	m := templates.FleetObjectPage{Page: page(c, k.many, "fleet"), Heading: k.many, Flash: flash,
		Crumbs: []templates.Link{{Href: "/fleet", Text: "Fleet"}, {Text: k.many}}}
	m.Form = objectForm(k.specs, nets, v, true, k.kind, "/fleet/"+k.path, "Create "+strings.ToLower(k.one), ps)
	if k.table != nil {
		m.Table = k.table(nets)
	}
	if k.listHref != "" {
		m.Notes = []templates.Link{{Href: k.listHref, Text: "Every " + strings.ToLower(k.one) + " is listed on the " + strings.ToLower(k.many) + " page; open one to edit it."}}
	}
	return render(c, status, templates.FleetObject(m), nil)
}

func objectForm(specs []fieldSpec, nets fleet.Document, v formValues, creating bool, kind fleet.Kind, action, submit string, ps fleet.Problems) templates.ObjectForm {
	fields, rest := formFields(specs, nets, v, creating, kind, ps)
	return templates.ObjectForm{Action: action, Submit: submit, Fields: fields, Problems: rest}
}

// fleetCreate creates an object from its kind's form; its id must be new.
func (h *Handler) fleetCreate(k *objectKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		v := postedValues(c, k.specs)
		doc, err := parseObject(map[string]any{k.list: []any{objectJSON(k.specs, v)}})
		if err == nil {
			_, err = h.db.CreateFleetObject(c.Request().Context(), origin(c), doc)
		}
		if err != nil {
			return refusal(err, func(status int, ps fleet.Problems) error { return h.kindAnswer(c, k, status, v, ps, nil) })
		}
		return c.Redirect(http.StatusSeeOther, k.editURL(v["id"])+"?done=created")
	}
}

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
			return refusal(err, func(status int, ps fleet.Problems) error { return h.editAnswer(c, k, id, status, v, ps, "", nil) })
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

// refusal answers a change the store or the form's reading refused by showing the form again
// with answer: the fleet rules' problems with 422, the domain's refusals (a load balancer
// that does not exist, one that is locked) with their status. Anything else is the error
// handler's.
func refusal(err error, answer func(status int, ps fleet.Problems) error) error {
	var ps fleet.Problems
	if errors.As(err, &ps) {
		return answer(http.StatusUnprocessableEntity, ps)
	}
	if _, ok := lb.AsError(err); ok {
		status, msg := statusOf(err)
		return answer(status, fleet.Problems{{Kind: fleet.KindFile, Message: msg}})
	}
	return err
}

// doneFlash is the message of the redirect that follows a change, read from its ?done=: what
// was done to the object what names, whose id is the page's, or after a delete (done=deleted,
// or deleted-group on a load balancer's page) the query's id. That id is shown only when it
// has an id's shape, so that a crafted link cannot make the page say something else.
func doneFlash(c echo.Context, what, id string) *templates.Flash {
	done := c.QueryParam("done")
	switch done {
	case "deleted", "deleted-group":
		if id = c.QueryParam("id"); !idShaped(id) {
			return nil
		}
		if done == "deleted-group" {
			what = "group"
		}
		return &templates.Flash{Kind: "ok", Message: "Deleted " + what + " " + id + "."}
	}
	if id == "" {
		return nil
	}
	switch done {
	case "created":
		return &templates.Flash{Kind: "ok", Message: "Created " + what + " " + id + "."}
	case "saved":
		return &templates.Flash{Kind: "ok", Message: "Saved " + what + " " + id + ". The change is in the audit log."}
	case "unchanged":
		return &templates.Flash{Kind: "ok", Message: "Nothing to save: " + what + " " + id + " already was so."}
	}
	return nil
}

// idShaped reports whether s has the shape of a fleet id: letters, digits, -, _ and ., 1 to
// 64 characters.
func idShaped(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
