package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/docs"
	"lbconsole/web/templates"
)

// fleetHome is the admins' overview of the fleet: each kind of object, how many there are,
// and where to change them.
func (h *Handler) fleetHome(c echo.Context) error {
	ctx := c.Request().Context()
	nets, err := h.db.FleetNetworks(ctx)
	if err != nil {
		return err
	}
	servers, err := h.db.ListServers(ctx, db.ServerFilter{Limit: 1})
	if err != nil {
		return err
	}
	lbs, err := h.db.ListLoadBalancers(ctx, db.LBFilter{Limit: 1})
	if err != nil {
		return err
	}
	m := templates.FleetHomePage{Page: page(c, "Fleet", "fleet"), Kinds: []templates.FleetKindLink{
		{Label: "Regions", Href: "/fleet/regions", Count: len(nets.Regions)},
		{Label: "VPCs", Href: "/fleet/vpcs", Count: len(nets.VPCs)},
		{Label: "Subnets", Href: "/fleet/subnets", Count: len(nets.Subnets)},
		{Label: "Servers", Href: "/fleet/servers", Count: servers.Total, ListHref: "/servers"},
		{Label: "Load balancers", Href: "/fleet/lbs", Count: lbs.Total, ListHref: "/lbs"},
	}}
	return render(c, http.StatusOK, templates.FleetHome(m), nil)
}

// fleetExample serves the README's complete example fleet file, as text a browser shows.
func (h *Handler) fleetExample(c echo.Context) error {
	c.Response().Header().Set("Content-Disposition", `inline; filename="fleet-example.yaml"`)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", docs.FleetExample)
}
