package handlers

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

func (h *Handler) groupShow(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.GroupShow(m), []string{"group-body"})
}

// groupPage loads the group named in the URL, as the group page shows it.
func (h *Handler) groupPage(c echo.Context) (templates.GroupPage, error) {
	m, err := h.groupHead(c)
	if err != nil {
		return m, err
	}
	return m, h.loadMembers(c.Request().Context(), &m)
}

// groupHead loads the load balancer and group named in the URL and the page's filter: the
// group page without its members.
func (h *Handler) groupHead(c echo.Context) (templates.GroupPage, error) {
	ctx := c.Request().Context()
	var m templates.GroupPage
	l, err := h.db.GetLoadBalancer(ctx, c.Param("lb"))
	if err != nil {
		return m, err
	}
	g, err := h.db.GetGroup(ctx, l.ID, c.Param("group"))
	if err != nil {
		return m, err
	}
	m = templates.GroupPage{Page: page(c, templates.GroupTitle(g)+" · "+l.Name, "lbs"), LB: l, Group: g, Limit: lb.MaxConsoleEntries}
	m.Filter, err = pageFilter(c)
	return m, err
}

// pageFilter reads the member filter the page shows: from the address of a GET, and from the
// form's filter field (the filter as the page's address has it) of a POST, so that the table a
// batch answers with is the one the filter box and the address describe.
func pageFilter(c echo.Context) (templates.MemberFilter, error) {
	values := c.QueryParams()
	if c.Request().Method != http.MethodGet {
		var err error
		if values, err = url.ParseQuery(c.FormValue("filter")); err != nil {
			return templates.MemberFilter{}, echo.NewHTTPError(http.StatusBadRequest, "the filter field is not a query string: reload the page")
		}
	}
	f := templates.MemberFilter{Port: values.Get("port"), WeightMin: values.Get("weight_min"), WeightMax: values.Get("weight_max"),
		Type: values.Get("type"), Sort: values.Get("sort"), Desc: values.Get("dir") == "desc"}
	if w := values.Get("weight"); w != "" {
		f.WeightMin, f.WeightMax = w, w // an exact weight, as addresses made before the range asked
	}
	if _, ok := memberOrders[f.Sort]; !ok && f.Sort != "" {
		return f, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("sort must be server, address, port or weight, not %q", lb.Clip(f.Sort)))
	}
	var err error
	f.Query, err = checkText(values.Get("q"), "q", "filter text")
	return f, err
}

// loadMembers fills the page's members, filtered as its filter says, and the group's total.
func (h *Handler) loadMembers(ctx context.Context, m *templates.GroupPage) error {
	f, err := memberFilter(m.Filter)
	if err != nil {
		return err
	}
	if m.Members, err = h.db.FindMembers(ctx, m.Group.ID, f); err != nil {
		return err
	}
	sortMembers(m.Members, m.Filter)
	m.Total = len(m.Members)
	if m.Filter.Active() {
		if m.Total, err = h.db.CountMembers(ctx, m.Group.ID); err != nil {
			return err
		}
	}
	return h.loadDataPlane(ctx, m)
}

// memberFilter checks the group page's filter and turns it into the store's.
func memberFilter(f templates.MemberFilter) (db.MemberFilter, error) {
	out := db.MemberFilter{Query: f.Query, Type: f.Type} // the text checked by searchText
	if f.Type != "" && !lb.ServerType(f.Type).Valid() {
		return out, echo.NewHTTPError(http.StatusBadRequest, "type must be ecs, eni or eci")
	}
	if f.Port != "" {
		p, err := strconv.Atoi(f.Port)
		if err != nil || lb.CheckPort(p) != nil {
			return out, echo.NewHTTPError(http.StatusBadRequest, "port must be a whole number from 1 to 65535")
		}
		out.Port = p
	}
	var err error
	if out.WeightMin, err = weightBound(f.WeightMin, "weight_min", "the lowest weight"); err != nil {
		return out, err
	}
	if out.WeightMax, err = weightBound(f.WeightMax, "weight_max", "the highest weight"); err != nil {
		return out, err
	}
	if out.WeightMin != nil && out.WeightMax != nil && *out.WeightMin > *out.WeightMax {
		return out, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("the weight range %d to %d is empty: its lowest weight is above its highest",
			*out.WeightMin, *out.WeightMax))
	}
	return out, nil
}

// weightBound reads one end of the filter's weight range; empty means open.
func weightBound(text, name, what string) (*int, error) {
	if text == "" {
		return nil, nil
	}
	w, err := strconv.Atoi(text)
	if err != nil || lb.CheckWeight(w) != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s (%s) must be a whole number from 0 to 100: the weight filter's bounds", what, name))
	}
	return &w, nil
}

// reloadGroup refreshes the page model after a batch, keeping the selection of members that
// are still there.
func (h *Handler) reloadGroup(ctx context.Context, m *templates.GroupPage, selected []string) error {
	g, err := h.db.GetGroup(ctx, m.LB.ID, templates.GroupRef(m.Group))
	if err != nil {
		return err
	}
	m.Group = g
	if err := h.loadMembers(ctx, m); err != nil {
		return err
	}
	m.Selected = make(map[string]bool, len(selected))
	for _, id := range selected {
		m.Selected[id] = true
	}
	m.HiddenSelected, err = h.hiddenSelection(ctx, *m)
	return err
}

// showApplied puts on the page the group as an applied batch left it, from the members the
// batch's transaction read and planned, rather than reading them all again: the table then
// matches the version the page carries. The selection is cleared, as after any applied batch.
// With a filter the store must match the members, and reloadGroup reads them instead.
func (h *Handler) showApplied(ctx context.Context, m *templates.GroupPage, res db.BatchResult) error {
	m.Group = res.Group
	m.Members = slices.Clone(res.Members)
	slices.SortFunc(m.Members, inListOrder) // the planner appends what it adds
	sortMembers(m.Members, m.Filter)
	m.Total = len(m.Members)
	m.Selected, m.HiddenSelected = map[string]bool{}, nil
	return h.loadDataPlane(ctx, m)
}

// inListOrder orders members as the store's ListMembers does: by server, address and port,
// byte by byte (both databases collate the columns so).
func inListOrder(a, b lb.Member) int {
	return cmp.Or(cmp.Compare(a.ServerID, b.ServerID), cmp.Compare(a.Address, b.Address), cmp.Compare(a.Port, b.Port))
}

// hiddenSelection returns the selected members that are in the group but not in the table
// the filter shows, so that the page keeps them selected.
func (h *Handler) hiddenSelection(ctx context.Context, m templates.GroupPage) ([]string, error) {
	if !m.Filter.Active() || len(m.Selected) == 0 {
		return nil, nil
	}
	shown := make(map[string]bool, len(m.Members))
	for _, mem := range m.Members {
		shown[mem.ID] = true
	}
	all, err := h.db.ListMembers(ctx, m.Group.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, mem := range all {
		if m.Selected[mem.ID] && !shown[mem.ID] {
			out = append(out, mem.ID)
		}
	}
	return out, nil
}
