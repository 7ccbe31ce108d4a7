package slbapi

import (
	"lbconsole/db"
	"lbconsole/lb"
)

// healthServer is one backend server's health as DescribeHealthStatus answers it.
type healthServer struct {
	ServerID           string `json:"ServerId" xml:"ServerId"`
	ServerIP           string `json:"ServerIp" xml:"ServerIp"`
	Port               int    `json:"Port" xml:"Port"`
	ServerHealthStatus string `json:"ServerHealthStatus" xml:"ServerHealthStatus"`
	Type               string `json:"Type" xml:"Type"`
	VpcID              string `json:"VpcId,omitempty" xml:"VpcId,omitempty"`
}

type healthStatusAnswer struct {
	RequestID      string `json:"RequestId" xml:"RequestId"`
	BackendServers struct {
		BackendServer []healthServer `json:"BackendServer" xml:"BackendServer"`
	} `json:"BackendServers" xml:"BackendServers"`
}

// describeHealthStatus answers the health of every backend server of a load balancer (its
// default server list and its VServer groups) as its HAProxy nodes last observed it: normal
// when the health check passes, abnormal when it fails, unavailable when no check has
// concluded (none yet, in maintenance, a node that cannot be read, or a load balancer that is
// a record only). lbconsole has no listeners: a ListenerPort is checked and every server of
// the load balancer is answered, with the port HAProxy reaches it on.
func (a *api) describeHealthStatus(c *call) (any, error) {
	id, err := c.params.required("LoadBalancerId")
	if err != nil {
		return nil, err
	}
	if _, err := c.params.integer("ListenerPort", 0, 1, 65535); err != nil {
		return nil, err
	}
	l, err := a.loadBalancer(c, id)
	if err != nil {
		return nil, err
	}
	groups, err := a.db.ListGroups(c.ctx, l.ID)
	if err != nil {
		return nil, err
	}
	ans := healthStatusAnswer{RequestID: c.requestID}
	ans.BackendServers.BackendServer = []healthServer{}
	for _, g := range groups {
		servers, err := a.groupHealth(c, l, g.Group)
		if err != nil {
			return nil, err
		}
		ans.BackendServers.BackendServer = append(ans.BackendServers.BackendServer, servers...)
	}
	return ans, nil
}

// groupHealth is the health of one group's servers.
func (a *api) groupHealth(c *call, l lb.LoadBalancer, g lb.Group) ([]healthServer, error) {
	members, err := a.db.ListMembers(c.ctx, g.ID)
	if err != nil {
		return nil, err
	}
	health, err := a.db.MemberHealth(c.ctx, g.ID)
	if err != nil {
		return nil, err
	}
	dp, err := a.db.GroupDataPlane(c.ctx, g.ID)
	if err != nil {
		return nil, err
	}
	out := make([]healthServer, 0, len(members))
	for _, m := range members {
		out = append(out, healthServer{ServerID: m.ServerID, ServerIP: m.Address, Port: portOf(m, dp), Type: string(m.Type),
			VpcID: l.VpcID, ServerHealthStatus: string(health[m.ID].SLBHealth())})
	}
	return out, nil
}

// portOf is the port HAProxy reaches member m on: its own, or in the default server list the
// group's default port (0 when the group has none).
func portOf(m lb.Member, dp db.GroupDataPlane) int {
	if m.Port != 0 {
		return m.Port
	}
	return dp.DefaultPort
}
