package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

func (h *Handler) auditShow(c echo.Context) error {
	m, err := h.auditPage(c, c.Param("seq"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.AuditShow(m), nil)
}

// auditRevert undoes an entry's change as a new batch and shows the new entry, or shows the
// old one with the reason the revert was refused.
func (h *Handler) auditRevert(c echo.Context) error {
	seq, err := parseSeq(c.Param("seq"))
	if err != nil {
		return err
	}
	res, err := h.db.RevertAudit(c.Request().Context(), db.RevertRequest{
		Seq: seq, Actor: currentUser(c).Name, Source: db.SourceConsole, ClientIP: c.RealIP(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	})
	_, refused := lb.AsError(err)
	if err != nil && !refused {
		return err
	}
	shown, flash, status := res.Seq, &templates.Flash{Kind: "ok", Message: fmt.Sprintf("Entry #%d was reverted by this entry.", seq)}, http.StatusOK
	if refused {
		var msg string
		status, msg = statusOf(err)
		shown, flash = seq, &templates.Flash{Kind: "error", Message: "Not reverted: " + msg}
	}
	m, err := h.auditPage(c, strconv.FormatInt(shown, 10))
	if err != nil {
		return err
	}
	m.Flash = flash
	return render(c, status, templates.AuditShow(m), nil)
}

func (h *Handler) auditPage(c echo.Context, seqText string) (templates.AuditShowPage, error) {
	var m templates.AuditShowPage
	seq, err := parseSeq(seqText)
	if err != nil {
		return m, err
	}
	ctx := c.Request().Context()
	e, err := h.db.GetAudit(ctx, seq)
	if err != nil {
		return m, err
	}
	m = templates.AuditShowPage{Page: page(c, fmt.Sprintf("Audit entry %d", seq), "audit"), Entry: auditRow(e), Diff: e.Diff(),
		GroupVersion: e.GroupVersion}
	if m.RevertedBy, err = h.db.RevertedBy(ctx, seq); err != nil {
		return m, err
	}
	applied, err := h.db.BatchNodes(ctx, seq)
	m.Nodes = rows(applied, nodeApplied)
	return m, err
}

func parseSeq(s string) (int64, error) {
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil || seq < 1 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("an audit entry number is a positive whole number, not %q", s))
	}
	return seq, nil
}
