package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"lbconsole/db"
	"lbconsole/handlers/elbapi"
	"lbconsole/handlers/slbapi"
	"lbconsole/lb"
	"lbconsole/web"
)

// maxBodySize bounds every request body.
const maxBodySize = "2M"

// routes is the console's one route table, read top to bottom.
func (h *Handler) routes(e *echo.Echo) {
	// No request body the console or the APIs accept is near this size; refuse larger ones
	// before anything reads them.
	// The APIs cap their own bodies and answer in their own error shapes.
	e.Pre(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxBodySize, Skipper: isAPIRequest}))
	e.Pre(readForm)
	e.Use(requestID)
	e.Use(h.metrics.observe)
	e.Use(middleware.Recover())
	e.Use(h.logRequests)
	e.Use(h.securityHeaders)
	e.Use(compress())
	// Every request's work (its database calls included) is bounded; the CSV export streams for
	// as long as the log is, under the server's write timeout instead.
	e.Use(withTimeout(h.timeout, func(c echo.Context) bool { return c.Path() == "/audit.csv" }))
	e.Use(h.csrf())

	// The cloud APIs authenticate every call by signature or token, never by cookie.
	slb := echo.WrapHandler(slbapi.New(slbapi.Config{DB: h.db, Logger: h.log, ClientIP: e.IPExtractor}))
	pool := echo.WrapHandler(elbapi.New(elbapi.Config{DB: h.db, Logger: h.log, ClientIP: e.IPExtractor}))
	e.Any("/v2.0/lbaas/*", pool)
	e.Any("/v2/lbaas/*", pool)
	h.mountVersions(e, h.root(slb)) // "/" among them

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET(metricsPath, h.metrics.handler())
	e.GET(web.StaticPrefix+"*", staticFiles())
	e.GET("/login", h.loginForm)
	e.POST("/login", h.login)

	s := e.Group("", h.requireSession)
	s.POST("/logout", h.logout)
	s.GET("/lbs", h.lbList)
	s.GET("/lbs/:lb", h.lbShow)
	s.GET("/lbs/:lb/groups/:group", h.groupShow)
	s.POST("/lbs/:lb/groups/:group/preview", h.groupPreview, h.requireRole(lb.RoleOperator))
	s.POST("/lbs/:lb/groups/:group/batch", h.groupBatch, h.requireRole(lb.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/candidates", h.groupCandidates, h.requireRole(lb.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/candidates/pick", h.groupPick, h.requireRole(lb.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/members/:member/weight", h.memberWeightForm, h.requireRole(lb.RoleOperator))
	s.POST("/lbs/:lb/groups/:group/members/:member/weight", h.memberWeightSave, h.requireRole(lb.RoleOperator))
	// What a running HAProxy would adopt: read only, but it connects where an admin says.
	s.GET("/fleet/adopt", h.adoptForm, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/adopt", h.adoptPropose, h.requireRole(lb.RoleAdmin))
	// People and inventory.
	s.GET("/users", h.userList, h.requireRole(lb.RoleAdmin))
	s.GET("/users/sign-ins", h.signIns, h.requireRole(lb.RoleAdmin))
	s.POST("/users", h.userCreate, h.requireRole(lb.RoleAdmin))
	s.POST("/users/:id/role", h.userRole, h.requireRole(lb.RoleAdmin))
	s.POST("/users/:id/disable", h.userDisable, h.requireRole(lb.RoleAdmin))
	s.POST("/users/:id/enable", h.userEnable, h.requireRole(lb.RoleAdmin))
	s.POST("/users/:id/password", h.userPassword, h.requireRole(lb.RoleAdmin))
	s.GET("/users/keys", h.everyKeyList, h.requireRole(lb.RoleAdmin))
	s.POST("/users/keys/:id/revoke", h.everyKeyRevoke, h.requireRole(lb.RoleAdmin))
	s.GET("/account", h.account)
	s.POST("/account/password", h.accountPassword)
	s.POST("/account/sign-out-everywhere", h.accountSignOutEverywhere)
	s.GET("/servers", h.serverList)
	s.POST("/servers/import", h.serverImport, h.requireRole(lb.RoleAdmin))
	s.GET("/keys", h.keysList)
	s.POST("/keys", h.keysCreate)
	s.POST("/keys/:id/revoke", h.keysRevoke)
	// The fleet, as admins describe it: object by object, or a whole file at once.
	s.GET("/fleet", h.fleetHome, h.requireRole(lb.RoleAdmin))
	s.GET("/fleet/example.yaml", h.fleetExample)
	s.GET("/fleet/upload", h.fleetUploadForm, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/upload", h.fleetPreview, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/apply", h.fleetApply, h.requireRole(lb.RoleAdmin))
	for _, k := range objectKinds { // regions, vpcs, subnets, servers, lbs
		s.GET("/fleet/"+k.path, h.fleetKindPage(k), h.requireRole(lb.RoleAdmin))
		s.POST("/fleet/"+k.path, h.fleetCreate(k), h.requireRole(lb.RoleAdmin))
		s.GET("/fleet/"+k.path+"/:id", h.fleetEdit(k), h.requireRole(lb.RoleAdmin))
		s.POST("/fleet/"+k.path+"/:id", h.fleetUpdate(k), h.requireRole(lb.RoleAdmin))
		s.POST("/fleet/"+k.path+"/:id/delete", h.fleetDelete(k), h.requireRole(lb.RoleAdmin))
	}
	s.GET("/fleet/lbs/:id/groups", h.groupNew, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/lbs/:id/groups", h.groupCreate, h.requireRole(lb.RoleAdmin))
	s.GET("/fleet/lbs/:id/groups/:group", h.groupEdit, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/lbs/:id/groups/:group", h.groupUpdate, h.requireRole(lb.RoleAdmin))
	s.POST("/fleet/lbs/:id/groups/:group/delete", h.groupDelete, h.requireRole(lb.RoleAdmin))
	s.GET("/audit", h.auditList)
	s.GET("/audit.csv", h.auditCSV)
	s.GET("/audit/:seq", h.auditShow)
	s.GET("/audit/:seq/revert", h.auditRevertForm, h.requireRole(lb.RoleOperator))
	s.POST("/audit/:seq/revert", h.auditRevert, h.requireRole(lb.RoleOperator))
}

// root serves "/": the SLB API when the request names an Action, else the console's start page.
func (h *Handler) root(slb echo.HandlerFunc) echo.HandlerFunc {
	home := h.requireSession(func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/lbs") })
	return func(c echo.Context) error {
		if isAPIRequest(c) {
			return slb(c)
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			return echo.NewHTTPError(http.StatusMethodNotAllowed, "the console's start page only answers GET")
		}
		return home(c)
	}
}

// healthz says the process is alive.
func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz says the console can serve: its database answers and takes writes. The check runs
// on a connection of its own, so no load from clients can starve it, and a full disk or a
// read-only database file makes it say not ready.
func (h *Handler) readyz(c echo.Context) error {
	err := h.db.Ready(c.Request().Context())
	if err == nil {
		return c.String(http.StatusOK, "ready\n")
	}
	h.log.ErrorContext(c.Request().Context(), "not ready", "err", err)
	if db.IsUnavailable(err) {
		return c.String(http.StatusServiceUnavailable, "not ready: the database cannot take writes (is its disk full or its file read-only?)\n")
	}
	return c.String(http.StatusServiceUnavailable, "not ready: the database does not answer\n")
}
