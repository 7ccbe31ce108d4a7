package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

const serverPageSize = 50

func (h *Handler) serverList(c echo.Context) error {
	m, err := h.serverPage(c)
	if err != nil {
		return err
	}
	if m.Import.Flash, err = h.importedFlash(c); err != nil {
		return err
	}
	if done, err := pastTheEnd(c, m.Pager); done || err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.ServerList(m), []string{"server-table"})
}

// serverPage loads the inventory page for the request's search, filters and page number.
func (h *Handler) serverPage(c echo.Context) (templates.ServerListPage, error) {
	ctx := c.Request().Context()
	m := templates.ServerListPage{Page: page(c, "Servers", "servers"), Status: c.QueryParam("status")}
	var err error
	if m.Query, err = searchText(c, "q", "search text"); err != nil {
		return m, err
	}
	if m.Region, err = searchText(c, "region", "region filter"); err != nil {
		return m, err
	}
	if m.Status != "" && !lb.ServerStatus(m.Status).Valid() {
		return m, echo.NewHTTPError(http.StatusBadRequest, "status must be Running or Stopped")
	}
	n, err := pageNumber(c)
	if err != nil {
		return m, err
	}
	res, err := h.db.ListServers(ctx, db.ServerFilter{Query: m.Query, Region: m.Region, Status: lb.ServerStatus(m.Status),
		Offset: (n - 1) * serverPageSize, Limit: serverPageSize})
	if err != nil {
		return m, err
	}
	if m.Regions, err = h.db.ListRegions(ctx); err != nil {
		return m, err
	}
	m.Rows = res.Items
	m.Pager = templates.Pager{Page: n, PageSize: serverPageSize, Total: res.Total,
		Base: url.URL{Path: "/servers", RawQuery: filterQuery(c, "q", "region", "status").Encode()}}
	return m, nil
}
