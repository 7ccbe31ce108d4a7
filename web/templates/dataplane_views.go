package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// What the pages show of the data plane: the health HAProxy reports of each member, the
// servers leaving a group, and how each HAProxy node of a load balancer last found itself.

// GroupDataPlane is what the group page shows of the HAProxy nodes that carry the group.
type GroupDataPlane struct {
	// RecordOnly says that no node carries the group's load balancer: nothing is observed.
	RecordOnly bool
	Health     map[string]MemberHealth // by member id; a member nothing observed is absent
	Leaving    []LeavingRow
	// DrainTimeout bounds how long a removed server keeps its sessions.
	DrainTimeout time.Duration
}

// MemberHealth is what the nodes of its load balancer report of one member.
type MemberHealth struct {
	// Health is the worst the nodes report (see dataplane.Health): down, maint, drain,
	// checking, absent, no-check or up; "" when no node that could be read observed it.
	Health string
	// Reason is why it is down (or checked and failing), in HAProxy's words.
	Reason   string
	Sessions int // current sessions, over the nodes
	Rate     int // new sessions per second, over the nodes
	// Detail says more, for the tooltip: each node's view when they differ.
	Detail string
}

// healthRank orders healths worst first, for sorting and for combining nodes.
var healthRank = map[string]int{"down": 0, "maint": 1, "drain": 2, "checking": 3, "absent": 4, "no-check": 5, "up": 6, "": 7}

// HealthWorse reports whether health a is worse than b.
func HealthWorse(a, b string) bool { return healthRank[a] < healthRank[b] }

// Label is the health as HAProxy operators know it: UP, DOWN, DRAIN, MAINT, "no check".
func (h MemberHealth) Label() string {
	switch h.Health {
	case "up", "down", "drain", "maint":
		return strings.ToUpper(h.Health)
	case "no-check":
		return "no check"
	case "checking":
		return "checking"
	case "absent":
		return "adding"
	}
	return "—"
}

// Known reports whether a node that could be read observed the member.
func (h MemberHealth) Known() bool { return h.Health != "" }

// SortKey orders members worst first: a value for the table's data-sort hook.
func (h MemberHealth) SortKey() string { return strconv.Itoa(healthRank[h.Health]) }

// Load is the member's sessions and rate, compact: "3 · 12/s".
func (h MemberHealth) Load() string {
	if !h.Known() {
		return "—"
	}
	return fmt.Sprintf("%d · %d/s", h.Sessions, h.Rate)
}

// UnknownHealth says why a member's health is not shown.
func (d GroupDataPlane) UnknownHealth() string {
	if d.RecordOnly {
		return "record only: no HAProxy node carries this load balancer"
	}
	return "not observed: no node that could be read reports this server yet"
}

// LeavingRow is a server on its way out of the group's backend on one node.
type LeavingRow struct {
	Address  string
	Port     int
	Node     string // the node's Runtime API address
	Sessions int
	// Where says where it is: "draining: 3 sessions, 12 s left".
	Where string
}

// Label names the server by address and port.
func (l LeavingRow) Label() string {
	if l.Port == 0 {
		return l.Address
	}
	return l.Address + ":" + strconv.Itoa(l.Port)
}

// DrainNote is what a preview of a removal says about the servers that still have sessions.
type DrainNote struct {
	Servers  []string // the servers with live sessions, "i-abc:80 (3 sessions)"
	Timeout  time.Duration
	Sessions int
}

// Text says what happens to them.
func (n DrainNote) Text() string {
	who, it, ends := "1 server has", "it", "it once they end"
	if len(n.Servers) != 1 {
		who, it, ends = strconv.Itoa(len(n.Servers))+" servers have", "them", "each once its sessions end"
	}
	return fmt.Sprintf("%s %s: HAProxy drains %s first (no new requests; current ones go on) and deletes %s, or after at most %s (the group's drain timeout), when what remains is cut.",
		who, countOf(n.Sessions, "live session", "live sessions"), it, ends, Duration(n.Timeout))
}

// countOf is n with its noun: "1 live session", "3 live sessions".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Duration shows a duration the way the fleet file writes it: "30s", "1m30s", "500ms".
func Duration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return d.String()
}

// When shows a time as the pages do: UTC to the second.
func When(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// NodeRow is one HAProxy node of a load balancer and how its reconciler last found it.
type NodeRow struct {
	RuntimeAPI string
	// Status is the last pass's: in-sync, converging, drift-corrected, unreachable, held;
	// "" before the first.
	Status           string
	Pending          int
	Error            string
	UnreachableSince time.Time
	InSyncSince      time.Time
	DriftCorrectedAt time.Time
	LastPass         time.Time
}

// Summary says how the node is, in a sentence.
func (n NodeRow) Summary() string {
	switch n.Status {
	case "in-sync":
		return "in sync since " + When(n.InSyncSince)
	case "converging":
		s := "converging: " + countOf(n.Pending, "operation pending", "operations pending")
		if n.Error != "" {
			s += " — " + n.Error
		}
		return s
	case "drift-corrected":
		return "drift corrected at " + When(n.DriftCorrectedAt)
	case "unreachable":
		return "unreachable since " + When(n.UnreachableSince) + ": " + n.Error
	case "held":
		return "held: " + n.Error
	}
	return "waiting for its first pass"
}

// Class is the badge's class for the status: ok, warn or error.
func (n NodeRow) Class() string {
	switch n.Status {
	case "in-sync", "drift-corrected":
		return "ok"
	case "unreachable", "held":
		return "error"
	}
	return "warn"
}

// Label is the status in words, for the badge.
func (n NodeRow) Label() string {
	if n.Status == "" {
		return "not yet seen"
	}
	return strings.ReplaceAll(n.Status, "-", " ")
}

// NodeApplied is when one node applied a batch, or the node's status that says why not yet.
type NodeApplied struct {
	Node      NodeRow
	AppliedAt time.Time
	// Version is the group version the node was found on: the batch's, or a later one when
	// the node went past it between two passes.
	Version int64
}

// Applied reports whether the node runs the batch.
func (a NodeApplied) Applied() bool { return !a.AppliedAt.IsZero() }

func boolText(b bool) string { return strconv.FormatBool(b) }
