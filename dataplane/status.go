package dataplane

import (
	"fmt"
	"math"
	"time"

	"lbconsole/dataplane/haproxy"
)

// SLBHealth is a server's health as the SLB API's DescribeHealthStatus answers it
// (ServerHealthStatus).
type SLBHealth string

// The cloud's three answers: normal (healthy), abnormal (unhealthy), and unavailable (no health
// check completed: none configured, or not run yet).
const (
	SLBNormal      SLBHealth = "normal"
	SLBAbnormal    SLBHealth = "abnormal"
	SLBUnavailable SLBHealth = "unavailable"
)

// SLBHealth is the server's ServerHealthStatus on this node. It follows the health check, as
// the cloud does for a server of weight 0 (drained here): normal when it passes, abnormal when
// it fails. Unavailable is the cloud's "health check not completed": no health check, not yet
// concluded, not on the node, and in maintenance, where HAProxy does not check it.
func (o Observed) SLBHealth() SLBHealth {
	if o.Health == HealthMaint {
		return SLBUnavailable
	}
	switch o.CheckHealth {
	case HealthUp:
		return SLBNormal
	case HealthDown:
		return SLBAbnormal
	}
	return SLBUnavailable
}

// SLBHealthOf is the health of a member served by several nodes, from what each observed: the
// worst of them, abnormal before unavailable before normal, so that a server failing its checks
// on one node shows. With no observation (no node serves it, or none could be read), it is
// unavailable. Pass only fresh observations: those of an unreachable node are not.
func SLBHealthOf(observed []Observed) SLBHealth {
	rank := map[SLBHealth]int{SLBNormal: 0, SLBUnavailable: 1, SLBAbnormal: 2}
	worst, seen := SLBUnavailable, false
	for _, o := range observed {
		if h := o.SLBHealth(); !seen || rank[h] > rank[worst] {
			worst, seen = h, true
		}
	}
	return worst
}

// OperatingStatus is a member's operating_status as Octavia's API answers it.
type OperatingStatus string

// Octavia's operating statuses of a member.
const (
	OperatingOnline    OperatingStatus = "ONLINE"     // operating normally: its health check passes
	OperatingError     OperatingStatus = "ERROR"      // failing its health check
	OperatingDraining  OperatingStatus = "DRAINING"   // not accepting new connections (weight 0)
	OperatingOffline   OperatingStatus = "OFFLINE"    // administratively down (admin_state_up false), or not serving yet
	OperatingNoMonitor OperatingStatus = "NO_MONITOR" // no health monitor: status unknown
)

// OperatingStatus is the member's operating_status on this node, as Octavia's amphorae map
// HAProxy's status: MAINT is OFFLINE, DRAIN is DRAINING, DOWN is ERROR, "no check" is
// NO_MONITOR, UP is ONLINE. A server not on the node yet, or staged until its first check,
// takes no traffic: OFFLINE.
func (o Observed) OperatingStatus() OperatingStatus {
	switch o.Health {
	case HealthMaint, HealthAbsent, HealthChecking:
		return OperatingOffline
	case HealthDrain:
		return OperatingDraining
	case HealthDown:
		return OperatingError
	case HealthNoCheck:
		return OperatingNoMonitor
	}
	return OperatingOnline
}

// OperatingStatusOf is the operating_status of a member served by several nodes: the worst of
// what each observed, ERROR before OFFLINE before DRAINING before NO_MONITOR before ONLINE. With
// no observation it is NO_MONITOR ("status unknown"). Pass only fresh observations.
func OperatingStatusOf(observed []Observed) OperatingStatus {
	rank := map[OperatingStatus]int{OperatingOnline: 0, OperatingNoMonitor: 1, OperatingDraining: 2, OperatingOffline: 3, OperatingError: 4}
	worst, seen := OperatingNoMonitor, false
	for _, o := range observed {
		if s := o.OperatingStatus(); !seen || rank[s] > rank[worst] {
			worst, seen = s, true
		}
	}
	return worst
}

// Describe says where a leaving server is, for the console: "draining: 3 sessions, 12 s left",
// "waiting for a replacement to serve, at most 40 s", "draining: 2 sessions, timeout passed",
// "removing".
func (l LeavingServer) Describe(now time.Time) string {
	left := l.Deadline.Sub(now)
	switch {
	case l.State == haproxy.StateReady:
		return "waiting for a replacement to serve, at most " + seconds(left)
	case l.Sessions == 0:
		return "removing"
	case left <= 0:
		return fmt.Sprintf("draining: %s, timeout passed", sessions(l.Sessions))
	}
	return fmt.Sprintf("draining: %s, %s left", sessions(l.Sessions), seconds(left))
}

func sessions(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

// seconds rounds up, so that "0 s" only ever means the time is up.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", int(math.Ceil(max(d, 0).Seconds())))
}
