package haproxy

import (
	"context"
	"fmt"
	"strings"
)

// Snapshot is the whole of a node's backends and their servers, as two commands read it.
type Snapshot struct {
	Backends []Backend // in the order of haproxy.cfg
}

// Backend is one backend (or listen section) of a node.
type Backend struct {
	Name      string
	Mode      string // "http" or "tcp"
	Algorithm string // "roundrobin", "static-rr", "leastconn", "source", …; "unknown" for random
	Servers   []Server
}

// Backend returns the backend named name, and whether the node has it.
func (s Snapshot) Backend(name string) (Backend, bool) {
	for _, b := range s.Backends {
		if b.Name == name {
			return b, true
		}
	}
	return Backend{}, false
}

// Snapshot reads every backend of the node and every server in them with two commands, whatever
// the number of backends: `show servers state` (all backends) and `show stat -1 6 -1` (the rows
// of every backend and server). As with Servers, a server present in only one of the two
// answers, added or deleted in between, is left out until the next read.
func (c *Client) Snapshot(ctx context.Context) (Snapshot, error) {
	state, err := c.Run(ctx, "show", "servers", "state")
	if err != nil {
		return Snapshot{}, err
	}
	if !strings.HasPrefix(state, "1\n") {
		return Snapshot{}, c.refused("show servers state", state)
	}
	// -1: every proxy; 6: backends (2) and servers (4), not frontends; -1: every server.
	stat, err := c.Run(ctx, "show", "stat", "-1", "6", "-1")
	if err != nil {
		return Snapshot{}, err
	}
	if !strings.HasPrefix(stat, "# ") {
		return Snapshot{}, c.refused("show stat -1 6 -1", stat)
	}
	snap, err := ParseSnapshot(state, stat)
	if err != nil {
		return Snapshot{}, fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	return snap, nil
}

// ParseSnapshot reads the answers to `show servers state` and `show stat -1 6 -1` into a
// Snapshot: the backends are the stat answer's BACKEND rows, each with its servers in the order
// of the state answer.
func ParseSnapshot(state, stat string) (Snapshot, error) {
	states, err := ParseServersState(state)
	if err != nil {
		return Snapshot{}, err
	}
	stats, err := ParseStat(stat)
	if err != nil {
		return Snapshot{}, err
	}
	servers := join(states, stats)
	var snap Snapshot
	for _, row := range stats {
		if row.Type != StatBackend {
			continue
		}
		be := Backend{Name: row.Proxy, Mode: row.Mode, Algorithm: row.Algorithm}
		for _, s := range servers {
			if s.Backend == be.Name {
				be.Servers = append(be.Servers, s)
			}
		}
		snap.Backends = append(snap.Backends, be)
	}
	return snap, nil
}
