package fleet

import "lbconsole/lb"

// Effective returns the server with its defaults filled in: type ecs, status Running.
func (s Server) Effective() Server {
	if s.Type == "" {
		s.Type = lb.TypeECS
	}
	if s.Status == "" {
		s.Status = lb.StatusRunning
	}
	return s
}

// Effective returns the load balancer with its defaults filled in (status active) and its
// groups' too.
func (l LoadBalancer) Effective() LoadBalancer {
	if l.Status == "" {
		l.Status = lb.LBActive
	}
	if l.Groups != nil {
		groups := make([]Group, len(l.Groups))
		for i, g := range l.Groups {
			groups[i] = g.Effective()
		}
		l.Groups = groups
	}
	return l
}

// Effective returns the group with every default filled in: the backend is the group's name,
// the health check tcp every 2s with rise 2 and fall 3 (an http check's path /), the drain
// timeout 30s. The members are shared with g, not copied.
func (g Group) Effective() Group {
	if g.Backend == "" {
		g.Backend = g.Name
	}
	hc := HealthCheck{}
	if g.HealthCheck != nil {
		hc = *g.HealthCheck
	}
	if hc.Type == "" {
		hc.Type = DefaultCheckType
	}
	if hc.Type == CheckHTTP && hc.Path == "" {
		hc.Path = DefaultCheckPath
	}
	if hc.Interval == nil {
		hc.Interval = Dur(DefaultCheckInterval)
	}
	if hc.Rise == nil {
		hc.Rise = intPtr(DefaultRise)
	}
	if hc.Fall == nil {
		hc.Fall = intPtr(DefaultFall)
	}
	g.HealthCheck = &hc
	if g.DrainTimeout == nil {
		g.DrainTimeout = Dur(DefaultDrainTimeout)
	}
	return g
}

func intPtr(n int) *int { return &n }

// memberWeight is the weight a member has or gets: its own, or the default for a new one.
func memberWeight(m Member) int {
	if m.Weight != nil {
		return *m.Weight
	}
	return lb.DefaultWeight
}

func memberDescription(m Member) string {
	if m.Description != nil {
		return *m.Description
	}
	return ""
}
