package fleet

import (
	"lbconsole/lb"
)

// Document is a whole fleet file: the desired state of everything it names. Lists are sorted by
// id in an export; a file may list them in any order.
type Document struct {
	Regions       []Region       `yaml:"regions,omitempty" json:"regions,omitempty"`
	VPCs          []VPC          `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	Subnets       []Subnet       `yaml:"subnets,omitempty" json:"subnets,omitempty"`
	Servers       []Server       `yaml:"servers,omitempty" json:"servers,omitempty"`
	LoadBalancers []LoadBalancer `yaml:"load_balancers,omitempty" json:"load_balancers,omitempty"`
}

// Region is a cloud region such as eu-west-1.
type Region struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// VPC is a private network in one region.
type VPC struct {
	ID     string `yaml:"id" json:"id"`
	Region string `yaml:"region" json:"region"`
	Name   string `yaml:"name" json:"name"`
	CIDR   string `yaml:"cidr" json:"cidr"`
}

// Subnet is an IPv4 range inside a VPC (a VSwitch in Alibaba Cloud's words).
type Subnet struct {
	ID   string `yaml:"id" json:"id"`
	VPC  string `yaml:"vpc" json:"vpc"`
	Name string `yaml:"name" json:"name"`
	CIDR string `yaml:"cidr" json:"cidr"`
}

// Server is one machine of the inventory. Type defaults to ecs and Status to Running.
type Server struct {
	ID      string          `yaml:"id" json:"id"`
	Name    string          `yaml:"name,omitempty" json:"name,omitempty"`
	Address string          `yaml:"address" json:"address"`
	Subnet  string          `yaml:"subnet" json:"subnet"`
	Type    lb.ServerType   `yaml:"type,omitempty" json:"type,omitempty"`
	Status  lb.ServerStatus `yaml:"status,omitempty" json:"status,omitempty"`
}

// LoadBalancer is a load balancer with its groups. Status defaults to active. Without a
// DataPlane the load balancer is a record only: nothing is pushed to a proxy.
type LoadBalancer struct {
	ID          string      `yaml:"id" json:"id"`
	Name        string      `yaml:"name" json:"name"`
	Region      string      `yaml:"region" json:"region"`
	VPC         string      `yaml:"vpc" json:"vpc"`
	Address     string      `yaml:"address" json:"address"`
	AddressType string      `yaml:"address_type" json:"address_type"`
	Status      lb.LBStatus `yaml:"status,omitempty" json:"status,omitempty"`
	DataPlane   *DataPlane  `yaml:"dataplane,omitempty" json:"dataplane,omitempty"`
	Groups      []Group     `yaml:"groups,omitempty" json:"groups,omitempty"`
}

// Address types of a load balancer.
const (
	AddressInternet = "internet"
	AddressIntranet = "intranet"
)

// DataPlane says which proxies carry a load balancer's traffic.
type DataPlane struct {
	HAProxy *HAProxy `yaml:"haproxy,omitempty" json:"haproxy,omitempty"`
}

// HAProxy names the Runtime API of each HAProxy node of a load balancer, as unix:/abs/path or
// tcp:host:port.
type HAProxy struct {
	RuntimeAPI []string `yaml:"runtime_api,flow" json:"runtime_api"`
}

// Group is the default server list (kind default, at most one per load balancer) or a VServer
// group. Nil pointers mean "not given": the default applies (see Effective).
//
// Members nil means the file says nothing about the members, and they are left alone; a
// non-nil list, even an empty one, replaces them all.
type Group struct {
	ID           string       `yaml:"id" json:"id"`
	Name         string       `yaml:"name" json:"name"`
	Kind         lb.GroupKind `yaml:"kind" json:"kind"`
	Backend      string       `yaml:"backend,omitempty" json:"backend,omitempty"`
	DefaultPort  *int         `yaml:"default_port,omitempty" json:"default_port,omitempty"`
	HealthCheck  *HealthCheck `yaml:"health_check,omitempty" json:"health_check,omitempty"`
	DrainTimeout *Duration    `yaml:"drain_timeout,omitempty" json:"drain_timeout,omitempty"`
	Members      *[]Member    `yaml:"members,omitempty" json:"members,omitempty"`
}

// HealthCheck is how the data plane checks a group's members. Nil fields take the defaults:
// tcp, every 2s, up after 2 passes, down after 3 failures; an http check's path is /.
type HealthCheck struct {
	Type     string    `yaml:"type,omitempty" json:"type,omitempty"`
	Path     string    `yaml:"path,omitempty" json:"path,omitempty"`
	Interval *Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	Rise     *int      `yaml:"rise,omitempty" json:"rise,omitempty"`
	Fall     *int      `yaml:"fall,omitempty" json:"fall,omitempty"`
}

// Health check types.
const (
	CheckTCP  = "tcp"
	CheckHTTP = "http"
)

// Member is one server in a group, named by an inventory server, by an address, or by both
// (then they must agree). Port is absent in the default server list. A nil Weight or
// Description keeps the member's current one, or takes the default (100, none) for a new member,
// as a replace-all batch does.
//
// Maintenance (no traffic at all) and Backup (traffic only when no other member is up), when
// nil, keep the member's current setting, or are off for a new member.
//
// HAProxyServer names the server of haproxy.cfg (or one added by hand) that this member is,
// on the load balancer's HAProxy nodes: lbconsole adopts it, keeping it under its name rather
// than adding a server of its own (see Adoption). Empty keeps what is recorded: a name, once
// adopted, stays owned by its group.
type Member struct {
	Server        string  `yaml:"server,omitempty" json:"server,omitempty"`
	Address       string  `yaml:"address,omitempty" json:"address,omitempty"`
	Port          int     `yaml:"port,omitempty" json:"port,omitempty"`
	Weight        *int    `yaml:"weight,omitempty" json:"weight,omitempty"`
	Description   *string `yaml:"description,omitempty" json:"description,omitempty"`
	Maintenance   *bool   `yaml:"maintenance,omitempty" json:"maintenance,omitempty"`
	Backup        *bool   `yaml:"backup,omitempty" json:"backup,omitempty"`
	HAProxyServer string  `yaml:"haproxy_server,omitempty" json:"haproxy_server,omitempty"`
}

// Label names the member in messages: its server or address, and its port.
func (m Member) Label() string {
	return lb.Spec{ServerID: m.Server, Address: m.Address, Port: m.Port}.Label()
}
