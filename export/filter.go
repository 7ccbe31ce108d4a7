package export

import (
	"time"

	"lbconsole/db"
	"lbconsole/lb"
)

// Params are the audit filters as people write them: the audit page's query parameters and
// the flags of `console audit export` (actor, source, action, lb, group, outcome, since,
// until). Empty ones select everything.
type Params struct {
	Actor, Source, Action, LoadBalancer, Group, Outcome string
	// Since and Until bound the time: since is inclusive, until exclusive. Each is an RFC
	// 3339 time, or a date or a date and time without a zone, read as UTC.
	Since, Until string
}

// timeLayouts are what Since and Until accept: RFC 3339, what a datetime-local input sends
// (with or without seconds), and a date, from its midnight.
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// Filter reads p into the store's filter. It is the one reading of the audit filters, for the
// audit page, its CSV download and `console audit export`, so that the same words select the
// same entries everywhere. A refusal is an *lb.Error whose Field names the parameter.
func Filter(p Params) (db.AuditFilter, error) {
	f := db.AuditFilter{Actor: p.Actor, Source: p.Source, Action: p.Action, LoadBalancer: p.LoadBalancer,
		Group: p.Group, Outcome: p.Outcome}
	var err error
	if f.Since, err = filterTime("since", p.Since); err != nil {
		return f, err
	}
	if f.Until, err = filterTime("until", p.Until); err != nil {
		return f, err
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, lb.Errorf(lb.KindInvalid, "until", "until %q must be later than since %q: no entry is in between", p.Until, p.Since)
	}
	return f, nil
}

func filterTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, lb.Errorf(lb.KindInvalid, name,
		"%s must be a date (2006-01-02) or a time (2006-01-02T15:04:05Z), not %q", name, s)
}
