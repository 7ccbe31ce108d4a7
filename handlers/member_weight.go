package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// memberWeightForm answers one member's row with its weight editor open, or closed again when
// the edit is cancelled.
func (h *Handler) memberWeightForm(c echo.Context) error {
	m, mem, err := h.memberRowPage(c)
	if err != nil {
		return err
	}
	if c.QueryParam("cancel") == "" {
		m.Editing, m.EditWeight = mem.ID, strconv.Itoa(mem.Weight)
	}
	return h.renderRow(c, http.StatusOK, m, mem)
}

// memberWeightSave sets one member's weight as a batch of one: no preview, since only that row
// changes, but the same version check and audit entry as any batch.
func (h *Handler) memberWeightSave(c echo.Context) error {
	m, mem, err := h.memberRowPage(c)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(c.FormValue("weight"))
	w, convErr := strconv.Atoi(text)
	if convErr != nil || lb.CheckWeight(w) != nil {
		m.Editing, m.EditWeight = mem.ID, text
		m.EditError = "the weight must be a whole number from 0 to 100"
		return h.renderRow(c, http.StatusUnprocessableEntity, m, mem)
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || version < 1 {
		return echo.NewHTTPError(http.StatusBadRequest, "version is missing or not a positive whole number: reload the page")
	}
	f := batchForm{Op: templates.OpInline, Members: []string{mem.ID}, Weight: &w, Version: version}
	res, applyErr := h.db.ApplyBatch(c.Request().Context(), h.batchRequest(c, m, f))
	switch _, refused := lb.AsError(applyErr); {
	case refused && !lb.IsStale(applyErr):
		status, msg := statusOf(applyErr)
		m.Editing, m.EditWeight, m.EditError = mem.ID, text, msg
		return h.renderRow(c, status, m, mem)
	case applyErr == nil:
		// Only this row and the version changed: answer them, not the group's other members.
		m.Group.Version, m.Flash = res.Group.Version, batchFlash(f.Op, res)
		for _, ch := range res.Diff.Changed {
			if ch.After.ID == mem.ID {
				mem = ch.After
			}
		}
		return h.renderRow(c, http.StatusOK, m, mem, templates.InlineSaved(m))
	}
	status, err := h.batchOutcome(c, &m, f, res, applyErr)
	if err != nil {
		return err
	}
	// The group moved on: show the whole table, fresh, with what changed.
	c.Response().Header().Set("HX-Retarget", "#group-body")
	c.Response().Header().Set("HX-Reswap", "innerHTML")
	return render(c, status, templates.GroupShow(m), []string{"group-body"})
}

// memberRowPage loads what one member's row shows: the load balancer, the group, the member
// the URL names and its health; not the group's other members, which the row does not show.
func (h *Handler) memberRowPage(c echo.Context) (templates.GroupPage, lb.Member, error) {
	m, err := h.groupHead(c)
	if err != nil {
		return m, lb.Member{}, err
	}
	ctx := c.Request().Context()
	id := c.Param("member")
	mem, err := h.db.GetGroupMember(ctx, m.Group.ID, id)
	if lb.ErrorKind(err) == lb.KindNotFound {
		return m, mem, echo.NewHTTPError(http.StatusNotFound, "server "+id+" is no longer in this group: reload the page")
	}
	if err != nil {
		return m, mem, err
	}
	return m, mem, h.loadRowDataPlane(ctx, &m, mem.ID)
}

// loadRowDataPlane fills what one member's row shows of the data plane: its health and load.
func (h *Handler) loadRowDataPlane(ctx context.Context, m *templates.GroupPage, memberID string) error {
	if carried, err := h.loadDriven(ctx, m); err != nil || !carried {
		return err
	}
	mh, err := h.db.OneMemberHealth(ctx, m.Group.ID, memberID)
	if err != nil {
		return err
	}
	if view, ok := memberHealth(mh); ok {
		m.DataPlane.Health = map[string]templates.MemberHealth{memberID: view}
	}
	return nil
}

// renderRow answers htmx with one member's row of the group page, and a plain request with the
// whole page, loaded then.
func (h *Handler) renderRow(c echo.Context, status int, m templates.GroupPage, mem lb.Member, extra ...templ.Component) error {
	if isHTMX(c) {
		return renderPart(c, status, templates.MemberRow(m, mem), extra...)
	}
	if err := h.loadMembers(c.Request().Context(), &m); err != nil {
		return err
	}
	return render(c, status, templates.GroupShow(m), nil)
}
