package templates

import (
	"testing"

	"lbconsole/lb"
)

// TestOps pins what each of the group page's operations posts, needs and does.
func TestOps(t *testing.T) {
	for _, tt := range []struct {
		wire              string
		action            lb.Action
		selection, picked bool
	}{
		{"remove", lb.ActionRemove, true, false},
		{"drain", lb.ActionSetWeights, true, false},
		{"weights", lb.ActionSetWeights, true, false},
		{"add", lb.ActionAdd, false, true},
		{"replace", lb.ActionReplace, true, true},
		{"maintenance", lb.ActionSetMaintenance, true, false},
		{"enable", lb.ActionSetMaintenance, true, false},
	} {
		t.Run(tt.wire, func(t *testing.T) {
			op, ok := ParseOp(tt.wire)
			if !ok || string(op) != tt.wire {
				t.Fatalf("ParseOp(%q) = %q, %v", tt.wire, op, ok)
			}
			if op.Action() != tt.action || op.NeedsSelection() != tt.selection || op.NeedsPicked() != tt.picked {
				t.Errorf("%s: action %s, needs selection %v, picked %v; want %s, %v, %v",
					op, op.Action(), op.NeedsSelection(), op.NeedsPicked(), tt.action, tt.selection, tt.picked)
			}
		})
	}
	for _, s := range []string{"inline", "", "Remove", "explode"} {
		if _, ok := ParseOp(s); ok {
			t.Errorf("ParseOp(%q) accepted an op the batch form does not offer", s)
		}
	}
}
