package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/web/templates"
)

func (h *Handler) lbShow(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := h.db.GetLoadBalancer(ctx, c.Param("lb"))
	if err != nil {
		return err
	}
	groups, err := h.db.ListGroups(ctx, l.ID)
	if err != nil {
		return err
	}
	nodes, err := h.db.NodeStatuses(ctx, l.ID)
	if err != nil {
		return err
	}
	m := templates.LBShowPage{Page: page(c, l.Name, "lbs"), LB: l, Groups: rows(groups, groupRow), Nodes: rows(nodes, nodeRow)}
	return render(c, http.StatusOK, templates.LBShow(m), nil)
}
