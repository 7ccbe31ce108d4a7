package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
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
			return formRefusal(err, func(status int, ps fleet.Problems) error { return h.kindAnswer(c, k, status, v, ps, nil) })
		}
		return c.Redirect(http.StatusSeeOther, k.editURL(v["id"])+"?done=created")
	}
}
