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

// setVServerGroupAttribute changes the weights and descriptions of servers in a VServer group.
// Renaming is not supported: a VServerGroupName other than the group's is refused rather than
// ignored.
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
	if name != "" && name != v.Group.Name {
		return nil, invalidParameter("VServerGroupName: renaming a VServer group is not supported; group %s keeps the name %q", id, v.Group.Name)
	}
	res := db.BatchResult{LoadBalancer: v.LoadBalancer, Group: v.Group, Members: v.Members}
	if list != "" {
		specs, err := c.servers("BackendServers", lb.KindVServer)
		if err != nil {
			return nil, err
		}
		if res, err = a.apply(c, v, lb.Batch{Action: lb.ActionSetWeights, New: specs}); err != nil {
			return nil, err
		}
	}
	ans := answerGroup(c, res)
	ans.VServerGroupName = res.Group.Name
	return ans, nil
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
	v, err := a.group(c, "", id)
	if err != nil {
		return nil, err
	}
	res, err := a.apply(c, v, batch(specs))
	if err != nil {
		return nil, err
	}
	return answerGroup(c, res), nil
}
