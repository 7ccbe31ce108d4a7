package haproxy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Backends lists the names of the node's backends (`show backend`; `listen` sections count,
// frontends do not).
func (c *Client) Backends(ctx context.Context) ([]string, error) {
	answer, err := c.Run(ctx, "show", "backend")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(answer, "\n")
	if len(lines) == 0 || lines[0] != "# name" {
		return nil, c.refused("show backend", answer)
	}
	var names []string
	for _, l := range lines[1:] {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	return names, nil
}

// Servers reads every server of backend: `show servers state` for the administrative and
// operational state and weight, joined by name with `show stat` for status text, health check
// detail, sessions and session rate. The two commands are two snapshots a few microseconds
// apart: a server present in only one of them (added or deleted in between) is left out, and
// the next read will see it.
func (c *Client) Servers(ctx context.Context, backend string) ([]Server, error) {
	if err := checkName("backend", backend); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	answer, err := c.Run(ctx, "show", "servers", "state", backend)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(answer, "1\n") {
		return nil, c.refused("show servers state "+backend, answer)
	}
	states, err := ParseServersState(answer)
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	// type 4 asks for servers only, -1 for all of them.
	answer, err = c.Run(ctx, "show", "stat", backend, "4", "-1")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(answer, "# ") {
		return nil, c.refused("show stat "+backend+" 4 -1", answer)
	}
	stats, err := ParseStat(answer)
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	return join(states, stats), nil
}

func join(states []StateRow, stats []StatRow) []Server {
	byName := make(map[string]StatRow, len(stats))
	for _, s := range stats {
		if s.Type == StatServer {
			byName[s.Proxy+"/"+s.Name] = s
		}
	}
	servers := make([]Server, 0, len(states))
	for _, st := range states {
		s, ok := byName[st.Backend+"/"+st.Name]
		if !ok {
			continue
		}
		servers = append(servers, Server{
			Backend: st.Backend, Name: st.Name, Address: st.Address, Port: st.Port,
			Admin: st.Admin, Op: st.Op, Weight: st.Weight, Check: st.Check, Result: st.Result,
			Status: s.Status, CheckStatus: s.CheckStatus, CheckCode: s.CheckCode,
			CheckDesc: s.CheckDesc, LastCheck: s.LastCheck, Sessions: s.Sessions,
			SessionRate: s.SessionRate, Rise: s.Rise, Fall: s.Fall, Backup: s.Backup,
			FQDN: st.FQDN, CheckHealth: st.Health,
		})
	}
	return servers
}

// HealthCheck is the part of a server's health check that `add server` can set. The kind of
// check (TCP connect, or HTTP with its method and path) is the backend's: `option httpchk` in
// haproxy.cfg, which the Runtime API cannot change.
type HealthCheck struct {
	Interval time.Duration // inter; rounded down to whole milliseconds, at least 1 ms
	Rise     int
	Fall     int
}

// NewServer is a server to add with AddServer.
type NewServer struct {
	Name    string
	Address string // an IP address; HAProxy would also take a host name, but resolve it itself
	Port    int
	Weight  int          // 0–256
	Check   *HealthCheck // nil: no health check, ever (one cannot be configured later)
	// Backup makes a backup server, which takes requests only when no active server is up. It is
	// set for good: HAProxy 2.6 has no command to change it at runtime.
	Backup bool
}

// AddServer creates a server (`add server BACKEND/NAME ADDR:PORT weight W [backup] [check inter
// … rise R fall F]`). HAProxy 2.6 creates it in maintenance with its health check configured but
// disabled: follow with EnableHealth (if it has a check) and SetState(StateReady).
func (c *Client) AddServer(ctx context.Context, backend string, s NewServer) error {
	target, err := c.target(backend, s.Name)
	if err != nil {
		return err
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("haproxy %s: add server %s: port %d is not in 1–65535", c.node, target, s.Port)
	}
	words := []string{"add", "server", target, s.Address + ":" + strconv.Itoa(s.Port),
		"weight", strconv.Itoa(s.Weight)}
	if s.Backup {
		words = append(words, "backup")
	}
	if ch := s.Check; ch != nil {
		ms := max(ch.Interval.Milliseconds(), 1)
		words = append(words, "check", "inter", strconv.FormatInt(ms, 10)+"ms",
			"rise", strconv.Itoa(ch.Rise), "fall", strconv.Itoa(ch.Fall))
	}
	return c.expect(ctx, "New server registered.", words...)
}

// SetWeight sets a server's weight (`set server B/S weight W`), 0–256.
func (c *Client) SetWeight(ctx context.Context, backend, server string, weight int) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	return c.expect(ctx, "", "set", "server", target, "weight", strconv.Itoa(weight))
}

// SetState sets a server's administrative state (`set server B/S state ready|drain|maint`).
// Ready also ends maintenance and drain; maint also ends drain.
func (c *Client) SetState(ctx context.Context, backend, server string, state State) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	switch state {
	case StateReady, StateDrain, StateMaint:
	default:
		return fmt.Errorf("haproxy %s: set server %s state: unknown state %q", c.node, target, state)
	}
	return c.expect(ctx, "", "set", "server", target, "state", string(state))
}

// SetAddr moves a server to another address and port (`set server B/S addr A port P`).
// Established sessions stay where they are; new ones go to the new address.
func (c *Client) SetAddr(ctx context.Context, backend, server, addr string, port int) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	cmd := []string{"set", "server", target, "addr", addr, "port", strconv.Itoa(port)}
	answer, err := c.Run(ctx, cmd...)
	if err != nil {
		return err
	}
	// Success is worded as a report of what changed, or did not need to.
	if strings.Contains(answer, "changed from") || strings.Contains(answer, "no need to change") {
		return nil
	}
	return c.refused(strings.Join(cmd, " "), answer)
}

// EnableHealth starts a server's health check (`enable health B/S`); HAProxy runs the first
// check at once. It is refused for a server created without `check`.
func (c *Client) EnableHealth(ctx context.Context, backend, server string) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	return c.expect(ctx, "", "enable", "health", target)
}

// DisableHealth stops a server's health check (`disable health B/S`); the server then counts
// as up.
func (c *Client) DisableHealth(ctx context.Context, backend, server string) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	return c.expect(ctx, "", "disable", "health", target)
}

// DelServer deletes a server (`del server B/S`). HAProxy 2.6 deletes only a server in
// maintenance that nothing else refers to (a `track`, a `use-server`); servers from haproxy.cfg
// can be deleted too.
func (c *Client) DelServer(ctx context.Context, backend, server string) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	return c.expect(ctx, "Server deleted.", "del", "server", target)
}

// ShutdownSessions cuts every session a server still has (`shutdown sessions server B/S`):
// a request in flight on it fails (the client gets a 502). HAProxy refuses to delete a server
// with connections, so this is how a drain that timed out ends.
func (c *Client) ShutdownSessions(ctx context.Context, backend, server string) error {
	target, err := c.target(backend, server)
	if err != nil {
		return err
	}
	return c.expect(ctx, "", "shutdown", "sessions", "server", target)
}

// expect runs a command whose only successful answer is want; anything else is HAProxy's
// refusal, surfaced as an *Error with its text.
func (c *Client) expect(ctx context.Context, want string, words ...string) error {
	answer, err := c.Run(ctx, words...)
	if err != nil {
		return err
	}
	if strings.TrimSpace(answer) != want {
		return c.refused(strings.Join(words, " "), answer)
	}
	return nil
}

func (c *Client) refused(cmd, answer string) error {
	msg := strings.TrimSpace(answer)
	if msg == "" {
		msg = "(empty answer)"
	}
	return &Error{Node: c.node, Command: cmd, Message: clip(msg)}
}
