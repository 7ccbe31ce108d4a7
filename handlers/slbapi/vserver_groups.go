package slbapi

import (
	"lbconsole/db"
	"lbconsole/lb"
)

// groupAnswer answers the actions on a VServer group with the servers it holds after the
// change.
type groupAnswer struct {
	RequestID        string         `json:"RequestId" xml:"RequestId"`
	VServerGroupID   string         `json:"VServerGroupId" xml:"VServerGroupId"`
	VServerGroupName string         `json:"VServerGroupName,omitempty" xml:"VServerGroupName,omitempty"`
	BackendServers   backendServers `json:"BackendServers" xml:"BackendServers"`
}

func answerGroup(c *call, res db.BatchResult) groupAnswer {
	return groupAnswer{RequestID: c.requestID, VServerGroupID: res.Group.ID, BackendServers: serversOf(res.LoadBalancer, res.Members)}
}

// createVServerGroup creates a VServer group, with its first servers if given, in one audited
// transaction. Without a VServerGroupName the group is named by its id.
func (a *api) createVServerGroup(c *call) (any, error) {
	lbID, err := c.params.required("LoadBalancerId")
	if err != nil {
		return nil, err
	}
	var specs []lb.Spec
	if raw := c.params["BackendServers"]; raw != "" {
		if specs, err = parseBackendServers("BackendServers", raw, lb.KindVServer); err != nil {
			return nil, err
		}
	}
	if _, err := a.loadBalancer(c, lbID); err != nil {
		return nil, err
	}
	req := db.CreateGroupRequest{LoadBalancerID: lbID, Name: c.params["VServerGroupName"],
		Batch: lb.Batch{New: specs, Limit: lb.MaxSLBEntries, DefaultWeight: lb.DefaultWeight, DescriptionLimit: lb.MaxDescriptionLen},
		Actor: c.user.Name, Source: db.SourceSLBAPI, ClientIP: c.clientIP, RequestID: c.requestID, Request: c.params.auditText()}
	res, err := a.db.CreateVServerGroup(c.ctx, req)
	if _, refused := lb.AsError(err); err == nil || refused {
		c.audited = true
	}
	a.logBatch(c, res.Seq, err)
	if err != nil {
		return nil, err
	}
	return answerGroup(c, res), nil
}

// addVServerGroupBackendServers adds servers (ServerId and Port) to a VServer group.
func (a *api) addVServerGroupBackendServers(c *call) (any, error) {
	return a.changeGroup(c, "BackendServers", func(specs []lb.Spec) lb.Batch { return lb.Batch{Action: lb.ActionAdd, New: specs} })
}

// removeVServerGroupBackendServers takes servers out of a VServer group; ones not in it are
// ignored, as in RemoveBackendServers.
func (a *api) removeVServerGroupBackendServers(c *call) (any, error) {
	return a.changeGroup(c, "BackendServers", func(specs []lb.Spec) lb.Batch { return lb.Batch{Action: lb.ActionRemove, Old: specs} })
}

// modifyVServerGroupBackendServers replaces OldBackendServers with NewBackendServers in one
// step. Every old server must be in the group: a replacement that removes nothing is a
// mistake worth hearing about.
func (a *api) modifyVServerGroupBackendServers(c *call) (any, error) {
	if _, err := c.params.required("VServerGroupId"); err != nil {
		return nil, err
	}
	old, err := c.servers("OldBackendServers", lb.KindVServer)
	if err != nil {
		return nil, err
	}
	return a.changeGroup(c, "NewBackendServers", func(specs []lb.Spec) lb.Batch {
		return lb.Batch{Action: lb.ActionReplace, Old: old, New: specs, Strict: true}
	})
}

// setVServerGroupAttribute changes the weights and descriptions of servers in a VServer group,
// and renames it when VServerGroupName differs from its name; given both, both apply or
// neither does. A rename keeps the group's HAProxy backend, so that no traffic moves.
func (a *api) setVServerGroupAttribute(c *call) (any, error) {
	id, err := c.params.required("VServerGroupId")
	if err != nil {
		return nil, err
	}
	name, list := c.params["VServerGroupName"], c.params["BackendServers"]
	if list == "" && name == "" {
		return nil, missingParameter("BackendServers")
	}
	v, err := a.group(c, "", id)
	if err != nil {
		return nil, err
	}
	if name == v.Group.Name {
		name = ""
	}
	var res db.BatchResult
	switch {
	case list == "":
		res, err = a.renameGroup(c, v, name)
	default:
		res, err = a.setGroupAttribute(c, v, name)
	}
	if err != nil {
		return nil, err
	}
	ans := answerGroup(c, res)
	ans.VServerGroupName = res.Group.Name
	return ans, nil
}

// renameGroup gives the group a new name, audited as update_group.
func (a *api) renameGroup(c *call, v db.GroupView, name string) (db.BatchResult, error) {
	_, err := a.db.RenameGroup(c.ctx, c.auditOrigin(), v.Group.ID, name)
	a.noteAudited(c, err)
	if err != nil {
		return db.BatchResult{}, err
	}
	v.Group.Name = name
	return db.BatchResult{LoadBalancer: v.LoadBalancer, Group: v.Group, Members: v.Members}, nil
}

// setGroupAttribute applies new weights and, when name is set, the new name in one step.
func (a *api) setGroupAttribute(c *call, v db.GroupView, name string) (db.BatchResult, error) {
	specs, err := c.servers("BackendServers", lb.KindVServer)
	if err != nil {
		return db.BatchResult{}, err
	}
	if name == "" {
		return a.apply(c, v, lb.Batch{Action: lb.ActionSetWeights, New: specs})
	}
	b := lb.Batch{Action: lb.ActionSetWeights, New: specs, Limit: lb.MaxSLBEntries, DefaultWeight: lb.DefaultWeight, DescriptionLimit: lb.MaxDescriptionLen}
	res, err := a.db.SetGroupAttribute(c.ctx, c.origin(db.BatchRequest{LoadBalancerID: v.LoadBalancer.ID, GroupRef: v.Group.ID, Batch: b}), name)
	a.noteAudited(c, err)
	a.logBatch(c, res.Seq, err)
	return res, err
}

// deleteVServerGroup deletes a VServer group with its servers, as the cloud does: it refuses
// only a group that a listener uses (RspoolVipExist), and here no listener uses any. The
// audit entry (delete_group) lists the servers the group held.
func (a *api) deleteVServerGroup(c *call) (any, error) {
	id, err := c.params.required("VServerGroupId")
	if err != nil {
		return nil, err
	}
	v, err := a.groupHead(c, "", id)
	if err != nil {
		return nil, err
	}
	_, err = a.db.DeleteGroup(c.ctx, c.auditOrigin(), v.Group.ID)
	a.noteAudited(c, err)
	if err != nil {
		return nil, err
	}
	return requestAnswer{RequestID: c.requestID}, nil
}

// requestAnswer is the answer of an action that returns nothing but its request id.
type requestAnswer struct {
	RequestID string `json:"RequestId" xml:"RequestId"`
}

// auditOrigin is who asks, for the store's fleet changes, which audit themselves.
func (c *call) auditOrigin() db.Origin {
	return db.Origin{Actor: c.user.Name, Source: db.SourceSLBAPI, ClientIP: c.clientIP, RequestID: c.requestID}
}

// noteAudited records that the store audited the call: it did when it applied or refused it.
func (a *api) noteAudited(c *call, err error) {
	_, refused := lb.AsError(err)
	c.audited = err == nil || refused
}

// changeGroup reads the group and the server list named list, and applies the batch that
// batch makes of them.
func (a *api) changeGroup(c *call, list string, batch func([]lb.Spec) lb.Batch) (any, error) {
	id, err := c.params.required("VServerGroupId")
	if err != nil {
		return nil, err
	}
	specs, err := c.servers(list, lb.KindVServer)
	if err != nil {
		return nil, err
	}
	v, err := a.groupHead(c, "", id)
	if err != nil {
		return nil, err
	}
	res, err := a.apply(c, v, batch(specs))
	if err != nil {
		return nil, err
	}
	return answerGroup(c, res), nil
}
