package templates

import (
	"strings"
	"time"

	"lbconsole/lb"
)

// The rows the pages list. They are the pages' own, filled in by the handlers from what the
// store returns, so that the store can change its types without touching a template. Where the
// domain's types are what a page shows (a load balancer, a group, a member, a diff), the pages
// take those.

// AuditRow is one audit entry as the audit pages and the group page's conflict list show it.
type AuditRow struct {
	Seq          int64
	Time         time.Time
	Actor        string
	Source       string
	ClientIP     string
	RequestID    string
	Action       string
	Region       string
	LoadBalancer string
	Group        string
	// Applied says the attempt changed what it asked to; Outcome is the error kind otherwise.
	Applied bool
	Outcome string
	Message string
	Servers string // space-separated ServerId or ServerId:Port
	Request string
	Reverts int64 // the entry this one reverts, or zero
	Hash    string
	// LoadBalancerName and GroupName are what the load balancer and group are called now;
	// empty once they are deleted.
	LoadBalancerName string
	GroupName        string
	// Weights are the weight changes the entry made, "i-1:80 100 → 0".
	Weights []string
}

// KeyRow is one API key, without its secrets.
type KeyRow struct {
	ID          int64
	AccessKeyID string
	Owner       string
	Created     time.Time
	Revoked     time.Time // zero until the key is revoked
	Label       string
	Expires     time.Time // zero: never
	LastUsed    time.Time // zero: never
	// Expired says the key has passed its expiry: it no longer works, though not revoked.
	Expired bool
}

// Active reports whether the key was not revoked: it can be revoked, though it may have expired.
func (k KeyRow) Active() bool { return k.Revoked.IsZero() }

// LBRow is a load balancer with the size of its groups.
type LBRow struct {
	lb.LoadBalancer
	Groups  int // server groups, the default server list included
	Servers int // backend servers, each once however many groups and ports it is in
}

// GroupRow is a group with how many servers it holds.
type GroupRow struct {
	lb.Group
	Members int
}

// ImportProblem is why one line of an inventory import was refused.
type ImportProblem struct {
	Line   int
	Reason string
}

// SignInRow is one sign-in attempt or, when throttled, an address's attempts in one minute.
type SignInRow struct {
	Time      time.Time
	UserName  string
	ClientIP  string
	Outcome   string
	Succeeded bool
	Attempts  int
	// SeveralNames says that a throttled row's attempts tried other names than UserName.
	SeveralNames bool
}

// UserRow is one user as the users page lists them.
type UserRow struct {
	ID       int64
	Name     string
	Role     lb.Role
	Disabled bool
	Created  time.Time
	Sessions int // live sessions
	Keys     int // API keys that work
}

// KindText is a refusal's kind of rule as people read it: "conflict", "not found".
func KindText(kind string) string { return strings.ReplaceAll(kind, "_", " ") }

// OutcomeText is an audit entry's outcome in the console's words: "ok", or "refused" with the
// kind of rule that refused it.
func (r AuditRow) OutcomeText() string {
	if r.Applied {
		return "ok"
	}
	return "refused (" + KindText(r.Outcome) + ")"
}
