package dataplane

import "lbconsole/dataplane/haproxy"

// OutcomeResult sums up an Outcome in one word, as a metric's label.
type OutcomeResult string

// What became of an operation.
const (
	ResultOK          OutcomeResult = "ok"          // applied
	ResultRefused     OutcomeResult = "refused"     // HAProxy refused it (retried by the next pass)
	ResultUnreachable OutcomeResult = "unreachable" // the node did not answer, even after retries
	ResultNotTried    OutcomeResult = "not-tried"   // an earlier failure stopped it
)

// Result sums up the outcome: ok, refused, unreachable or not-tried.
func (o Outcome) Result() OutcomeResult {
	switch {
	case o.Err == nil:
		return ResultOK
	case o.Attempts == 0:
		return ResultNotTried
	case haproxy.IsRefused(o.Err):
		return ResultRefused
	}
	return ResultUnreachable
}

// DriftCorrected counts the drift the pass found and corrected: the entries of Drift whose
// operations were all applied.
func (r Report) DriftCorrected() int {
	failed := map[string]bool{}
	for _, o := range r.Outcomes {
		if o.Op.Drift && o.Err != nil {
			failed[ServerKey(o.Op.Backend, o.Op.Server)] = true
		}
	}
	n := 0
	for _, d := range r.Drift {
		if !failed[ServerKey(d.Backend, d.Server)] {
			n++
		}
	}
	return n
}

// deletedAdopted lists the adopted names desired owns that the outcomes deleted.
func deletedAdopted(desired Desired, outcomes []Outcome) []Released {
	owned := map[string]Released{}
	for _, be := range desired.Backends {
		for _, a := range be.Adopt {
			owned[ServerKey(be.Name, a)] = Released{Backend: be.Name, Server: a}
		}
		for _, s := range be.Servers {
			if s.Adopted != "" {
				owned[ServerKey(be.Name, s.Adopted)] = Released{Backend: be.Name, Server: s.Adopted, MemberID: s.ID}
			}
		}
	}
	var out []Released
	for _, o := range outcomes {
		if r, ok := owned[ServerKey(o.Op.Backend, o.Op.Server)]; ok && o.Op.Kind == OpDelete && o.Err == nil {
			out = append(out, r)
		}
	}
	return out
}
