package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"lbconsole/db"
	"lbconsole/web"
)

// routes is the console's one route table, read top to bottom.
func (h *Handler) routes(e *echo.Echo) {
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID}))
	e.Use(middleware.Recover())
	e.Use(h.logRequests)
	e.Use(h.securityHeaders)
	e.Use(h.csrf())

	e.GET("/healthz", h.healthz)
	e.StaticFS("/static", echo.MustSubFS(web.Static, "static"))
	e.GET("/login", h.loginForm)
	e.POST("/login", h.login)

	s := e.Group("", h.requireSession)
	s.POST("/logout", h.logout)
	s.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/lbs") })
	s.GET("/lbs", h.lbList)
	s.GET("/lbs/:lb", h.lbShow)
	s.GET("/lbs/:lb/groups/:group", h.groupShow)
	s.POST("/lbs/:lb/groups/:group/preview", h.groupPreview, h.requireRole(db.RoleOperator))
	s.POST("/lbs/:lb/groups/:group/batch", h.groupBatch, h.requireRole(db.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/candidates", h.groupCandidates, h.requireRole(db.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/candidates/pick", h.groupPick, h.requireRole(db.RoleOperator))
	s.GET("/lbs/:lb/groups/:group/members/:member/weight", h.memberWeightForm, h.requireRole(db.RoleOperator))
	s.POST("/lbs/:lb/groups/:group/members/:member/weight", h.memberWeightSave, h.requireRole(db.RoleOperator))
	s.GET("/audit", h.auditList)
	s.GET("/audit.csv", h.auditCSV)
	s.GET("/audit/:seq", h.auditShow)
	s.POST("/audit/:seq/revert", h.auditRevert, h.requireRole(db.RoleOperator))
}

func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}
