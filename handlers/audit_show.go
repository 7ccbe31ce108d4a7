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
	if m.Flash, err = h.revertFlash(c, m); err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.AuditShow(m), nil)
}

// auditRevertForm shows what reverting an entry would change now, and asks to confirm it.
func (h *Handler) auditRevertForm(c echo.Context) error {
	seq, err := parseSeq(c.Param("seq"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := h.db.GetAudit(ctx, seq)
	if err != nil {
		return err
	}
	m := templates.AuditRevertPage{Page: page(c, fmt.Sprintf("Revert audit entry %d", seq), "audit"), Entry: auditRow(e)}
	res, err := h.db.PreviewRevert(ctx, seq)
	if _, refused := lb.AsError(err); refused {
		_, msg := statusOf(err)
		m.Refusal = fmt.Sprintf("Revert refused (%s): %s", templates.KindText(string(lb.ErrorKind(err))), msg)
	} else if err != nil {
		return err
	}
	m.Diff = res.Diff
	return render(c, http.StatusOK, templates.AuditRevert(m), nil)
}

// auditRevert undoes an entry's change as a new batch. Either way the browser is sent to a page
// of its own, so that a reload posts nothing again: the new entry when it was reverted, the
// old one, with the refused attempt's reason, when it was not.
func (h *Handler) auditRevert(c echo.Context) error {
	seq, err := parseSeq(c.Param("seq"))
	if err != nil {
		return err
	}
	res, err := h.db.RevertAudit(c.Request().Context(), db.RevertRequest{
		Seq: seq, Actor: currentUser(c).Name, Source: db.SourceConsole, ClientIP: c.RealIP(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	})
	switch e, refused := lb.AsError(err); {
	case refused && (e.Kind == lb.KindNotFound || res.Seq == 0):
		return err // no entry to go back to
	case refused:
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/audit/%d?revert_refused=%d", seq, res.Seq))
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/audit/%d?reverted=%d", res.Seq, seq))
}

// revertFlash is the message a revert redirected with. It is read from the audit log, not
// from the address: an address can say only which entries to look at.
func (h *Handler) revertFlash(c echo.Context, m templates.AuditShowPage) (*templates.Flash, error) {
	if n, err := strconv.ParseInt(c.QueryParam("reverted"), 10, 64); err == nil && m.Entry.Reverts == n && m.Entry.Applied {
		return &templates.Flash{Kind: "ok", Message: fmt.Sprintf("Entry #%d was reverted by this entry.", n)}, nil
	}
	n, err := strconv.ParseInt(c.QueryParam("revert_refused"), 10, 64)
	if err != nil || n < 1 {
		return nil, nil
	}
	attempt, err := h.db.GetAudit(c.Request().Context(), n)
	if lb.ErrorKind(err) == lb.KindNotFound || (err == nil && (attempt.Reverts != m.Entry.Seq || attempt.Outcome == db.OutcomeOK)) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &templates.Flash{Kind: "error", Message: fmt.Sprintf("Revert refused (%s): %s (the attempt is audit entry #%d).",
		templates.KindText(attempt.Outcome), attempt.Message, n)}, nil
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
