package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

const lbPageSize = 25

func (h *Handler) lbList(c echo.Context) error {
	ctx := c.Request().Context()
	m := templates.LBListPage{Page: page(c, "Load balancers", "lbs"), Status: c.QueryParam("status")}
	var err error
	if m.Query, err = searchText(c, "q", "search text"); err != nil {
		return err
	}
	if m.Region, err = searchText(c, "region", "region filter"); err != nil {
		return err
	}
	if m.Status != "" && !lb.LBStatus(m.Status).Valid() {
		return echo.NewHTTPError(http.StatusBadRequest, "status must be active, inactive or locked")
	}
	n, err := pageNumber(c)
	if err != nil {
		return err
	}
	res, err := h.db.ListLoadBalancers(ctx, db.LBFilter{Query: m.Query, Region: m.Region, Status: lb.LBStatus(m.Status),
		Offset: (n - 1) * lbPageSize, Limit: lbPageSize})
	if err != nil {
		return err
	}
	if m.Regions, err = h.db.ListRegions(ctx); err != nil {
		return err
	}
	m.Rows = rows(res.Items, lbRow)
	m.Empty = res.Total == 0 && m.Query == "" && m.Region == "" && m.Status == ""
	m.Pager = templates.Pager{Page: n, PageSize: lbPageSize, Total: res.Total,
		Base: url.URL{Path: "/lbs", RawQuery: filterQuery(c, "q", "region", "status").Encode()}}
	if done, err := pastTheEnd(c, m.Pager); done || err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.LBList(m), []string{"lb-table"})
}
