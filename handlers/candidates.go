package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// maxCandidates bounds the picker's result list.
const maxCandidates = 25

// groupCandidates lists inventory servers for the add and replace picker, each with the
// reason it cannot join when it cannot.
func (h *Handler) groupCandidates(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	q, err := searchText(c, "pick_q", "search text")
	if err != nil {
		return err
	}
	servers, err := h.db.ServerCandidates(c.Request().Context(), m.LB, q, maxCandidates)
	if err != nil {
		return err
	}
	out := templates.CandidatesPage{Page: m.Page, GroupURL: m.URL(), IsDefault: m.IsDefault(), Query: q}
	for _, s := range servers {
		cand := templates.Candidate{Server: s}
		if err := lb.CheckCandidate(m.LB, s); err != nil {
			cand.Reason = err.Error()
		}
		out.Candidates = append(out.Candidates, cand)
	}
	return render(c, http.StatusOK, templates.Candidates(out), nil)
}

// groupPick answers one picked server as a row of the batch form, refusing one that cannot join.
func (h *Handler) groupPick(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	id := c.QueryParam("server")
	s, err := h.db.GetServer(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := lb.CheckCandidate(m.LB, s); err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.Picked(templates.PickedServer{Server: s, IsDefault: m.IsDefault()}), nil)
}
