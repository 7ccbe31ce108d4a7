package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"lbconsole/dataplane"
	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// loadDataPlane fills what the group page shows of the HAProxy nodes carrying the group: each
// member's health and load, and the servers on their way out.
func (h *Handler) loadDataPlane(ctx context.Context, m *templates.GroupPage) error {
	if carried, err := h.loadDriven(ctx, m); err != nil || !carried {
		return err
	}
	health, err := h.db.MemberHealth(ctx, m.Group.ID)
	if err != nil {
		return err
	}
	m.DataPlane.Health = make(map[string]templates.MemberHealth, len(health))
	for id, mh := range health {
		if view, ok := memberHealth(mh); ok {
			m.DataPlane.Health[id] = view
		}
	}
	leaving, err := h.db.GroupLeaving(ctx, m.Group.ID)
	if err != nil {
		return err
	}
	now := h.now()
	for _, l := range leaving {
		if l.Node.Fresh() {
			m.DataPlane.Leaving = append(m.DataPlane.Leaving, templates.LeavingRow{Address: l.Leaving.Address, Port: l.Leaving.Port,
				Node: l.Node.RuntimeAPI, Sessions: l.Leaving.Sessions, Where: l.Leaving.Describe(now)})
		}
	}
	return nil
}

// loadDriven fills how the group is driven, and reports whether any HAProxy node carries it:
// a record-only group has no health or load to show.
func (h *Handler) loadDriven(ctx context.Context, m *templates.GroupPage) (bool, error) {
	dp, err := h.db.GroupDataPlane(ctx, m.Group.ID)
	if err != nil {
		return false, err
	}
	m.DataPlane = templates.GroupDataPlane{RecordOnly: dp.RecordOnly(), DrainTimeout: dp.DrainTimeout}
	return !dp.RecordOnly(), nil
}

// memberHealth sums up what the nodes that could be read last observed of a member: the worst
// health (with its reason), the sessions and rate over all of them, and each node's view when
// they differ. It reports false when no such node observed the member.
func memberHealth(mh db.MemberHealth) (templates.MemberHealth, bool) {
	var out templates.MemberHealth
	var views []string
	seen := false
	for _, o := range mh.Nodes {
		if !o.Fresh() {
			continue
		}
		health := string(o.Observed.Health)
		if !seen || templates.HealthWorse(health, out.Health) {
			out.Health, out.Reason = health, reasonOf(o.Observed)
		}
		seen = true
		out.Sessions += o.Observed.Sessions
		out.Rate += o.Observed.SessionRate
		views = append(views, fmt.Sprintf("%s: %s", o.Node.RuntimeAPI, o.Observed.Status))
	}
	if len(views) > 1 {
		out.Detail = strings.Join(views, "; ")
	}
	return out, seen
}

// reasonOf is why a server is down, or failing checks on its way down, in HAProxy's words:
// "Layer4 connection problem: Connection refused".
func reasonOf(o dataplane.Observed) string {
	if o.Health != dataplane.HealthDown && o.CheckHealth != dataplane.HealthDown {
		return ""
	}
	parts := make([]string, 0, 2)
	for _, p := range []string{o.CheckDesc, o.LastCheck} {
		if p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}

// drainNote is what a preview says of the servers a batch removes that still have sessions
// on the data plane: they drain first, for at most the group's drain timeout. Nil when none
// has any, or the load balancer is a record only.
func drainNote(m templates.GroupPage, d lb.Diff) *templates.DrainNote {
	if m.DataPlane.RecordOnly {
		return nil
	}
	n := &templates.DrainNote{Timeout: m.DataPlane.DrainTimeout}
	for _, r := range d.Removed {
		if s := m.DataPlane.Health[r.ID].Sessions; s > 0 {
			n.Servers = append(n.Servers, fmt.Sprintf("%s (%s)", memberName(r), plural(s, "session")))
			n.Sessions += s
		}
	}
	if len(n.Servers) == 0 {
		return nil
	}
	return n
}

func nodeRow(s db.NodeStatus) templates.NodeRow {
	return templates.NodeRow{RuntimeAPI: s.RuntimeAPI, Status: string(s.Status), Pending: s.Pending, Error: s.Error,
		UnreachableSince: s.UnreachableSince, InSyncSince: s.InSyncSince, DriftCorrectedAt: s.DriftCorrectedAt, LastPass: s.LastPass}
}

func nodeApplied(a db.NodeApplied) templates.NodeApplied {
	return templates.NodeApplied{Node: nodeRow(a.Node), AppliedAt: a.AppliedAt, Version: a.Version}
}
