package dataplane

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lbconsole/dataplane/haproxy"
)

// Prefix starts the name of every HAProxy server lbconsole creates. In a managed backend, a
// server whose name starts with Prefix belongs to lbconsole: if it is not desired, it goes.
const Prefix = "lbc-"

// MaxWeight is the largest weight HAProxy takes.
const MaxWeight = 256

// Desired is the state one HAProxy node should be in: the backends lbconsole manages there and
// the servers each should have. Backends of the node that are not named here are never read nor
// touched.
type Desired struct {
	Backends []Backend
}

// Backend is one backend of haproxy.cfg that lbconsole manages (it must exist there: the Runtime
// API of HAProxy 2.6 cannot create backends).
type Backend struct {
	Name string
	// DrainTimeout bounds how long a leaving server keeps its sessions: once draining for this
	// long its remaining sessions are cut and it is deleted. It also bounds how long a leaving
	// server waits for a serving replacement before it is drained anyway. 0 means at once.
	DrainTimeout time.Duration
	// Adopt names servers lbconsole owns in this backend although no desired server keeps
	// them: adopted servers (see Server.Adopted) whose member is no longer desired. They leave
	// like any undesired server: drained once the desired servers serve, then deleted. The
	// caller fills it from its record of adopted names not yet released on every node (see
	// Released). Any server neither desired, nor named here, nor named with Prefix is foreign:
	// reported, never touched.
	Adopt   []string
	Servers []Server
	// Version is the caller's, echoed in the plan's BackendResult: typically the version of the
	// group the backend serves, so that a converged backend says which version it converged to.
	Version int64
	// Owner is the caller's too, echoed beside Version: typically which group the backend
	// serves, so that a result read after the backend changed hands (its group deleted and
	// another made on the backend, or the same id made again) is not taken for the new owner's.
	Owner string
}

// Server is one desired server: a member of the group the backend serves.
type Server struct {
	ID      string // the member id; the HAProxy server name derives from it (see Name)
	Address string // IPv4
	Port    int
	// Weight is 0–256. 0 drains the server: HAProxy's drain state (or weight 0), where it takes
	// no new requests and keeps its sessions; it stays so, and is not deleted.
	Weight int
	Check  *Check // nil: no health check
	// Backup makes a backup server, which takes requests only when no active server is up.
	// HAProxy 2.6 cannot change the flag at runtime, so it is part of Name: a change is a
	// replacement.
	Backup bool
	// Maintenance puts the server in HAProxy's maintenance state, where it takes no traffic at
	// all (the REST API's admin_state_up false); it stays so, and is not deleted. Cleared, the
	// server is staged in drain until its health check confirms it, then made ready.
	Maintenance bool
	// Adopted is the HAProxy name of a server lbconsole did not create but took over (see
	// Propose): while the node has a server of that name at the desired address, port and
	// backup flag (and with a health check configured if one is desired), that server is this
	// one, kept under its name, its weight, state and health check on/off corrected in place;
	// its check's interval, rise, fall and kind are left as they are. Otherwise the server is
	// replaced by one named by Name, and the adopted one leaves. "" for servers lbconsole made.
	Adopted string
}

// CheckType is how a server's health is checked.
type CheckType string

// The two kinds of health check. The kind is the backend's in HAProxy 2.6 (`option httpchk`
// in haproxy.cfg makes every check of the backend HTTP); Plan reports a mismatch it observes.
const (
	CheckTCP  CheckType = "tcp"
	CheckHTTP CheckType = "http"
)

// Check is a server's health check.
type Check struct {
	Type     CheckType
	Path     string // HTTP only; informational: the path is haproxy.cfg's `option httpchk`
	Interval time.Duration
	Rise     int
	Fall     int
}

// Name is the name of the HAProxy server lbconsole makes for s: Prefix, the member id, and a
// hash of what the Runtime API cannot change in place (address, port, backup flag, check
// interval, rise and fall). A change of any of these gives another name: the new server is
// added beside the old one, which then drains. So the name alone tells which servers are
// desired, with nothing to remember. (The backup flag joined the hash only when set, so the
// names of servers made before it existed did not change.)
func (s Server) Name() string {
	var b strings.Builder
	b.WriteString(s.Address + ":" + strconv.Itoa(s.Port))
	if s.Backup {
		b.WriteString(" backup")
	}
	if c := s.Check; c != nil {
		fmt.Fprintf(&b, " check inter %dms rise %d fall %d", c.Interval.Milliseconds(), c.Rise, c.Fall)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return Prefix + s.ID + "-" + hex.EncodeToString(sum[:4])
}

// MemberOf returns the member id within a server name made by Server.Name, or false for any
// other name.
func MemberOf(server string) (string, bool) {
	rest, ok := strings.CutPrefix(server, Prefix)
	const hash = len("-0123abcd")
	if !ok || len(rest) <= hash || rest[len(rest)-hash] != '-' {
		return "", false
	}
	id := rest[:len(rest)-hash]
	if validID(id) != nil {
		return "", false
	}
	return id, true
}

// admin is the administrative state s should be in.
func (s Server) admin() haproxy.State {
	switch {
	case s.Maintenance:
		return haproxy.StateMaint
	case s.Weight == 0:
		return haproxy.StateDrain
	}
	return haproxy.StateReady
}
