package templates

import (
	"fmt"
	"slices"

	"lbconsole/lb"
)

// Op is one of the group page's operations on its servers, as the batch form's buttons post it
// in the op field. It is the console's vocabulary, not the domain's: draining is setting the
// weight to 0, and the inline editor sets one member's weight. It lives with the pages, whose
// buttons, previews and messages speak it, and the handlers read it from here and turn it into
// the domain's lb.Batch.
type Op string

// The operations.
const (
	OpRemove  Op = "remove"
	OpDrain   Op = "drain"
	OpWeights Op = "weights"
	OpAdd     Op = "add"
	OpReplace Op = "replace"
	// OpMaintenance puts the selected members in maintenance: no traffic at all, HAProxy's
	// MAINT. OpEnable takes them out.
	OpMaintenance Op = "maintenance"
	OpEnable      Op = "enable"
	// OpInline is one member's weight, edited in its row. The batch form never posts it; the
	// audit log records it as the request's op.
	OpInline Op = "inline"
)

// BatchOps are the operations the batch form may post.
var BatchOps = []Op{OpRemove, OpDrain, OpWeights, OpAdd, OpReplace, OpMaintenance, OpEnable}

// ParseOp reads the batch form's op; it reports false for anything the form does not offer.
func ParseOp(s string) (Op, bool) {
	op := Op(s)
	return op, slices.Contains(BatchOps, op)
}

// NeedsSelection reports whether the operation works on members selected in the table.
func (o Op) NeedsSelection() bool { return o != OpAdd }

// NeedsPicked reports whether the operation works on servers picked from the inventory.
func (o Op) NeedsPicked() bool { return o == OpAdd || o == OpReplace }

// Action is the domain's batch action that carries the operation out.
func (o Op) Action() lb.Action {
	switch o {
	case OpRemove:
		return lb.ActionRemove
	case OpAdd:
		return lb.ActionAdd
	case OpReplace:
		return lb.ActionReplace
	case OpMaintenance, OpEnable:
		return lb.ActionSetMaintenance
	}
	return lb.ActionSetWeights // drain, weights and inline set weights
}

// Done says what an applied batch of this operation did, as the start of a sentence that names
// the servers: "Removed 3 servers: …".
func (o Op) Done() string {
	switch o {
	case OpRemove:
		return "Removed"
	case OpDrain:
		return "Drained"
	case OpAdd:
		return "Added"
	case OpReplace:
		return "Replaced"
	case OpMaintenance:
		return "Put in maintenance"
	case OpEnable:
		return "Took out of maintenance"
	}
	return "Set the weight of"
}

// title says what a preview of the operation would do.
func (o Op) title(d lb.Diff, weight string) string {
	switch o {
	case OpRemove:
		return "Remove " + Servers(len(d.Removed))
	case OpDrain:
		return "Drain " + Servers(len(d.Changed)) + " (weight 0)"
	case OpAdd:
		return "Add " + Servers(len(d.Added))
	case OpReplace:
		return fmt.Sprintf("Replace %s with %d", Servers(len(d.Removed)), len(d.Added))
	case OpMaintenance:
		return "Put " + Servers(len(d.Changed)) + " in maintenance (no traffic at all)"
	case OpEnable:
		return "Take " + Servers(len(d.Changed)) + " out of maintenance"
	}
	return fmt.Sprintf("Set the weight of %s to %s", Servers(len(d.Changed)), weight)
}
