package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// maxCandidates bounds the picker's result list.
const maxCandidates = 25

// groupCandidates lists inventory servers for the add and replace picker, each with the
// reason it cannot join when it cannot, and where it already is in the group.
func (h *Handler) groupCandidates(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	q, err := searchText(c, "pick_q", "search text")
	if err != nil {
		return err
	}
	found, err := h.db.GroupCandidates(c.Request().Context(), m.LB, m.Group.ID, q, maxCandidates)
	if err != nil {
		return err
	}
	out := templates.CandidatesPage{Page: m.Page, GroupURL: m.URL(), IsDefault: m.IsDefault(), Query: q,
		More: found.Total - len(found.Items)}
	for _, s := range found.Items {
		out.Candidates = append(out.Candidates, candidate(m, s))
	}
	return render(c, http.StatusOK, templates.Candidates(out), nil)
}

// candidate is one server as the picker shows it. A server in the default list cannot join it
// again; one in a VServer group can, on another port, and the picker says which it holds.
func candidate(m templates.GroupPage, s db.Candidate) templates.Candidate {
	cand := templates.Candidate{Server: s.Server}
	if err := lb.CheckCandidate(m.LB, s.Server); err != nil {
		cand.Reason = err.Error()
	}
	switch {
	case len(s.Ports) > 0 && m.IsDefault():
		cand.Reason = "already in this list"
	case len(s.Ports) > 0:
		cand.InGroup = "in this group on " + portList(s.Ports)
	}
	return cand
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
	held := serverPorts(m.Members, s.ID)
	if len(held) > 0 && m.IsDefault() {
		return lb.Errorf(lb.KindConflict, lb.FieldServerID, "server %s is already in this list", s.ID)
	}
	if err := lb.CheckCandidate(m.LB, s); err != nil {
		return err
	}
	picked := templates.PickedServer{Server: s, IsDefault: m.IsDefault()}
	if !m.IsDefault() {
		// The port the group's servers listen on, unless this server holds it already: then
		// the field starts empty, and the form asks for another.
		if p := usualPort(m.Members); !slices.Contains(held, p) {
			picked.Port = strconv.Itoa(p)
		}
	}
	return render(c, http.StatusOK, templates.Picked(picked), nil)
}

// serverPorts returns the ports a server holds among members.
func serverPorts(members []lb.Member, serverID string) []int {
	var out []int
	for _, mem := range members {
		if mem.ServerID == serverID {
			out = append(out, mem.Port)
		}
	}
	return out
}

// usualPort is the port most of a VServer group's members listen on, or 80 in an empty group.
func usualPort(members []lb.Member) int {
	count := map[int]int{}
	best := 80
	for _, mem := range members {
		count[mem.Port]++
		if n := count[mem.Port]; n > count[best] || (n == count[best] && mem.Port < best) {
			best = mem.Port
		}
	}
	return best
}

// portList says "port 443" or "ports 80, 443".
func portList(ports []int) string {
	texts := make([]string, len(ports))
	for i, p := range ports {
		texts[i] = strconv.Itoa(p)
	}
	if len(ports) == 1 {
		return "port " + texts[0]
	}
	return fmt.Sprintf("ports %s", strings.Join(texts, ", "))
}
