package haproxy

// AdminFlags is a server's srv_admin_state from `show servers state`: why it is administratively
// out of (or leaving) service. The values are HAProxy's SRV_ADMF_* flags.
type AdminFlags uint

// HAProxy 2.6's SRV_ADMF_* flags.
const (
	AdminForcedMaint     AdminFlags = 0x01 // `set server … state maint`, and every server added at runtime
	AdminInheritedMaint  AdminFlags = 0x02 // from a tracked server
	AdminConfigMaint     AdminFlags = 0x04 // `disabled` in the configuration: a marker, see Maint
	AdminForcedDrain     AdminFlags = 0x08 // `set server … state drain`
	AdminInheritedDrain  AdminFlags = 0x10 // from a tracked server
	AdminResolutionMaint AdminFlags = 0x20 // DNS resolution failed
	AdminHostnameMaint   AdminFlags = 0x40 // FQDN set on the socket: a marker, see Maint
)

// maintMask is HAProxy's own SRV_ADMF_MAINT. AdminConfigMaint and AdminHostnameMaint are not in
// it: a server `disabled` in haproxy.cfg starts with both AdminConfigMaint and
// AdminForcedMaint, and `set server … state ready` clears only the latter, after which the
// server serves (status "no check" or "UP") with AdminConfigMaint still set.
const maintMask = AdminForcedMaint | AdminInheritedMaint | AdminResolutionMaint

// Maint reports whether any maintenance flag is set: the server takes no traffic at all.
func (a AdminFlags) Maint() bool { return a&maintMask != 0 }

// Drain reports whether a drain flag is set: no new sessions unless persistent.
func (a AdminFlags) Drain() bool { return a&(AdminForcedDrain|AdminInheritedDrain) != 0 }

// State is the administrative state that `set server … state` sets.
type State string

// The three administrative states of `set server … state`.
const (
	StateReady State = "ready"
	StateDrain State = "drain"
	StateMaint State = "maint"
)

// OpState is a server's srv_op_state: what its health says, regardless of admin state.
type OpState int

// HAProxy 2.6's SRV_ST_* values.
const (
	OpStopped  OpState = 0 // down
	OpStarting OpState = 1 // up, in slowstart
	OpRunning  OpState = 2 // up
	OpStopping OpState = 3 // up but soft-stopping (e.g. HTTP 404 with disable-on-404)
)

// CheckFlags is a server's srv_check_state: whether its health check exists and runs.
type CheckFlags uint

// HAProxy 2.6's CHK_ST_* flags.
const (
	CheckInProgress CheckFlags = 0x01
	CheckConfigured CheckFlags = 0x02 // added with the `check` keyword; only then can health be enabled
	CheckEnabled    CheckFlags = 0x04 // `enable health`; a server added at runtime starts without it
	CheckPaused     CheckFlags = 0x08 // in maintenance, checks pause
)

// CheckResult is srv_check_result, the outcome of the latest health check.
type CheckResult int

// HAProxy 2.6's CHK_RES_* values.
const (
	CheckUnknown  CheckResult = 0
	CheckNeutral  CheckResult = 1
	CheckFailed   CheckResult = 2
	CheckPassed   CheckResult = 3
	CheckCondPass CheckResult = 4 // passed, but the server asks for no new sessions
)

// Server is one server of a backend as HAProxy sees it now: `show servers state` joined with
// the server's `show stat` row.
type Server struct {
	Backend string
	Name    string
	Address string // srv_addr: an IP, or whatever HAProxy holds for a server added by name
	Port    int
	Admin   AdminFlags
	Op      OpState
	Weight  int // the user weight (uweight), 0–256: what `set server … weight` sets
	Check   CheckFlags
	Result  CheckResult // CheckUnknown while a check is in progress: see Serving

	// From `show stat`.
	Status      string // "UP", "DOWN", "UP 1/3", "DOWN 1/2", "MAINT", "DRAIN", "no check", "NOLB", …
	CheckStatus string // "L4OK", "L4CON", "L7OK", "L7STS", "INI", …; "" when checks are off
	CheckCode   int    // HTTP status of the latest L7 check, 0 if none
	CheckDesc   string // "Layer4 connection problem", "Layer7 wrong status", …
	LastCheck   string // detail of the latest check: "Connection refused", an HTTP reason, …
	Sessions    int    // scur: current sessions
	SessionRate int    // rate: sessions per second over the last second
	Rise, Fall  int    // the health check's rise and fall, 0 when checks are off
	Backup      bool   // a backup server: it takes requests only when no active server is up
	FQDN        string // the host name a server of haproxy.cfg was given instead of an IP, "" if none
	// CheckHealth is HAProxy's check counter (srv_check_health), 0 to Rise+Fall-1: the server is
	// up from Rise on, each passing check adds one and each failing one takes one away.
	CheckHealth int
}

// State is the server's administrative state as `set server … state` would name it.
func (s Server) State() State {
	switch {
	case s.Admin.Maint():
		return StateMaint
	case s.Admin.Drain():
		return StateDrain
	}
	return StateReady
}

// HealthConfigured reports whether the server was created with a health check.
func (s Server) HealthConfigured() bool { return s.Check&CheckConfigured != 0 }

// HealthEnabled reports whether the server's health check runs (or would, out of maintenance).
func (s Server) HealthEnabled() bool {
	return s.Check&(CheckConfigured|CheckEnabled) == CheckConfigured|CheckEnabled
}

// Checked reports whether the server's health check has concluded at least once since it was
// enabled: its check_status is no longer "INI" (Initializing).
func (s Server) Checked() bool { return s.CheckStatus != "" && s.CheckStatus != "INI" }

// Confirmed reports whether HAProxy's verdict on the server is its health check's own: the
// check has concluded (Checked), and the server is not up merely on the benefit of the doubt
// HAProxy gives a server leaving maintenance. Leaving maintenance sets the check counter to
// Rise, which counts as up, until one failed check takes it down; check_status still shows the
// verdict from before the maintenance. A passing check moves the counter above Rise, a failing
// one takes the server down: either is a verdict. With Fall 1 the counter cannot move above
// Rise, and the first check after maintenance cannot be told from a later one.
func (s Server) Confirmed() bool {
	if !s.Checked() {
		return false
	}
	up := s.Op == OpRunning || s.Op == OpStarting
	return !(up && s.CheckHealth == s.Rise && s.Fall > 1)
}

// Serving reports whether the server takes new requests now: ready, up, weight above 0 and, when
// it has a health check, that check has concluded. A server made ready before its first check
// has concluded shows "UP" (HAProxy's benefit of the doubt); it does not count as serving here.
//
// Result is no help for this: HAProxy resets it to CheckUnknown while each check is in progress,
// so it flickers on a healthy server checked often. The operational state (Op) carries the
// check's verdict instead.
func (s Server) Serving() bool {
	if s.State() != StateReady || s.Weight == 0 || (s.Op != OpRunning && s.Op != OpStarting) {
		return false
	}
	return !s.HealthEnabled() || s.Checked()
}
