package handlers

import (
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
	m, mem, err := h.memberPage(c)
	if err != nil {
		return err
	}
	if c.QueryParam("cancel") == "" {
		m.Editing, m.EditWeight = mem.ID, strconv.Itoa(mem.Weight)
	}
	return renderRow(c, http.StatusOK, m, mem.ID)
}

// memberWeightSave sets one member's weight as a batch of one: no preview, since only that row
// changes, but the same version check and audit entry as any batch.
func (h *Handler) memberWeightSave(c echo.Context) error {
	m, mem, err := h.memberPage(c)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(c.FormValue("weight"))
	w, convErr := strconv.Atoi(text)
	if convErr != nil || lb.CheckWeight(w) != nil {
		m.Editing, m.EditWeight = mem.ID, text
		m.EditError = "the weight must be a whole number from 0 to 100"
		return renderRow(c, http.StatusUnprocessableEntity, m, mem.ID)
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || version < 1 {
		return echo.NewHTTPError(http.StatusBadRequest, "version is missing or not a positive whole number: reload the page")
	}
	f := batchForm{Op: templates.OpInline, Members: []string{mem.ID}, Weight: &w, Version: version}
	req := h.batchRequest(c, m, f)
	res, applyErr := h.db.ApplyBatch(c.Request().Context(), req)
	if _, ok := lb.AsError(applyErr); ok && !lb.IsStale(applyErr) {
		status, msg := statusOf(applyErr)
		m.Editing, m.EditWeight, m.EditError = mem.ID, text, msg
		return renderRow(c, status, m, mem.ID)
	}
	status, err := h.batchOutcome(c, &m, f, res, applyErr)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		// The group moved on: show the whole table, fresh, with what changed.
		c.Response().Header().Set("HX-Retarget", "#group-body")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		return render(c, status, templates.GroupShow(m), []string{"group-body"})
	}
	return renderRow(c, status, m, mem.ID, templates.InlineSaved(m))
}

// memberPage loads the group page and the member the URL names.
func (h *Handler) memberPage(c echo.Context) (templates.GroupPage, lb.Member, error) {
	m, err := h.groupPage(c)
	if err != nil {
		return m, lb.Member{}, err
	}
	id := c.Param("member")
	for _, mem := range m.Members {
		if mem.ID == id {
			return m, mem, nil
		}
	}
	return m, lb.Member{}, echo.NewHTTPError(http.StatusNotFound, "server "+id+" is no longer in this group: reload the page")
}

// renderRow answers one member row of the group page (the whole page to a plain request).
func renderRow(c echo.Context, status int, m templates.GroupPage, memberID string, extra ...templ.Component) error {
	return render(c, status, templates.GroupShow(m), []string{"row-" + memberID}, extra...)
}
