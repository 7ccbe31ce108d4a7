package fleet

import (
	"time"

	"lbconsole/lb"
)

// Limits and defaults of the fleet file. Where the clouds or HAProxy allow more, these keep a
// file within what an operations team would mean on purpose.
const (
	MaxIDLen         = 64
	MaxNameLen       = 128                // regions, VPCs, subnets, servers, load balancers
	MaxGroupNameLen  = lb.MaxGroupNameLen // as the SLB API allows
	MaxBackendLen    = 100
	MinCIDRBits      = 8
	MaxCIDRBits      = 30
	MaxGroupMembers  = 5000 // members one group's list may hold
	MaxRuntimeAPIs   = 16   // HAProxy nodes of one load balancer
	MaxUnixPathLen   = 107  // sun_path holds 108 bytes with the closing NUL
	MaxCheckPathLen  = 255
	MinRiseFall      = 1
	MaxRiseFall      = 50
	DefaultRise      = 2
	DefaultFall      = 3
	DefaultCheckType = CheckTCP
	DefaultCheckPath = "/"
	// MaxMemberDescriptionLen is the REST API's limit rather than the SLB API's 80: the file
	// must be able to hold every member that either API can make, or an export would not apply.
	MaxMemberDescriptionLen = lb.MaxNameLen
)

// Durations: a health check every 100ms to 5m (default 2s); a drain of 0s (remove at once) to
// 1h (default 30s).
const (
	MinCheckInterval     = 100 * time.Millisecond
	MaxCheckInterval     = 5 * time.Minute
	DefaultCheckInterval = 2 * time.Second
	MaxDrainTimeout      = time.Hour
	DefaultDrainTimeout  = 30 * time.Second
)
