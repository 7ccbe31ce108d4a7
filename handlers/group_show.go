package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

func (h *Handler) groupShow(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.GroupShow(m), []string{"group-body"})
}

// groupPage loads the group named in the URL, as the group page shows it.
func (h *Handler) groupPage(c echo.Context) (templates.GroupPage, error) {
	ctx := c.Request().Context()
	var m templates.GroupPage
	l, err := h.db.GetLoadBalancer(ctx, c.Param("lb"))
	if err != nil {
		return m, err
	}
	g, err := h.db.GetGroup(ctx, l.ID, c.Param("group"))
	if err != nil {
		return m, err
	}
	m = templates.GroupPage{Page: page(c, templates.GroupTitle(g)+" · "+l.Name, "lbs"), LB: l, Group: g, Limit: lb.MaxConsoleEntries}
	if c.Request().Method == http.MethodGet {
		m.Filter = templates.MemberFilter{Port: c.QueryParam("port"), Weight: c.QueryParam("weight"), Type: c.QueryParam("type")}
		if m.Filter.Query, err = searchText(c, "q", "filter text"); err != nil {
			return m, err
		}
	}
	return m, h.loadMembers(ctx, &m)
}

// loadMembers fills the page's members, filtered as its filter says, and the group's total.
func (h *Handler) loadMembers(ctx context.Context, m *templates.GroupPage) error {
	f, err := memberFilter(m.Filter)
	if err != nil {
		return err
	}
	if m.Members, err = h.db.FindMembers(ctx, m.Group.ID, f); err != nil {
		return err
	}
	m.Total = len(m.Members)
	if m.Filter.Active() {
		if m.Total, err = h.db.CountMembers(ctx, m.Group.ID); err != nil {
			return err
		}
	}
	return h.loadDataPlane(ctx, m)
}

// memberFilter checks the group page's filter and turns it into the store's.
func memberFilter(f templates.MemberFilter) (db.MemberFilter, error) {
	out := db.MemberFilter{Query: f.Query, Type: f.Type} // the text checked by searchText
	if f.Type != "" && !lb.ServerType(f.Type).Valid() {
		return out, echo.NewHTTPError(http.StatusBadRequest, "type must be ecs, eni or eci")
	}
	if f.Port != "" {
		p, err := strconv.Atoi(f.Port)
		if err != nil || lb.CheckPort(p) != nil {
			return out, echo.NewHTTPError(http.StatusBadRequest, "port must be a whole number from 1 to 65535")
		}
		out.Port = p
	}
	if f.Weight != "" {
		w, err := strconv.Atoi(f.Weight)
		if err != nil || lb.CheckWeight(w) != nil {
			return out, echo.NewHTTPError(http.StatusBadRequest, "weight must be a whole number from 0 to 100")
		}
		out.Weight = &w
	}
	return out, nil
}

// reloadGroup refreshes the page model after a batch, keeping the selection of members that
// are still there.
func (h *Handler) reloadGroup(ctx context.Context, m *templates.GroupPage, selected []string) error {
	g, err := h.db.GetGroup(ctx, m.LB.ID, templates.GroupRef(m.Group))
	if err != nil {
		return err
	}
	m.Group = g
	if err := h.loadMembers(ctx, m); err != nil {
		return err
	}
	m.Selected = make(map[string]bool, len(selected))
	for _, id := range selected {
		m.Selected[id] = true
	}
	return nil
}
