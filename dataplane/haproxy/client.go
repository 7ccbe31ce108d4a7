package haproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
	"unicode"
)

// DefaultTimeout bounds every command (and the caller's context may bound it sooner), so that a
// node that accepts connections but never answers cannot hold a reconciler's pass for long.
const DefaultTimeout = 5 * time.Second

// maxAnswer caps what one command may answer; `show stat` of a 1,000-server backend is ~1 MB.
const maxAnswer = 16 << 20

// Client speaks to one HAProxy node's Runtime API. It opens one connection per command (the
// socket's non-interactive mode: HAProxy answers and closes), so a Client holds no connection,
// is safe for concurrent use, and needs no Close.
type Client struct {
	node    string
	network string
	address string
}

// New returns a client for the node named node (used in every error) at address, which is
// "unix:/path/to/admin.sock" or "tcp:HOST:PORT". The stats socket must be at level admin for
// anything but reads.
func New(node, address string) (*Client, error) {
	network, rest, ok := strings.Cut(address, ":")
	if !ok || rest == "" {
		return nil, fmt.Errorf("haproxy %s: address %q: want unix:/path/to/socket or tcp:host:port", node, address)
	}
	switch network {
	case "unix":
		if !strings.HasPrefix(rest, "/") {
			return nil, fmt.Errorf("haproxy %s: address %q: the socket path must be absolute", node, address)
		}
	case "tcp":
		if _, _, err := net.SplitHostPort(rest); err != nil {
			return nil, fmt.Errorf("haproxy %s: address %q: %v", node, address, err)
		}
	default:
		return nil, fmt.Errorf("haproxy %s: address %q: unknown network %q (want unix or tcp)", node, address, network)
	}
	return &Client{node: node, network: network, address: rest}, nil
}

// Node is the name the client was given, as it appears in errors.
func (c *Client) Node() string { return c.node }

// Error is a command HAProxy received and refused: Message is HAProxy's own text (for example
// "Only servers in maintenance mode can be deleted."). A refusal is not transient: repeating
// the same command at once gets the same answer.
type Error struct {
	Node    string
	Command string
	Message string
}

// Error names the node, the command and HAProxy's answer.
func (e *Error) Error() string {
	return fmt.Sprintf("haproxy %s: %q refused: %s", e.Node, e.Command, e.Message)
}

// IsRefused reports whether err is HAProxy refusing a command (as opposed to the node being
// unreachable, slow, or answering something unreadable).
func IsRefused(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Run sends one command made of words and returns HAProxy's answer without its trailing blank
// lines. Each word is checked: the Runtime API splits commands on ';' and words on spaces, so a
// word holding either (or a control character or backslash) could smuggle in a second command;
// such a word is refused before anything is sent. Run does not judge the answer: the typed
// operations do, because HAProxy reports success and failure in the same free text.
func (c *Client) Run(ctx context.Context, words ...string) (string, error) {
	cmd, err := c.command(words)
	if err != nil {
		return "", err
	}
	answer, err := c.exchange(ctx, cmd)
	if err != nil {
		return "", fmt.Errorf("haproxy %s: %q: %w", c.node, cmd, err)
	}
	return answer, nil
}

func (c *Client) command(words []string) (string, error) {
	if len(words) == 0 {
		return "", fmt.Errorf("haproxy %s: empty command", c.node)
	}
	for _, w := range words {
		if err := checkWord(w); err != nil {
			return "", fmt.Errorf("haproxy %s: command %q: %w", c.node, strings.Join(words, " "), err)
		}
	}
	return strings.Join(words, " "), nil
}

func checkWord(w string) error {
	if w == "" {
		return errors.New("empty word")
	}
	for _, r := range w {
		if r == ';' || r == '\\' || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("word %q holds %q, which the Runtime API would not take literally", w, r)
		}
	}
	return nil
}

func (c *Client) exchange(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return "", err
	}
	// Closing the connection is what interrupts a blocked read when ctx is cancelled early.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if _, err := io.WriteString(conn, cmd+"\n"); err != nil {
		return "", ctxErr(ctx, err)
	}
	raw, err := io.ReadAll(io.LimitReader(conn, maxAnswer+1))
	if err != nil {
		return "", ctxErr(ctx, err)
	}
	if len(raw) > maxAnswer {
		return "", fmt.Errorf("answer longer than %d bytes", maxAnswer)
	}
	return strings.TrimRight(string(raw), "\n"), nil
}

// ctxErr prefers the context's reason (deadline, cancellation) over the socket error it caused.
// The socket's deadline is the context's, and may fire a moment before the context notices.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

// checkName refuses a backend or server name HAProxy would refuse (it allows letters, digits,
// '-', '_', '.' and ':'), so that a bad name fails here, naming itself, before anything is sent.
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("empty %s name", kind)
	}
	for _, r := range name {
		ok := r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.:", r))
		if !ok {
			return fmt.Errorf("%s name %q: %q is not allowed (letters, digits, '-', '_', '.', ':')", kind, name, r)
		}
	}
	return nil
}

// target checks a backend and server name and joins them as HAProxy wants them: "backend/server".
func (c *Client) target(backend, server string) (string, error) {
	if err := checkName("backend", backend); err != nil {
		return "", fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	if err := checkName("server", server); err != nil {
		return "", fmt.Errorf("haproxy %s: %w", c.node, err)
	}
	return backend + "/" + server, nil
}
