package lb

import "time"

// ServerType says what kind of cloud resource a backend server is.
type ServerType string

// Server types, as the SLB API names them.
const (
	TypeECS ServerType = "ecs"
	TypeENI ServerType = "eni"
	TypeECI ServerType = "eci"
)

// Valid reports whether t is a known server type.
func (t ServerType) Valid() bool { return t == TypeECS || t == TypeENI || t == TypeECI }

// ServerStatus is the power state of an inventory server.
type ServerStatus string

// Server states. Only running servers can be added to a group.
const (
	StatusRunning ServerStatus = "Running"
	StatusStopped ServerStatus = "Stopped"
)

// LBStatus is the state of a load balancer.
type LBStatus string

// Load balancer states. A locked load balancer refuses every change.
const (
	LBActive   LBStatus = "active"
	LBInactive LBStatus = "inactive"
	LBLocked   LBStatus = "locked"
)

// Region is a cloud region such as cn-hangzhou.
type Region struct {
	ID   string
	Name string
}

// VPC is a private network in one region.
type VPC struct {
	ID       string
	RegionID string
	Name     string
	CIDR     string
}

// Subnet is an IPv4 range inside a VPC (Alibaba calls it a VSwitch).
type Subnet struct {
	ID    string
	VpcID string
	Name  string
	CIDR  string
}

// Server is one machine of the inventory that can serve behind a load balancer.
type Server struct {
	ID       string
	Name     string
	Address  string
	SubnetID string
	VpcID    string
	RegionID string
	Type     ServerType
	Status   ServerStatus
}

// LoadBalancer is a load balancer instance.
type LoadBalancer struct {
	ID          string
	RegionID    string
	Name        string
	Address     string
	AddressType string // internet or intranet
	NetworkType string // vpc or classic
	VpcID       string
	Status      LBStatus
	Created     time.Time
}

// GroupKind tells the default server list (servers without a port) from a VServer group.
type GroupKind string

// Group kinds.
const (
	KindDefault GroupKind = "default"
	KindVServer GroupKind = "vserver"
)

// DefaultGroupRef is how URLs and people name a load balancer's default server list.
const DefaultGroupRef = "default"

// Group is a load balancer's default server list or one of its VServer groups (a pool in the
// REST API). Version moves on every change, so a batch can say which state it was planned on.
type Group struct {
	ID             string
	LoadBalancerID string
	Name           string
	Kind           GroupKind
	Version        int64
	Created        time.Time
}

// Member is one server in one group.
type Member struct {
	ID          string
	GroupID     string
	ServerID    string
	Address     string
	Port        int // zero in the default server list
	Weight      int
	Type        ServerType
	Description string
	SubnetID    string
	// Maintenance takes the member out of service without removing it: it gets no traffic at
	// all, whatever its weight, until cleared (the REST API's admin_state_up false).
	Maintenance bool
	// Backup makes the member a backup: it takes requests only when no other member of the
	// group is up (HAProxy's backup servers, the REST API's backup).
	Backup  bool
	Created time.Time
	Updated time.Time
}
