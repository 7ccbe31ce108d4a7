package dataplane

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Validate checks the desired state whole; the first error names the backend, server and
// field. A reconciler does nothing with a desired state that is not valid.
func (d Desired) Validate() error {
	seen := map[string]bool{}
	for _, be := range d.Backends {
		if err := validName(be.Name); err != nil {
			return fmt.Errorf("dataplane: backend %q: %w", be.Name, err)
		}
		if seen[be.Name] {
			return fmt.Errorf("dataplane: backend %q is listed twice", be.Name)
		}
		seen[be.Name] = true
		if err := be.validate(); err != nil {
			return fmt.Errorf("dataplane: backend %q: %w", be.Name, err)
		}
	}
	return nil
}

func (be Backend) validate() error {
	if be.DrainTimeout < 0 {
		return fmt.Errorf("drain timeout %v is negative", be.DrainTimeout)
	}
	leaving := map[string]bool{}
	for _, a := range be.Adopt {
		if err := validName(a); err != nil {
			return fmt.Errorf("adopted server %q: %w", a, err)
		}
		if strings.HasPrefix(a, Prefix) {
			return fmt.Errorf("adopted server %q: names starting with %q are lbconsole's already", a, Prefix)
		}
		leaving[a] = true
	}
	ids, kept := map[string]bool{}, map[string]string{}
	for _, s := range be.Servers {
		if err := s.validate(); err != nil {
			return fmt.Errorf("server %q: %w", s.ID, err)
		}
		if ids[s.ID] {
			return fmt.Errorf("server %q is listed twice", s.ID)
		}
		ids[s.ID] = true
		if s.Adopted == "" {
			continue
		}
		if other, ok := kept[s.Adopted]; ok {
			return fmt.Errorf("server %q: adopted server %q is server %q's already", s.ID, s.Adopted, other)
		}
		if leaving[s.Adopted] {
			return fmt.Errorf("server %q: adopted server %q is also in Adopt, the servers that leave", s.ID, s.Adopted)
		}
		kept[s.Adopted] = s.ID
	}
	return nil
}

func (s Server) validate() error {
	if err := validID(s.ID); err != nil {
		return err
	}
	if a, err := netip.ParseAddr(s.Address); err != nil || !a.Is4() {
		return fmt.Errorf("address %q is not an IPv4 address", s.Address)
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("port %d is not in 1–65535", s.Port)
	}
	if s.Weight < 0 || s.Weight > MaxWeight {
		return fmt.Errorf("weight %d is not in 0–%d", s.Weight, MaxWeight)
	}
	if s.Adopted != "" {
		if err := validName(s.Adopted); err != nil {
			return fmt.Errorf("adopted server %q: %w", s.Adopted, err)
		}
	}
	if s.Check != nil {
		return s.Check.validate()
	}
	return nil
}

func (c Check) validate() error {
	switch c.Type {
	case CheckTCP:
	case CheckHTTP:
		if !strings.HasPrefix(c.Path, "/") {
			return fmt.Errorf("health check path %q does not start with /", c.Path)
		}
	default:
		return fmt.Errorf("health check type %q is neither tcp nor http", c.Type)
	}
	if c.Interval < time.Millisecond {
		return fmt.Errorf("health check interval %v is under 1ms", c.Interval)
	}
	if c.Rise < 1 || c.Fall < 1 {
		return fmt.Errorf("health check rise %d and fall %d must be at least 1", c.Rise, c.Fall)
	}
	return nil
}

// validID accepts member ids as lbconsole makes them: letters, digits, '-', '_', '.', 1–64.
func validID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("id %q: want 1–64 characters", id)
	}
	for _, r := range id {
		if !isNameRune(r) || r == ':' {
			return fmt.Errorf("id %q: %q is not allowed (letters, digits, '-', '_', '.')", id, r)
		}
	}
	return nil
}

// validName accepts what HAProxy accepts as a proxy or server name.
func validName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	for _, r := range name {
		if !isNameRune(r) {
			return fmt.Errorf("%q is not allowed (letters, digits, '-', '_', '.', ':')", r)
		}
	}
	return nil
}

func isNameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-_.:", r)
}
