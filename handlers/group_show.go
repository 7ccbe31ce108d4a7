package handlers

import (
	"context"
	"errors"
	"net/http"

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
	if errors.Is(err, db.ErrNotFound) {
		return m, echo.NewHTTPError(http.StatusNotFound, "load balancer "+c.Param("lb")+" does not exist")
	}
	if err != nil {
		return m, err
	}
	g, err := h.db.GetGroup(ctx, l.ID, c.Param("group"))
	if errors.Is(err, db.ErrNotFound) {
		return m, echo.NewHTTPError(http.StatusNotFound, "load balancer "+l.ID+" has no server group "+c.Param("group"))
	}
	if err != nil {
		return m, err
	}
	m = templates.GroupPage{Page: page(c, templates.GroupTitle(g)+" · "+l.Name, "lbs"), LB: l, Group: g, Limit: lb.MaxConsoleEntries}
	m.Members, err = h.db.ListMembers(ctx, g.ID)
	return m, err
}

// reloadGroup refreshes the page model after a batch, keeping the selection of members that
// are still there.
func (h *Handler) reloadGroup(ctx context.Context, m *templates.GroupPage, selected []string) error {
	g, err := h.db.GetGroup(ctx, m.LB.ID, templates.GroupRef(m.Group))
	if err != nil {
		return err
	}
	m.Group = g
	if m.Members, err = h.db.ListMembers(ctx, g.ID); err != nil {
		return err
	}
	m.Selected = make(map[string]bool, len(selected))
	for _, id := range selected {
		m.Selected[id] = true
	}
	return nil
}
