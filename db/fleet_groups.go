package db

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// Changes to one VServer group for the APIs: the SLB API's SetVServerGroupAttribute (a new
// name) and DeleteVServerGroup, the REST API's pool delete. They are fleet changes (checked by
// the fleet validator, audited as update_group and delete_group) that speak the APIs' language:
// every refusal is an *lb.Error, and, as a batch's, is audited as refused.

// ActionDeleteGroup and ActionUpdateGroup are the audit actions of a group deleted or changed,
// through an API or a fleet file alike.
const (
	ActionDeleteGroup = "delete_group"
	ActionUpdateGroup = "update_group"
)

// RenameGroup gives a VServer group a new name. Its HAProxy backend keeps its old name: a new
// display name must not move traffic to another backend. It is refused (an *lb.Error) for a
// group that does not exist or is a default server list, a load balancer that is locked, and a
// name the rules refuse.
func (d *DB) RenameGroup(ctx context.Context, o Origin, groupID, name string) (fleet.Plan, error) {
	p, err := d.changeFleet(ctx, o, false, renamePlan(groupID, name))
	return p, d.auditGroupRefusal(ctx, o, ActionUpdateGroup, groupID, renameRequest(name), err)
}

// renamePlan plans giving a VServer group a new name, and nothing else.
func renamePlan(groupID, name string) func(current fleet.Document) (fleet.Plan, error) {
	return func(current fleet.Document) (fleet.Plan, error) {
		l, g, err := writableVServerGroup(current, groupID)
		if err != nil {
			return fleet.Plan{}, err
		}
		if err := checkGroupName(name); err != nil {
			return fleet.Plan{}, err
		}
		g.Backend = g.Effective().Backend
		g.Name, g.Members = name, nil
		l.Groups = []fleet.Group{g}
		p, err := fleet.ValidateAndPlan(current, fleet.Document{LoadBalancers: []fleet.LoadBalancer{l}}, false)
		return p, asRuleError(err, FieldGroupName)
	}
}

func renameRequest(name string) string { return `{"name":` + quoteJSON(name) + `}` }

// DeleteGroup deletes a VServer group and its members; the audit entry's before lists the
// members. It is refused (an *lb.Error) for a group that does not exist or is a default server
// list, and a load balancer that is locked.
func (d *DB) DeleteGroup(ctx context.Context, o Origin, groupID string) (fleet.Plan, error) {
	p, err := d.changeFleet(ctx, o, false, func(current fleet.Document) (fleet.Plan, error) {
		if _, _, err := writableVServerGroup(current, groupID); err != nil {
			return fleet.Plan{}, err
		}
		desired, _ := fleet.Without(current, fleet.KindGroup, groupID)
		p, err := fleet.MakePlan(current, desired, true)
		return p, asRuleError(err, lb.FieldGroup)
	})
	return p, d.auditGroupRefusal(ctx, o, ActionDeleteGroup, groupID, "{}", err)
}

// writableVServerGroup finds a VServer group that may change: the APIs know no default server
// list by a group id, and a locked load balancer accepts no change.
func writableVServerGroup(current fleet.Document, groupID string) (fleet.LoadBalancer, fleet.Group, error) {
	l, g, ok := findFleetGroup(current, groupID)
	if !ok || g.Kind != lb.KindVServer {
		return l, g, lb.Errorf(lb.KindNotFound, lb.FieldGroup, "server group %s does not exist", lb.Clip(groupID))
	}
	if err := lb.CheckWritable(lb.LoadBalancer{ID: l.ID, Status: l.Effective().Status}); err != nil {
		return l, g, err
	}
	return l, g, nil
}

// asRuleError words the fleet rules' problems as one *lb.Error of kind invalid, for the APIs,
// which answer every refusal from lb's kinds.
func asRuleError(err error, field string) error {
	var ps fleet.Problems
	if !errors.As(err, &ps) {
		return err
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return lb.Errorf(lb.KindInvalid, field, "%s", joinSentences(msgs))
}

// auditGroupRefusal records a refused change to a group, as a refused batch is recorded, and
// returns err. A failure that is not a refusal is returned as it is, unrecorded: nothing was
// decided.
func (d *DB) auditGroupRefusal(ctx context.Context, o Origin, action, groupID, request string, err error) error {
	if _, refused := lb.AsError(err); !refused {
		return err
	}
	req := BatchRequest{GroupRef: groupID, Batch: lb.Batch{Action: lb.Action(action)}, Actor: o.Actor, Source: o.Source,
		ClientIP: o.ClientIP, RequestID: o.RequestID, Request: request}
	if req.Source == "" {
		req.Source = SourceFleet
	}
	if _, auditErr := d.RecordRefusal(ctx, req, string(lb.ErrorKind(err)), err.Error()); auditErr != nil {
		return auditErr
	}
	return err
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// joinSentences joins messages into one line.
func joinSentences(msgs []string) string {
	return strings.Join(msgs, "; ")
}
