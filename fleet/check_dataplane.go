package fleet

import (
	"fmt"
	"net"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"time"
)

// checkRuntimeAPI reads one HAProxy Runtime API address: unix:/absolute/clean/path or
// tcp:host:port, where host is an IP address (IPv6 in brackets) or a DNS name.
func checkRuntimeAPI(s string) string {
	scheme, rest, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return fmt.Sprintf("%q is neither unix:/path nor tcp:host:port", clip(s))
	case scheme == "unix":
		return checkSocketPath(rest)
	case scheme == "tcp":
		return checkHostPort(rest)
	}
	return fmt.Sprintf("%q: the scheme must be unix or tcp", clip(s))
}

func checkSocketPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Sprintf("unix socket %q must be an absolute path", clip(p))
	case len(p) > MaxUnixPathLen:
		return fmt.Sprintf("unix socket path is %d bytes long: at most %d fit in a socket address", len(p), MaxUnixPathLen)
	case path.Clean(p) != p:
		return fmt.Sprintf("unix socket %q is not a clean path (did you mean %s?)", clip(p), clip(path.Clean(p)))
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		return fmt.Sprintf("unix socket %q holds a space or a control character", clip(p))
	}
	return ""
}

func checkHostPort(hp string) string {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return fmt.Sprintf("tcp address %q is not host:port", clip(hp))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("tcp port %q is not between 1 and 65535", clip(port))
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	if !validHostname(host) {
		return fmt.Sprintf("tcp host %q is neither an IP address nor a DNS name", clip(host))
	}
	return ""
}

// validHostname accepts a DNS name of letters, digits and hyphens in labels of 1 to 63.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// checkDataPlane returns the problems of a load balancer's dataplane, by field.
func checkDataPlane(d *DataPlane) []fieldProblem {
	if d.HAProxy == nil {
		return []fieldProblem{{"dataplane", "names no data plane: give haproxy, or leave dataplane out for a record-only load balancer"}}
	}
	apis := d.HAProxy.RuntimeAPI
	field := "dataplane.haproxy.runtime_api"
	var out []fieldProblem
	switch {
	case len(apis) == 0:
		return []fieldProblem{{field, "names no node: give one or more Runtime API addresses"}}
	case len(apis) > MaxRuntimeAPIs:
		out = append(out, fieldProblem{field, fmt.Sprintf("names %d nodes: at most %d are allowed", len(apis), MaxRuntimeAPIs)})
	}
	seen := map[string]int{}
	for i, a := range apis {
		at := fmt.Sprintf("%s[%d]", field, i)
		if msg := checkRuntimeAPI(a); msg != "" {
			out = append(out, fieldProblem{at, msg})
		} else if first, dup := seen[a]; dup {
			out = append(out, fieldProblem{at, fmt.Sprintf("%s is listed twice (also [%d])", a, first)})
		}
		if _, dup := seen[a]; !dup {
			seen[a] = i
		}
	}
	return out
}

// checkHealthCheck returns the problems of a group's health check, by field.
func checkHealthCheck(hc *HealthCheck) []fieldProblem {
	var out []fieldProblem
	bad := func(field, format string, args ...any) {
		out = append(out, fieldProblem{"health_check." + field, fmt.Sprintf(format, args...)})
	}
	if hc.Type != "" {
		if msg := oneOf(hc.Type, CheckTCP, CheckHTTP); msg != "" {
			bad("type", "%s", msg)
		}
	}
	if hc.Path != "" {
		if hc.Type != CheckHTTP {
			bad("path", "a path applies only to an http check (type: http)")
		} else if msg := checkCheckPath(hc.Path); msg != "" {
			bad("path", "%s", msg)
		}
	}
	if hc.Interval != nil {
		if msg := durationIn(*hc.Interval, MinCheckInterval, MaxCheckInterval); msg != "" {
			bad("interval", "%s", msg)
		}
	}
	for _, rf := range []struct {
		name string
		v    *int
	}{{"rise", hc.Rise}, {"fall", hc.Fall}} {
		if rf.v != nil && (*rf.v < MinRiseFall || *rf.v > MaxRiseFall) {
			bad(rf.name, "%d is out of range: it must be between %d and %d", *rf.v, MinRiseFall, MaxRiseFall)
		}
	}
	return out
}

// checkCheckPath allows what HAProxy can send on its request line: a path starting with /, of
// printable ASCII without spaces.
func checkCheckPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Sprintf("%q must start with /", clip(p))
	case len(p) > MaxCheckPathLen:
		return fmt.Sprintf("the path is %d characters long: at most %d are allowed", len(p), MaxCheckPathLen)
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x21 || r > 0x7e }):
		return fmt.Sprintf("%q holds a space, a control character or a character outside printable ASCII", clip(p))
	}
	return ""
}

func durationIn(d Duration, lo, hi time.Duration) string {
	if d.Std() < lo || d.Std() > hi {
		return fmt.Sprintf("%s is out of range: it must be between %s and %s", d, lo, hi)
	}
	return ""
}

// fieldProblem is a problem within one object, before it is placed.
type fieldProblem struct {
	field   string
	message string
}
