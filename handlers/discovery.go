package handlers

import (
	"github.com/labstack/echo/v4"

	"lbconsole/handlers/elbapi"
)

// mountVersions serves OpenStack's version document where openstacksdk's discovery asks for
// it: the console's root and the REST API's prefixes. A request that asks for the document
// (JSON, not HTML) gets it; any other gets what the console served there before, so that a
// browser at / still goes to its load balancers or to sign in.
func (h *Handler) mountVersions(e *echo.Echo, root echo.HandlerFunc) {
	versions := echo.WrapHandler(elbapi.Discovery(h.log))
	notFound := h.requireSession(func(echo.Context) error { return echo.ErrNotFound })
	for _, p := range elbapi.VersionPaths {
		console := notFound
		if p == "/" {
			console = root
		}
		e.Any(p, versionsOr(versions, console))
	}
}

// versionsOr answers with versions a request that asks for the version document, and with
// console any other. An SLB API call at / names its Action, and is never discovery.
func versionsOr(versions, console echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if elbapi.WantsVersions(c.Request()) && c.QueryParam("Action") == "" {
			return versions(c)
		}
		return console(c)
	}
}
