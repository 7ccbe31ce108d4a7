package handlers

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/export"
	"lbconsole/web/templates"
)

const auditPageSize = 50

// auditFilterParams are the query parameters the audit page and its CSV share.
var auditFilterParams = []string{"actor", "source", "action", "lb", "group", "outcome", "since", "until"}

// auditFilter reads the audit filters from the query string: each as text the way every
// filter box is read, then into the store's filter by export.Filter, the reading that
// `console audit export` shares.
func auditFilter(c echo.Context) (db.AuditFilter, error) {
	var p export.Params
	for _, text := range []struct {
		to          *string
		name, label string
	}{
		{&p.Actor, "actor", "actor filter"}, {&p.Source, "source", "source filter"}, {&p.Action, "action", "action filter"},
		{&p.LoadBalancer, "lb", "load balancer filter"}, {&p.Group, "group", "group filter"}, {&p.Outcome, "outcome", "outcome filter"},
		{&p.Since, "since", "since filter"}, {&p.Until, "until", "until filter"},
	} {
		var err error
		if *text.to, err = searchText(c, text.name, text.label); err != nil {
			return db.AuditFilter{}, err
		}
	}
	f, err := export.Filter(p)
	if err != nil {
		// A bad query parameter is a bad request (400), as every search box's is; the error
		// map's 422 is for forms whose values break a rule.
		return f, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	return f, nil
}

func (h *Handler) auditList(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	n, err := pageNumber(c)
	if err != nil {
		return err
	}
	f.Offset, f.Limit = (n-1)*auditPageSize, auditPageSize
	res, err := h.db.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	q := filterQuery(c, auditFilterParams...)
	m := templates.AuditListPage{
		Page: page(c, "Audit log", "audit"),
		Filter: templates.AuditFilter{Actor: f.Actor, Source: f.Source, Action: f.Action, LB: f.LoadBalancer, Group: f.Group,
			Outcome: f.Outcome, Since: c.QueryParam("since"), Until: c.QueryParam("until")},
		Rows:    rows(res.Items, auditRow),
		Sources: auditSources,
		Actions: append(slices.Clip(auditActions), fleetAuditActions...),
		Pager:   templates.Pager{Page: n, PageSize: auditPageSize, Total: res.Total, Base: url.URL{Path: "/audit", RawQuery: q.Encode()}},
		CSVURL:  (&url.URL{Path: "/audit.csv", RawQuery: q.Encode()}).String(),
	}
	if done, err := pastTheEnd(c, m.Pager); done || err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.AuditList(m), []string{"audit-table"})
}
