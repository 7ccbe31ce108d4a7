package slbapi

// action is one Action of the API.
type action struct {
	// changes marks the actions that change something: a viewer's key may not call them.
	changes bool
	run     func(a *api, c *call) (any, error)
}

// actions is the API's one route table, by Action name.
var actions = map[string]action{
	"DescribeLoadBalancers":            {run: (*api).describeLoadBalancers},
	"DescribeLoadBalancerAttribute":    {run: (*api).describeLoadBalancerAttribute},
	"DescribeVServerGroups":            {run: (*api).describeVServerGroups},
	"DescribeVServerGroupAttribute":    {run: (*api).describeVServerGroupAttribute},
	"AddBackendServers":                {changes: true, run: (*api).addBackendServers},
	"SetBackendServers":                {changes: true, run: (*api).setBackendServers},
	"RemoveBackendServers":             {changes: true, run: (*api).removeBackendServers},
	"CreateVServerGroup":               {changes: true, run: (*api).createVServerGroup},
	"AddVServerGroupBackendServers":    {changes: true, run: (*api).addVServerGroupBackendServers},
	"SetVServerGroupAttribute":         {changes: true, run: (*api).setVServerGroupAttribute},
	"RemoveVServerGroupBackendServers": {changes: true, run: (*api).removeVServerGroupBackendServers},
	"ModifyVServerGroupBackendServers": {changes: true, run: (*api).modifyVServerGroupBackendServers},
}
