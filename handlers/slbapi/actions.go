package slbapi

import (
	"lbconsole/db"
	"lbconsole/lb"
)

// action is one Action of the API.
type action struct {
	// changes names the batch operation of the actions that change something (as the audit
	// log records it); a viewer's key may not call them. Empty for Describe actions.
	changes lb.Action
	run     func(a *api, c *call) (any, error)
}

// actions is the API's one route table, by Action name.
var actions = map[string]action{
	"DescribeLoadBalancers":            {run: (*api).describeLoadBalancers},
	"DescribeLoadBalancerAttribute":    {run: (*api).describeLoadBalancerAttribute},
	"DescribeVServerGroups":            {run: (*api).describeVServerGroups},
	"DescribeVServerGroupAttribute":    {run: (*api).describeVServerGroupAttribute},
	"DescribeHealthStatus":             {run: (*api).describeHealthStatus},
	"AddBackendServers":                {changes: lb.ActionAdd, run: (*api).addBackendServers},
	"SetBackendServers":                {changes: lb.ActionSetWeights, run: (*api).setBackendServers},
	"RemoveBackendServers":             {changes: lb.ActionRemove, run: (*api).removeBackendServers},
	"CreateVServerGroup":               {changes: db.ActionCreateGroup, run: (*api).createVServerGroup},
	"AddVServerGroupBackendServers":    {changes: lb.ActionAdd, run: (*api).addVServerGroupBackendServers},
	"SetVServerGroupAttribute":         {changes: lb.ActionSetWeights, run: (*api).setVServerGroupAttribute},
	"RemoveVServerGroupBackendServers": {changes: lb.ActionRemove, run: (*api).removeVServerGroupBackendServers},
	"ModifyVServerGroupBackendServers": {changes: lb.ActionReplace, run: (*api).modifyVServerGroupBackendServers},
	"DeleteVServerGroup":               {changes: db.ActionDeleteGroup, run: (*api).deleteVServerGroup},
}
