package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// The audit log's actions for fleet objects are the verb and the kind: create_region,
// update_load_balancer, delete_server, create_group (as the SLB API's CreateVServerGroup), …
// Member lists are audited as replace_all batches, like the REST API's.

// auditPlace is where an object sits, as the audit log's columns name it.
type auditPlace struct {
	name         string // in messages: the id, and for a group its load balancer
	region       string
	loadBalancer string
	group        string
	server       string
}

// objectChange is an object before and after a change, as the audit entry's request records
// it: absent before a create, absent after a delete, in the fleet file's own terms.
type objectChange struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// record appends the audit entry of one object's change; a seeding applier records nothing.
// The message is the plan's line for the change, so that the audit list and its CSV say what
// changed; the request holds the object before and after. A deleted group's members, gone with
// it, are its entry's before, as a batch that removed them would record them.
func (a *fleetApplier) record(ctx context.Context, verb string, kind fleet.Kind, at auditPlace, before, after any, fields []fleet.FieldChange, gone []lb.Member) error {
	if a.o == nil {
		return nil
	}
	request, err := json.Marshal(objectChange{Before: shownObject(before), After: shownObject(after)})
	if err != nil {
		return fmt.Errorf("db: unable to record %s %s: %w", kind.Human(), at.name, err)
	}
	e := AuditEntry{
		Time:         a.d.now().UTC().Truncate(time.Microsecond),
		Actor:        a.o.Actor,
		Source:       a.o.Source,
		ClientIP:     a.o.ClientIP,
		RequestID:    a.o.RequestID,
		Action:       verb + "_" + string(kind),
		Region:       at.region,
		LoadBalancer: at.loadBalancer,
		Group:        at.group,
		Outcome:      OutcomeOK,
		Message:      changeMessage(verb, kind, at.name, fields),
		Request:      string(request),
		Before:       membersJSON(gone),
		After:        "[]",
	}
	if at.server != "" {
		e.Servers, e.Count = at.server, 1
	} else if len(gone) > 0 {
		e.Servers, e.Count = diffServers(lb.Diff{Removed: gone})
	}
	_, err = a.d.appendAudit(ctx, a.tx, e)
	return err
}

// changeMessage words a change as fleet.Plan.Write prints it:
//
//	update load balancer lb-web: name "web" → "web2", status "active" → "inactive"
func changeMessage(verb string, kind fleet.Kind, name string, fields []fleet.FieldChange) string {
	msg := verb + " " + kind.Human() + " " + name
	if len(fields) == 0 {
		return msg
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%s %s → %s", f.Field, quoted(f.Old), quoted(f.New))
	}
	return msg + ": " + strings.Join(parts, ", ")
}

func quoted(v string) string {
	if v == "" {
		return "(none)"
	}
	return strconv.Quote(v)
}

// placedGroup is a group with its load balancer, as the audit log records it.
type placedGroup struct {
	LoadBalancer string `json:"load_balancer"`
	fleet.Group
}

// shownObject is an object as the audit entry's request records it: a group names its load
// balancer in the file's words.
func shownObject(v any) any {
	if g, ok := v.(fleet.PlacedGroup); ok {
		return placedGroup{g.LoadBalancer, g.Group}
	}
	return v
}
