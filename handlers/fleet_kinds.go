package handlers

import (
	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// objectKind is one kind of fleet object as the admin pages show and change it.
type objectKind struct {
	// path names the kind in URLs: its pages are /fleet/<path> and /fleet/<path>/<id>.
	path string
	kind fleet.Kind
	// list is the fleet file's list of the kind.
	list      string
	one, many string // "Region", "Regions"
	specs     []fieldSpec
	// listHref, when set, is where the objects are listed a page at a time (servers, load
	// balancers, which may be a hundred thousand): the kind's own page only adds one.
	listHref string
	// table lists the objects on the kind's page, when listHref does not.
	table func(nets fleet.Document) *templates.FleetTable
	// object is the one object of a document that holds one of the kind.
	object func(doc fleet.Document) any
	// confirm asks for the id to be typed before a delete, which takes more with it.
	confirm bool
	// deleteNote says when a delete is refused, or what goes with it.
	deleteNote string
}

// editURL is the address of one object's edit page.
func (k *objectKind) editURL(id string) string { return "/fleet/" + k.path + "/" + id }

const idHelp = "letters, digits, -, _ and . (1 to 64 characters); it cannot change later"

func idSpec(example string) fieldSpec {
	return fieldSpec{name: "id", label: "ID", input: "text", placeholder: example, help: idHelp, required: true, fixed: true}
}

func nameSpec() fieldSpec {
	return fieldSpec{name: "name", label: "Name", input: "text", required: true}
}

// objectKinds are the kinds with admin pages of their own, in the order they depend on each
// other. Groups live on their load balancer's pages (see groupSpecs).
var objectKinds = []*objectKind{
	{
		path: "regions", kind: fleet.KindRegion, list: "regions", one: "Region", many: "Regions",
		specs: []fieldSpec{idSpec("eu-west-1"), nameSpec()},
		table: func(nets fleet.Document) *templates.FleetTable {
			return fleetTable("Regions", []string{"ID", "Name"}, nets.Regions, func(r fleet.Region) (string, []string) {
				return r.ID, []string{r.Name}
			}, "/fleet/regions/")
		},
		object:     func(d fleet.Document) any { return d.Regions[0] },
		deleteNote: "A region is deleted only when no VPC or load balancer is in it.",
	},
	{
		path: "vpcs", kind: fleet.KindVPC, list: "vpcs", one: "VPC", many: "VPCs",
		specs: []fieldSpec{idSpec("vpc-prod"),
			{name: "region", label: "Region", input: "select", options: regionChoices, required: true}, nameSpec(),
			{name: "cidr", label: "IPv4 CIDR", input: "text", placeholder: "10.20.0.0/16", required: true}},
		table: func(nets fleet.Document) *templates.FleetTable {
			return fleetTable("VPCs", []string{"ID", "Region", "Name", "CIDR"}, nets.VPCs, func(v fleet.VPC) (string, []string) {
				return v.ID, []string{v.Region, v.Name, v.CIDR}
			}, "/fleet/vpcs/")
		},
		object:     func(d fleet.Document) any { return d.VPCs[0] },
		deleteNote: "A VPC is deleted only when no subnet or load balancer is in it.",
	},
	{
		path: "subnets", kind: fleet.KindSubnet, list: "subnets", one: "Subnet", many: "Subnets",
		specs: []fieldSpec{idSpec("vsw-a"),
			{name: "vpc", label: "VPC", input: "select", options: vpcChoices, required: true}, nameSpec(),
			{name: "cidr", label: "IPv4 CIDR", input: "text", placeholder: "10.20.1.0/24", help: "inside the VPC's, clear of its other subnets", required: true}},
		table: func(nets fleet.Document) *templates.FleetTable {
			return fleetTable("Subnets", []string{"ID", "VPC", "Name", "CIDR"}, nets.Subnets, func(s fleet.Subnet) (string, []string) {
				return s.ID, []string{s.VPC, s.Name, s.CIDR}
			}, "/fleet/subnets/")
		},
		object:     func(d fleet.Document) any { return d.Subnets[0] },
		deleteNote: "A subnet is deleted only when no server, and no member given by address, is in it.",
	},
	{
		path: "servers", kind: fleet.KindServer, list: "servers", one: "Server", many: "Servers", listHref: "/servers",
		specs: []fieldSpec{idSpec("i-web-1"),
			{name: "name", label: "Name", input: "text"},
			{name: "address", label: "Private IPv4 address", input: "text", placeholder: "10.20.1.11", help: "inside its subnet", required: true},
			{name: "subnet", label: "Subnet", input: "select", options: subnetChoices, required: true},
			{name: "type", label: "Type", input: "select", options: choices(string(lb.TypeECS), string(lb.TypeENI), string(lb.TypeECI))},
			{name: "status", label: "Status", input: "select", options: choices(string(lb.StatusRunning), string(lb.StatusStopped))}},
		object:     func(d fleet.Document) any { return d.Servers[0] },
		deleteNote: "A server is deleted only when it is in no group.",
	},
	{
		path: "lbs", kind: fleet.KindLoadBalancer, list: "load_balancers", one: "Load balancer", many: "Load balancers", listHref: "/lbs",
		specs: []fieldSpec{idSpec("lb-web"), nameSpec(),
			{name: "region", label: "Region", input: "select", options: regionChoices, required: true},
			{name: "vpc", label: "VPC", input: "select", options: vpcChoices, help: "in the load balancer's region", required: true},
			{name: "address", label: "Address", input: "text", placeholder: "203.0.113.10", required: true},
			{name: "address_type", label: "Address type", input: "select", options: choices(fleet.AddressInternet, fleet.AddressIntranet),
				help: "an intranet address lies inside the VPC"},
			{name: "status", label: "Status", input: "select", options: choices(string(lb.LBActive), string(lb.LBInactive), string(lb.LBLocked)),
				help: "a locked load balancer accepts no change"},
			{name: "dataplane.haproxy.runtime_api", label: "HAProxy nodes (Runtime API)", input: "textarea", value: linesValue,
				placeholder: "unix:/run/haproxy/admin.sock\ntcp:127.0.0.1:9999",
				help:        "one a line, unix:/absolute/path or tcp:host:port; none makes the load balancer a record only"}},
		object:     func(d fleet.Document) any { return d.LoadBalancers[0] },
		confirm:    true,
		deleteNote: "Its groups and their members are deleted with it. A locked load balancer is not deleted: unlock it first.",
	},
}

// groupSpecs are the inputs of a group's form.
var groupSpecs = []fieldSpec{idSpec("rsp-web-http"), nameSpec(),
	{name: "kind", label: "Kind", input: "select", options: choices(string(lb.KindVServer), string(lb.KindDefault)), fixed: true,
		help: "vserver: members with ports (a pool in the REST API); default: the default server list, at most one"},
	{name: "backend", label: "HAProxy backend", input: "text", help: "default: the group's name when it is created; a rename keeps it"},
	{name: "default_port", label: "Default port", input: "number", value: numberValue,
		help: "the port of members without one (the default list's); required for a default list with a data plane"},
	{name: "health_check.type", label: "Health check", input: "select", options: choices(fleet.CheckTCP, fleet.CheckHTTP)},
	{name: "health_check.path", label: "Health check path", input: "text", placeholder: fleet.DefaultCheckPath, help: "http checks only"},
	{name: "health_check.interval", label: "Check interval", input: "text", placeholder: fleet.DefaultCheckInterval.String()},
	{name: "health_check.rise", label: "Rise", input: "number", value: numberValue, placeholder: "2", help: "passed checks before a member is up"},
	{name: "health_check.fall", label: "Fall", input: "number", value: numberValue, placeholder: "3", help: "failed checks before a member is down"},
	{name: "drain_timeout", label: "Drain timeout", input: "text", placeholder: fleet.DefaultDrainTimeout.String(),
		help: "how long a removed member keeps its sessions"},
}

// fleetTable lists objects, each linking to its edit page at base+id.
func fleetTable[T any](caption string, columns []string, list []T, row func(T) (string, []string), base string) *templates.FleetTable {
	t := &templates.FleetTable{Caption: caption, Columns: columns, Empty: "None yet."}
	for _, v := range list {
		id, cells := row(v)
		t.Rows = append(t.Rows, templates.FleetRow{ID: id, Href: base + id, Cells: cells})
	}
	return t
}
