package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// On PostgreSQL, several consoles share the database, and the one that reconciles a node is
// not always the one that applied a batch to it. After each commit that may change the data
// plane, the store tells the other consoles with a NOTIFY on one channel; WatchChanges, run by
// each console's data-plane controller, listens on it and passes what it hears to the
// controller as the local store passes its own commits. A notice lost (a console killed
// between its commit and its notice, a listener reconnecting) costs only time: every node is
// reconciled periodically as well.

// changeChannel is the channel of the notices.
const changeChannel = "lbconsole_dataplane"

// notifyTimeout bounds sending one notice, after a commit that has already succeeded.
const notifyTimeout = 2 * time.Second

// listenRefresh is how long a listener waits for a notice before it reconnects, so that a
// connection cut off without a word (a network partition) is noticed and replaced.
const listenRefresh = 30 * time.Second

// maxPayload keeps a notice under PostgreSQL's 8,000-byte limit: longer lists of load
// balancers are sent as "anything may have changed".
const maxPayload = 7000

// newOrigin names one store among those on a database, so that a console skips its own
// notices: it has heard of its own commits already.
func newOrigin() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// notifyOthers tells the other consoles on the database that the load balancers lbIDs (with
// none, anything) may have changed. It does nothing on SQLite. A notice that cannot be sent is
// dropped: the commit stands, and the periodic passes pick the change up.
func (d *DB) notifyOthers(lbIDs []string) {
	if d.listenConfig == nil {
		return
	}
	payload := d.origin + " " + strings.Join(lbIDs, ",")
	if len(payload) > maxPayload {
		payload = d.origin + " "
	}
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	d.write.ExecContext(ctx, "SELECT pg_notify(?, ?)", changeChannel, payload)
}

// WatchChanges passes l what other consoles on the database say they changed in the data
// plane, until ctx ends. Each time it starts listening (at first, and after a lost
// connection) it tells l that anything may have changed, since notices sent meanwhile were
// missed. On SQLite, whose consoles share no notices, it returns at once: there a second
// console's changes reach the nodes at their next periodic pass.
func (d *DB) WatchChanges(ctx context.Context, l ChangeListener) {
	if d.listenConfig == nil {
		return
	}
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		start := time.Now()
		d.listen(ctx, l)
		if time.Since(start) > listenRefresh {
			wait = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listen connects, listens and passes notices to l until the connection fails, ctx ends or
// listenRefresh passes without a notice.
func (d *DB) listen(ctx context.Context, l ChangeListener) error {
	conn, err := pgx.ConnectConfig(ctx, d.listenConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	l.DataplaneChanged()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenRefresh)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			return err
		}
		origin, ids, _ := strings.Cut(n.Payload, " ")
		switch {
		case origin == d.origin:
		case ids == "":
			l.DataplaneChanged()
		default:
			l.DataplaneChanged(strings.Split(ids, ",")...)
		}
	}
}
