package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// readiness answers whether the database takes writes, through a connection of its own: no
// load on the pools the pages and APIs use can starve it, so a busy console still says it is
// ready and a broken one says it is not.
type readiness struct {
	conn *sql.DB
	mu   sync.Mutex // one probe at a time; the others wait for its answer
	at   time.Time  // when err was found
	err  error
}

const (
	// readyFor is how long a probe's answer is reused: a load balancer polling hard costs
	// one small write a second.
	readyFor = time.Second
	// probeTimeout bounds a probe, waiting for another writer's lock included.
	probeTimeout = 2 * time.Second
)

func (r *readiness) open(path string) error {
	conn, err := sql.Open("sqlite", dsn(path, false, probeTimeout/2))
	if err != nil {
		return fmt.Errorf("db: unable to open %s for the readiness probe: %w", path, err)
	}
	conn.SetMaxOpenConns(1)
	r.conn = conn
	return nil
}

// close closes the probe's connection and forgets its last answer: a closed store is not ready.
func (r *readiness) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = time.Time{}
	if r.conn == nil {
		return nil
	}
	return r.conn.Close()
}

// Ready reports whether the database answers and takes a write: it rewrites one row on a
// connection used for nothing else. When storage refuses the write (a full disk, a read-only
// file), the error says so and IsUnavailable reports true. The answer is reused for a second.
func (d *DB) Ready(ctx context.Context) error {
	r := &d.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < readyFor {
		return r.err
	}
	// The probe's answer serves every caller for a second: one caller giving up must not
	// cut it short.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	defer cancel()
	_, err := r.conn.ExecContext(ctx, "UPDATE readiness_probe SET checked_at = ? WHERE id = 1", formatTime(d.now()))
	if sqliteCode(err) == sqlite3.SQLITE_BUSY {
		// Other writers kept the lock longer than the probe waits: the database takes
		// writes, it is busy with them. Saying not ready would take a loaded console out of
		// rotation just when it is needed.
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("db: unable to write the readiness probe: %w", err)
	}
	r.at, r.err = time.Now(), err
	return err
}
