package pgtest

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// portTries is how many free ports startServer tries: another program may take the port it
// picked before the server binds it.
const portTries = 3

// startServer starts the server on a free port of 127.0.0.1 and waits until it accepts
// connections, then creates testRole.
func (c *cluster) startServer(ctx context.Context) error {
	for try := 1; ; try++ {
		err := c.tryPort(ctx)
		if err == nil {
			break
		}
		if try == portTries || !errors.Is(err, errPortTaken) {
			return err
		}
	}
	admin, err := sql.Open("pgx", c.adminURL())
	if err != nil {
		return fmt.Errorf("pgtest: unable to connect to the cluster: %w", err)
	}
	c.admin = admin
	if _, err := admin.ExecContext(ctx, "CREATE ROLE "+testRole+" LOGIN"); err != nil {
		return fmt.Errorf("pgtest: unable to create role %s: %w", testRole, err)
	}
	return nil
}

var errPortTaken = errors.New("pgtest: the port was taken")

// tryPort starts the server on a port that is free now and waits until it is ready.
func (c *cluster) tryPort(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	log, err := os.OpenFile(c.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: unable to open the server's log: %w", err)
	}
	defer log.Close() // the server has its own copy
	logFrom, _ := log.Seek(0, io.SeekEnd)
	args := []string{"-D", c.data, "-c", "port=" + strconv.Itoa(port), "-c", "unix_socket_directories=" + c.socketDir()}
	for _, s := range serverSettings {
		args = append(args, "-c", s)
	}
	cmd := c.command("postgres", args...)
	cmd.Stdout, cmd.Stderr = log, log
	// SIGQUIT is an immediate shutdown: the server stops its processes and removes its
	// shared memory rather than leave them behind as SIGKILL would.
	if c.server, err = launch(cmd, c.acct, syscall.SIGQUIT); err != nil {
		return err
	}
	if err := c.waitReady(ctx); err != nil {
		c.stopServer()
		tail := c.logSince(logFrom)
		if strings.Contains(tail, "could not bind") || strings.Contains(tail, "could not create any TCP/IP sockets") {
			return fmt.Errorf("%w: %s", errPortTaken, tail)
		}
		return fmt.Errorf("%w; the server's log says:\n%s", err, tail)
	}
	return nil
}

// socketDir is where the server puts its unix socket, for psql -h DIR when a test needs
// looking into: the cluster's directory, or none when its path is too long for a socket's
// (the tests themselves connect over TCP).
func (c *cluster) socketDir() string {
	const maxSocketPath = 107 // sun_path less its final NUL
	if len(c.dir)+len("/.s.PGSQL.65535") > maxSocketPath {
		return ""
	}
	return c.dir
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: unable to find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady waits until postmaster.pid says the server accepts connections (line 8, "ready"),
// or the server exits, or ctx ends.
func (c *cluster) waitReady(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if c.pidFileLine(8) == "ready" {
			return nil
		}
		select {
		case <-c.server.done:
			return fmt.Errorf("pgtest: the server exited while starting: %v", c.server.err)
		case <-ctx.Done():
			return fmt.Errorf("pgtest: the server did not get ready: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// pidFileLine returns line n (from 1) of the data directory's postmaster.pid, trimmed.
func (c *cluster) pidFileLine(n int) string {
	f, err := os.Open(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for i := 1; s.Scan(); i++ {
		if i == n {
			return strings.TrimSpace(s.Text())
		}
	}
	return ""
}

func (c *cluster) logSince(offset int64) string {
	b, _ := os.ReadFile(c.logPath())
	if offset > int64(len(b)) {
		offset = 0
	}
	return strings.TrimSpace(string(b[offset:]))
}
