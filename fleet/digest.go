package fleet

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Digest fingerprints what the plan changes: the plan as Write prints it, and every object it
// creates, updates or deletes with all its fields (Write names a created object only by its
// id). A preview hands it to the apply that follows, so that what is applied is what was shown,
// not what the database has become since.
//
// A member batch counts by its entries and its diff as Write prints it; the diff's member ids
// and times are made up anew by every plan, so they are left out.
func (p Plan) Digest() string {
	h := sha256.New()
	// Write's errors are its writer's, and a hash never fails.
	_ = p.Write(h)
	entries := make([]any, len(p.Members))
	for i, b := range p.Members {
		entries[i] = []any{b.LoadBalancer, b.Group, b.Kind, b.Entries}
	}
	// Every value is a plain struct of strings, numbers and slices.
	_ = json.NewEncoder(h).Encode([]any{p.Regions, p.VPCs, p.Subnets, p.Servers, p.LoadBalancers, p.Groups, entries})
	return hex.EncodeToString(h.Sum(nil))
}
