package dataplane

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"lbconsole/dataplane/haproxy"
)

// Proposal is what a running node has, offered for adoption: per backend, the servers a
// fleet's groups and members could take over (see Server.Adopted), and what stands in the way.
type Proposal struct {
	Backends []ProposedBackend // in the order of haproxy.cfg
}

// ProposedBackend is one backend of the node.
type ProposedBackend struct {
	Name      string
	Mode      string // "http" or "tcp"
	Algorithm string // "roundrobin", "static-rr", …
	// Check is the kind of health check observed on its servers (L7 results: http; L4 or L6
	// results: tcp), "" when no check has concluded. The kind is the backend's (option
	// httpchk), the same for every server; its path is not visible on the Runtime API.
	Check    CheckType
	Servers  []ProposedServer
	Problems []string // what the data plane cannot do here, in words
	Notes    []string // what adopting leaves as it is, in words
}

// ProposedServer is one server, as HAProxy has it.
type ProposedServer struct {
	Name     string // becomes Server.Adopted
	Address  string
	Port     int // 0: none (HAProxy uses the port the client connected to)
	FQDN     string
	Weight   int
	Backup   bool
	State    haproxy.State // ready, drain or maint
	HasCheck bool          // a health check is configured and enabled
	Rise     int           // of its health check; its interval is not visible on the Runtime API
	Fall     int
	// MemberID is set for a server lbconsole made (its name starts with Prefix): the member id
	// its name carries.
	MemberID string
	Problems []string // why it cannot be adopted as it is; empty if it can
}

// Propose reads the node in one snapshot and proposes it for adoption; it changes nothing.
func Propose(ctx context.Context, c *haproxy.Client) (Proposal, error) {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return Proposal{}, err
	}
	return ProposeFrom(snap), nil
}

// ProposeFrom turns a node's snapshot into a Proposal.
func ProposeFrom(snap haproxy.Snapshot) Proposal {
	var p Proposal
	for _, b := range snap.Backends {
		pb := ProposedBackend{Name: b.Name, Mode: b.Mode, Algorithm: b.Algorithm}
		for _, s := range b.Servers {
			pb.Servers = append(pb.Servers, proposeServer(s))
			if k := checkKind(s); k != "" && pb.Check == "" {
				pb.Check = k
			}
		}
		pb.Problems = backendProblems(b)
		if msg := mixedChecks(pb.Servers); msg != "" {
			pb.Notes = append(pb.Notes, msg)
		}
		p.Backends = append(p.Backends, pb)
	}
	return p
}

func proposeServer(s haproxy.Server) ProposedServer {
	ps := ProposedServer{Name: s.Name, Address: s.Address, Port: s.Port, FQDN: s.FQDN, Weight: s.Weight,
		Backup: s.Backup, State: s.State(), HasCheck: s.HealthEnabled()}
	if ps.HasCheck {
		ps.Rise, ps.Fall = s.Rise, s.Fall
	}
	ps.MemberID, _ = MemberOf(s.Name)
	if s.FQDN != "" {
		ps.Problems = append(ps.Problems, fmt.Sprintf("addressed by the name %s, which HAProxy resolves itself: members need an IPv4 address", s.FQDN))
	} else if a, err := netip.ParseAddr(s.Address); err != nil || !a.Is4() {
		ps.Problems = append(ps.Problems, fmt.Sprintf("address %s is not IPv4", s.Address))
	}
	if s.Port == 0 {
		ps.Problems = append(ps.Problems, "no port: HAProxy connects to the port the client connected to; members need one")
	}
	if s.Admin&(haproxy.AdminInheritedMaint|haproxy.AdminInheritedDrain) != 0 {
		ps.Problems = append(ps.Problems, "tracks another server, whose state it inherits")
	}
	return ps
}

// checkKind is the kind of s's check, as its latest result tells.
func checkKind(s haproxy.Server) CheckType {
	switch {
	case !s.HealthEnabled():
		return ""
	case strings.HasPrefix(s.CheckStatus, "L7"):
		return CheckHTTP
	case s.CheckStatus == "L4OK" || s.CheckStatus == "L6OK":
		return CheckTCP
	}
	return "" // not concluded, or failed below layer 7: either kind fails so
}

// hashing algorithms refuse servers added at runtime unless `hash-type consistent`, which the
// Runtime API does not show.
var hashing = map[string]bool{"source": true, "uri": true, "url_param": true, "hdr": true, "rdp-cookie": true, "hash": true}

func backendProblems(b haproxy.Backend) []string {
	switch {
	case b.Algorithm == "static-rr":
		return []string{"balance static-rr refuses servers added at runtime: lbconsole could add none; use roundrobin in haproxy.cfg"}
	case hashing[strings.SplitN(b.Algorithm, "(", 2)[0]]:
		return []string{"balance " + b.Algorithm + " refuses servers added at runtime unless the backend has `hash-type consistent` in haproxy.cfg"}
	}
	return nil
}

// mixedChecks says when the servers' health checks differ: a group has one health check, which
// servers lbconsole adds get; adopted servers keep theirs.
func mixedChecks(servers []ProposedServer) string {
	seen := map[string]bool{}
	var kinds []string
	for _, s := range servers {
		k := "none"
		if s.HasCheck {
			k = fmt.Sprintf("rise %d fall %d", s.Rise, s.Fall)
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if len(kinds) < 2 {
		return ""
	}
	return "the servers' health checks differ (" + strings.Join(kinds, "; ") + "): adopted servers keep theirs, servers lbconsole adds get the group's"
}

// Server is the desired server that adopts s as member id: the same address, port, backup flag
// and state (weight 0 for a drained server, Maintenance for one in maintenance), so that
// reconciling changes nothing in HAProxy. check is the group's health check, given to the server
// if s has one (an adopted server keeps its own settings; only its presence matters); nil
// leaves it without.
func (s ProposedServer) Server(id string, check *Check) Server {
	d := Server{ID: id, Address: s.Address, Port: s.Port, Weight: s.Weight, Backup: s.Backup, Adopted: s.Name,
		Maintenance: s.State == haproxy.StateMaint}
	if s.State == haproxy.StateDrain {
		d.Weight = 0
	}
	if s.HasCheck {
		d.Check = check
	}
	return d
}
