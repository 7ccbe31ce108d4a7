package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// testRole is the ordinary role that owns the test databases and that tests connect as.
const testRole = "lbconsole"

// serverSettings tune the throwaway cluster for tests: its data is thrown away, so nothing is
// made durable, and it is small, as several test binaries may each run one at once.
var serverSettings = []string{
	"listen_addresses=127.0.0.1",
	"fsync=off",
	"synchronous_commit=off",
	"full_page_writes=off",
	"shared_buffers=32MB",
	"huge_pages=off",
	// Several console replicas, each with a writer, a pool of readers and a probe, plus the
	// tests' own connections.
	"max_connections=200",
	// Tests are short and their databases dropped: vacuuming them is wasted work.
	"autovacuum=off",
	"jit=off",
	"TimeZone=UTC",
	"logging_collector=off",
}

// cluster is a throwaway PostgreSQL cluster owned by this test binary.
type cluster struct {
	bins       binaries
	acct       account
	dir        string // the cluster's directory: owner file, socket, log, data/
	data       string
	port       int
	server     *process
	admin      *sql.DB       // the superuser's connections, which create and drop databases
	initdbTook time.Duration // how long initdb took
	startTook  time.Duration // how long the server then took to accept connections
	swept      []string      // clusters of dead test binaries removed before this one started
}

func (c *cluster) logPath() string { return filepath.Join(c.dir, "postgres.log") }

// adminURL is the superuser's URL, for creating and dropping databases.
func (c *cluster) adminURL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startCluster makes a cluster in a new directory, starts its server and creates testRole.
// On failure nothing of it is left running or on disk.
func startCluster(ctx context.Context, bins binaries, acct account) (_ *cluster, err error) {
	parent := clusterParent(acct)
	c := &cluster{bins: bins, acct: acct, swept: sweep(parent)}
	if c.dir, err = os.MkdirTemp(parent, dirPrefix+"*"); err != nil {
		return nil, fmt.Errorf("pgtest: unable to make the cluster's directory: %w", err)
	}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	if err := writeOwner(c.dir); err != nil {
		return nil, err
	}
	if err := os.Chown(c.dir, acct.uid, acct.gid); err != nil {
		return nil, fmt.Errorf("pgtest: unable to give %s to the cluster's user: %w", c.dir, err)
	}
	c.data = filepath.Join(c.dir, "data")
	began := time.Now()
	if err := c.initdb(); err != nil {
		return nil, err
	}
	c.initdbTook = time.Since(began)
	began = time.Now()
	if err := c.startServer(ctx); err != nil {
		return nil, err
	}
	c.startTook = time.Since(began)
	return c, nil
}

// clusterParent is the directory that holds the cluster's directory: the temporary directory,
// or /tmp when the postgres user could not reach it (a TMPDIR under /root).
func clusterParent(acct account) string {
	dir := os.TempDir()
	if acct.cred == nil {
		return dir
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.bins.path(name), args...)
	cmd.Dir = c.dir
	cmd.Env = serverEnv()
	return cmd
}

// initdb makes the data directory: superuser postgres, trusted local connections only, C
// locale so that text compares as bytes (as in SQLite), nothing synced to disk.
func (c *cluster) initdb() error {
	out, err := run(c.command("initdb", "-D", c.data, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync"), c.acct)
	if err != nil {
		return fmt.Errorf("pgtest: initdb failed: %w\n%s", err, out)
	}
	// Only the socket and 127.0.0.1 are let in (initdb also lets in ::1 and replication).
	hba := "local all all trust\nhost all all 127.0.0.1/32 trust\n"
	path := filepath.Join(c.data, "pg_hba.conf")
	if err := os.WriteFile(path, []byte(hba), 0o600); err != nil {
		return fmt.Errorf("pgtest: unable to write %s: %w", path, err)
	}
	return os.Chown(path, c.acct.uid, c.acct.gid)
}

// stopGrace is how long the server gets to stop before it is killed.
const stopGrace = 15 * time.Second

// stopServer stops the server, if it runs, with an immediate shutdown, and waits for it.
func (c *cluster) stopServer() error {
	p := c.server
	if p == nil {
		return nil
	}
	c.server = nil
	p.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("pgtest: the server did not stop within %s and was killed", stopGrace)
	}
}

// stop stops the server and removes the cluster's directory.
func (c *cluster) stop() error {
	var err error
	if c.admin != nil {
		err = c.admin.Close()
	}
	err = errors.Join(err, c.stopServer())
	if c.dir != "" {
		if rmErr := os.RemoveAll(c.dir); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("pgtest: unable to remove the cluster: %w", rmErr))
		}
	}
	return err
}
