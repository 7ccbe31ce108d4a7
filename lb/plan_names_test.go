package lb

import "testing"

// A refusal about a member found by its id names the member as people know it, by server and
// address and port, never by the member id a form or a script named it by.
func TestRefusalsNameTheServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target func() Target
		batch  Batch
		want   string
	}{
		{"ErrWeightOutOfRange", fixture, Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("m-2"), 150)}},
			"i-web2 (10.0.1.12:80): weight 150 is out of range: it must be between 0 and 100"},
		{"ErrListedTwice", fixture, Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("m-2"), 5), weighted(mid("m-2"), 6)}},
			"i-web2 (10.0.1.12:80) is listed twice"},
		{"ErrNothingToSet", fixture, Batch{Action: ActionSetWeights, New: []Spec{mid("m-3")}},
			"i-web1 (10.0.1.11:8080): give a weight, a description, maintenance or backup to set"},
		{"ErrDescriptionTooLong", fixture, Batch{Action: ActionSetWeights, New: []Spec{described(mid("m-4"), string(make([]byte, 300)))}},
			"10.0.2.20:80: description"},
		{"ErrWeightOutOfRangeInTheDefaultList", defaultFixture, Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("d-1"), -1)}},
			"i-web1: weight -1 is out of range: it must be between 0 and 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Plan(tc.target(), tc.batch)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("Plan = %v; want a refusal", err)
			}
			if len(e.Message) < len(tc.want) || e.Message[:len(tc.want)] != tc.want {
				t.Errorf("the refusal says %q; want it to start %q", e.Message, tc.want)
			}
		})
	}
}
