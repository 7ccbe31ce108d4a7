package slbapi

import "lbconsole/lb"

type vserverGroup struct {
	VServerGroupID   string `json:"VServerGroupId" xml:"VServerGroupId"`
	VServerGroupName string `json:"VServerGroupName" xml:"VServerGroupName"`
	ServerCount      int    `json:"ServerCount" xml:"ServerCount"`
	CreateTime       string `json:"CreateTime" xml:"CreateTime"`
}

type vserverGroupsAnswer struct {
	RequestID     string `json:"RequestId" xml:"RequestId"`
	VServerGroups struct {
		VServerGroup []vserverGroup `json:"VServerGroup" xml:"VServerGroup"`
	} `json:"VServerGroups" xml:"VServerGroups"`
}

// describeVServerGroups lists a load balancer's VServer groups (not its default server list).
func (a *api) describeVServerGroups(c *call) (any, error) {
	id, err := c.params.required("LoadBalancerId")
	if err != nil {
		return nil, err
	}
	if _, err := a.loadBalancer(c, id); err != nil {
		return nil, err
	}
	groups, err := a.db.ListGroups(c.ctx, id)
	if err != nil {
		return nil, err
	}
	ans := vserverGroupsAnswer{RequestID: c.requestID}
	ans.VServerGroups.VServerGroup = make([]vserverGroup, 0, len(groups))
	for _, g := range groups {
		if g.Kind == lb.KindVServer {
			ans.VServerGroups.VServerGroup = append(ans.VServerGroups.VServerGroup, vserverGroup{VServerGroupID: g.ID,
				VServerGroupName: g.Name, ServerCount: g.Members, CreateTime: g.Created.UTC().Format(timestampLayout)})
		}
	}
	return ans, nil
}

type vserverGroupAttributeAnswer struct {
	RequestID        string         `json:"RequestId" xml:"RequestId"`
	VServerGroupID   string         `json:"VServerGroupId" xml:"VServerGroupId"`
	VServerGroupName string         `json:"VServerGroupName" xml:"VServerGroupName"`
	LoadBalancerID   string         `json:"LoadBalancerId" xml:"LoadBalancerId"`
	CreateTime       string         `json:"CreateTime" xml:"CreateTime"`
	BackendServers   backendServers `json:"BackendServers" xml:"BackendServers"`
}

// describeVServerGroupAttribute shows one VServer group and its servers.
func (a *api) describeVServerGroupAttribute(c *call) (any, error) {
	id, err := c.params.required("VServerGroupId")
	if err != nil {
		return nil, err
	}
	v, err := a.group(c, "", id)
	if err != nil {
		return nil, err
	}
	return vserverGroupAttributeAnswer{RequestID: c.requestID, VServerGroupID: v.Group.ID, VServerGroupName: v.Group.Name,
		LoadBalancerID: v.LoadBalancer.ID, CreateTime: v.Group.Created.UTC().Format(timestampLayout),
		BackendServers: serversOf(v.LoadBalancer, v.Members)}, nil
}
