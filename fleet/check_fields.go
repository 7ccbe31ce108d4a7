package fleet

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"lbconsole/lb"
)

// validID says whether id has the shape the file's ids must have: 1 to 64 letters, digits, -,
// _ and ., and not only dots (. and .. would be path segments in the console's URLs).
func validID(id string) bool { return checkID(id) == "" }

func checkID(id string) string {
	switch {
	case id == "":
		return "id is missing"
	case len(id) > MaxIDLen:
		return fmt.Sprintf("id %q is %d characters long: at most %d are allowed", clip(id), len(id), MaxIDLen)
	case strings.Trim(id, ".") == "":
		return fmt.Sprintf("id %q is only dots: it would read as a path in the console's addresses", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Sprintf("id %q holds %q: ids are letters, digits, -, _ and .", clip(id), r)
		}
	}
	return ""
}

// checkName enforces a name's length in characters and text fit to show (lb.TextFault: valid
// UTF-8, no control characters, no bidirectional controls), so that a name shows the same in
// the console, the CSV export and the APIs, and as the APIs would allow it.
func checkName(name string, required bool, limit int) string {
	switch {
	case name == "" && required:
		return "name is missing"
	case !utf8.ValidString(name):
		return "name is not valid UTF-8"
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Sprintf("name %q holds a control character (such as a line break)", clip(name))
	case lb.TextFault(name) != "":
		return "name " + lb.TextFault(name)
	}
	if n := utf8.RuneCountInString(name); n > limit {
		return fmt.Sprintf("name is %d characters long: at most %d are allowed", n, limit)
	}
	return ""
}

// parseCIDR reads a network's range: IPv4, written as its network address, /8 to /30.
func parseCIDR(s string) (netip.Prefix, string) {
	if s == "" {
		return netip.Prefix{}, "cidr is missing"
	}
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		return netip.Prefix{}, fmt.Sprintf("%q is not an IPv4 range such as 10.20.0.0/16", clip(s))
	case p.Masked() != p:
		return netip.Prefix{}, fmt.Sprintf("%s is not a network address: did you mean %s?", s, p.Masked())
	case p.Bits() < MinCIDRBits || p.Bits() > MaxCIDRBits:
		return netip.Prefix{}, fmt.Sprintf("%s is a /%d: a range must be between /%d and /%d", s, p.Bits(), MinCIDRBits, MaxCIDRBits)
	}
	return p, ""
}

// parseAddress reads an IPv4 address as lb does, with lb's message.
func parseAddress(s string) (netip.Addr, string) {
	if s == "" {
		return netip.Addr{}, "address is missing"
	}
	a, err := lb.ParseIPv4(s)
	if err != nil {
		return netip.Addr{}, err.Error()
	}
	return a, ""
}

// checkBackend enforces the characters HAProxy allows in a backend's name.
func checkBackend(name string) string {
	if len(name) > MaxBackendLen {
		return fmt.Sprintf("%q is %d characters long: an HAProxy backend name has at most %d", clip(name), len(name), MaxBackendLen)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return fmt.Sprintf("%q is not a valid HAProxy backend name: use letters, digits, -, _, . and :", clip(name))
		}
	}
	return ""
}

func oneOf[T ~string](v T, allowed ...T) string {
	for _, a := range allowed {
		if v == a {
			return ""
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return fmt.Sprintf("%q is not one of %s", clip(string(v)), strings.Join(names, ", "))
}
