package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// A lease taken after a wait for the write lock (other consoles' writes before it) lasts its
// ttl from when it is written, not from when it was asked for: otherwise a console that waited
// most of a ttl for its turn would renew a lease that expires almost at once, while it counts
// on a full one. On PostgreSQL a lease does not wait for the write lock at all: it is taken
// while another console holds it.
func TestALeaseLastsItsTTLFromItsWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const ttl = 10 * time.Second
	eachBackend(t, func(t *testing.T, dsn string) {
		clk := newClock()
		asked := make(chan struct{}, 1)
		a := openAt(t, dsn, Options{Now: clk.Now})
		b := openAt(t, dsn, Options{Now: func() time.Time {
			select {
			case asked <- struct{}{}:
			default:
			}
			return clk.Now()
		}})
		inLock, release := make(chan struct{}), make(chan struct{})
		held := make(chan error, 1)
		go func() {
			held <- a.inWriteTx(ctx, func(*sql.Tx) error { close(inLock); <-release; return nil })
		}()
		<-inLock
		select {
		case <-asked: // what opening b asked
		default:
		}
		took := make(chan error, 1)
		go func() {
			ok, err := b.TryLease(ctx, "node-1", "console-b", ttl)
			if err == nil && !ok {
				err = errors.New("a free lease was not taken")
			}
			took <- err
		}()
		if b.dialect.writeLock != "" {
			select {
			case err := <-took:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("on PostgreSQL the lease waited for another console's write lock")
			}
			close(release)
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			return
		}
		// A store that reads its clock before its turn comes does so at once; one that reads
		// it with the lock does not until the lock is let go.
		select {
		case <-asked:
		case <-time.After(500 * time.Millisecond):
		}
		clk.Advance(time.Minute) // the turn was a minute coming
		close(release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		if err := <-took; err != nil {
			t.Fatal(err)
		}
		holder, expires, err := a.LeaseHolder(ctx, "node-1")
		if err != nil {
			t.Fatal(err)
		}
		if want := clk.Now().Add(ttl); holder != "console-b" || !expires.Equal(want) {
			t.Errorf("LeaseHolder = %q until %s; want console-b until %s, a ttl after the write", holder, expires, want)
		}
	})
}
