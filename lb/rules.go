package lb

import (
	"encoding/binary"
	"net/netip"
	"unicode/utf8"
)

// Limits of the domain.
const (
	MinWeight            = 0
	MaxWeight            = 100
	DefaultWeight        = 100 // the console's and the SLB API's default
	MinPort              = 1
	MaxPort              = 65535
	MaxAddressLen        = 64
	MaxDescriptionLen    = 80  // SLB Description
	MaxNameLen           = 255 // REST member name
	MaxSLBEntries        = 20  // entries per SLB API call
	MaxRESTEntries       = 200 // members per REST call
	MaxConsoleEntries    = 200 // members per console batch
	MaxServerIDLen       = 64
	MaxGroupNameLen      = 80
	MaxLoadBalancerIDLen = 64
)

// CheckWeight enforces 0–100; 0 drains the server.
func CheckWeight(w int) error {
	if w < MinWeight || w > MaxWeight {
		return Errorf(KindInvalid, FieldWeight, "weight %d is out of range: it must be between %d and %d", w, MinWeight, MaxWeight)
	}
	return nil
}

// CheckPort enforces 1–65535.
func CheckPort(p int) error {
	if p < MinPort || p > MaxPort {
		return Errorf(KindInvalid, FieldPort, "port %d is out of range: it must be between %d and %d", p, MinPort, MaxPort)
	}
	return nil
}

// CheckDescription enforces a length limit counted in characters, and text fit to show
// (see TextFault).
func CheckDescription(s string, limit int) error {
	if fault := TextFault(s); fault != "" {
		return Errorf(KindInvalid, FieldDescription, "description %s", fault)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return Errorf(KindInvalid, FieldDescription, "description is %d characters long: at most %d are allowed", n, limit)
	}
	return nil
}

// ParseIPv4 accepts a dotted IPv4 address of at most MaxAddressLen characters.
func ParseIPv4(s string) (netip.Addr, error) {
	if len(s) > MaxAddressLen {
		return netip.Addr{}, Errorf(KindInvalid, FieldAddress, "address is %d characters long: at most %d are allowed", len(s), MaxAddressLen)
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, Errorf(KindInvalid, FieldAddress, "address %q is not an IPv4 address", s)
	}
	return a, nil
}

// CheckAddressInSubnet enforces that addr is a host address of the subnet: inside its CIDR,
// and neither its first address, which names the subnet, nor its last, its broadcast address.
// A /31 has no such pair (RFC 3021: both of its addresses are hosts) and a /32 is one host.
func CheckAddressInSubnet(addr string, sn Subnet) error {
	a, err := ParseIPv4(addr)
	if err != nil {
		return err
	}
	p, err := netip.ParsePrefix(sn.CIDR)
	if err != nil || !p.Addr().Is4() {
		return Errorf(KindInvalid, FieldSubnetID, "subnet %s has no valid IPv4 range", sn.ID)
	}
	if !p.Contains(a) {
		return Errorf(KindInvalid, FieldAddress, "address %s is not in subnet %s (%s)", addr, sn.ID, sn.CIDR)
	}
	if p.Bits() >= 31 {
		return nil
	}
	network, broadcast := p.Masked().Addr(), lastAddress(p)
	var what string
	switch a {
	case network:
		what = "network"
	case broadcast:
		what = "broadcast"
	default:
		return nil
	}
	return Errorf(KindInvalid, FieldAddress, "address %s is the %s address of subnet %s (%s), not a host: use one from %s to %s",
		addr, what, sn.ID, sn.CIDR, network.Next(), broadcast.Prev())
}

// subnetHolds reports whether addr lies inside the subnet's CIDR, host address or not.
func subnetHolds(addr netip.Addr, sn Subnet) bool {
	p, err := netip.ParsePrefix(sn.CIDR)
	return err == nil && p.Contains(addr)
}

// lastAddress is the highest IPv4 address of p.
func lastAddress(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	n := uint64(binary.BigEndian.Uint32(b[:])) | (1<<(32-p.Bits()) - 1)
	binary.BigEndian.PutUint32(b[:], uint32(n))
	return netip.AddrFrom4(b)
}

// CheckWritable refuses any change to a locked load balancer.
func CheckWritable(l LoadBalancer) error {
	if l.Status == LBLocked {
		return Errorf(KindForbidden, FieldLoadBalancer, "load balancer %s is locked: it accepts no changes", l.ID)
	}
	return nil
}

// CheckBatchSize refuses more than limit entries in one list of a batch.
func CheckBatchSize(n, limit int) error {
	if n > limit {
		return Errorf(KindTooMany, FieldEntries, "%d servers in one batch: at most %d are allowed", n, limit)
	}
	return nil
}

// CheckCandidate says whether a server may join a group of load balancer l: it must be
// running and sit in the load balancer's VPC.
func CheckCandidate(l LoadBalancer, s Server) error {
	if s.Status != StatusRunning {
		return Errorf(KindInvalid, FieldServerState, "server %s is %s: only Running servers can be added", s.ID, s.Status)
	}
	if s.VpcID != l.VpcID {
		return Errorf(KindInvalid, FieldServerState, "server %s is in VPC %s, not in the load balancer's VPC %s", s.ID, s.VpcID, l.VpcID)
	}
	return nil
}
