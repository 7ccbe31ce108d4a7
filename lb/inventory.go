package lb

import (
	"strings"
	"unicode/utf8"
)

// MaxServerNameLen is the longest name of an inventory server, in characters.
const MaxServerNameLen = 128

// Fields of an inventory server that errors name, besides FieldServerID and FieldType.
const (
	FieldServerName   = "ServerName"
	FieldServerStatus = "Status"
)

// Valid reports whether s is a known power state.
func (s ServerStatus) Valid() bool { return s == StatusRunning || s == StatusStopped }

// Valid reports whether s is a known load balancer state.
func (s LBStatus) Valid() bool { return s == LBActive || s == LBInactive || s == LBLocked }

// CheckServerID enforces the clouds' id shapes for an inventory server: i-… for an instance,
// eni-… for a network interface, 3 to 64 lower-case letters, digits and dashes.
func CheckServerID(id string) error {
	bad := func(format string, args ...any) error { return Errorf(KindInvalid, FieldServerID, format, args...) }
	switch {
	case id == "":
		return bad("id is empty")
	case len(id) > MaxServerIDLen:
		return bad("id is %d characters long: at most %d are allowed", len(id), MaxServerIDLen)
	case !strings.HasPrefix(id, "i-") && !strings.HasPrefix(id, "eni-"):
		return bad("id %q must start with i- or eni-", Clip(id))
	case id == "eni-":
		return bad("id eni- has nothing after its prefix")
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return bad("id %q may hold only lower-case letters, digits and dashes", Clip(id))
		}
	}
	if len(id) < 3 {
		return bad("id %q is too short: at least 3 characters", id)
	}
	return nil
}

// CheckServerName allows up to MaxServerNameLen characters of text fit to show (see TextFault).
func CheckServerName(name string) error {
	if fault := TextFault(name); fault != "" {
		return Errorf(KindInvalid, FieldServerName, "name %s", fault)
	}
	if n := utf8.RuneCountInString(name); n > MaxServerNameLen {
		return Errorf(KindInvalid, FieldServerName, "name is %d characters long: at most %d are allowed", n, MaxServerNameLen)
	}
	return nil
}

// CheckServerType enforces one of the known server types.
func CheckServerType(t ServerType) error {
	if !t.Valid() {
		return Errorf(KindInvalid, FieldType, "type %q is not ecs, eni or eci", Clip(string(t)))
	}
	return nil
}

// CheckServerStatus enforces one of the known power states.
func CheckServerStatus(s ServerStatus) error {
	if !s.Valid() {
		return Errorf(KindInvalid, FieldServerStatus, "status %q is not %s or %s", Clip(string(s)), StatusRunning, StatusStopped)
	}
	return nil
}
