package slbapi

import "lbconsole/lb"

// defaultListAnswer answers the actions on a load balancer's default server list with the
// servers it holds after the change.
type defaultListAnswer struct {
	RequestID      string         `json:"RequestId" xml:"RequestId"`
	LoadBalancerID string         `json:"LoadBalancerId" xml:"LoadBalancerId"`
	BackendServers backendServers `json:"BackendServers" xml:"BackendServers"`
}

// addBackendServers adds servers to the default server list; one already there is an error.
func (a *api) addBackendServers(c *call) (any, error) {
	return a.changeDefaultList(c, lb.ActionAdd)
}

// setBackendServers changes the weights and descriptions of servers in the default list.
func (a *api) setBackendServers(c *call) (any, error) {
	return a.changeDefaultList(c, lb.ActionSetWeights)
}

// removeBackendServers takes servers out of the default list; ones not in it are ignored, as
// the cloud documents, and the answer lists what remains.
func (a *api) removeBackendServers(c *call) (any, error) {
	return a.changeDefaultList(c, lb.ActionRemove)
}

func (a *api) changeDefaultList(c *call, action lb.Action) (any, error) {
	lbID, err := c.params.required("LoadBalancerId")
	if err != nil {
		return nil, err
	}
	specs, err := c.servers("BackendServers", lb.KindDefault)
	if err != nil {
		return nil, err
	}
	v, err := a.groupHead(c, lbID, lb.DefaultGroupRef)
	if err != nil {
		return nil, err
	}
	b := lb.Batch{Action: action, New: specs}
	if action == lb.ActionRemove {
		b.Old, b.New = specs, nil
	}
	res, err := a.apply(c, v, b)
	if err != nil {
		return nil, err
	}
	return defaultListAnswer{RequestID: c.requestID, LoadBalancerID: res.LoadBalancer.ID, BackendServers: serversOf(res.LoadBalancer, res.Members)}, nil
}
