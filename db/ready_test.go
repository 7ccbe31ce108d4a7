package db

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

func TestReady(t *testing.T) {
	d, _ := emptyDB(t, Options{})
	if err := d.Ready(context.Background()); err != nil {
		t.Errorf("Ready on a fresh database = %v", err)
	}
	// The probe has a connection of its own: a read pool and a writer held to the last
	// connection do not keep it from answering.
	ctx := context.Background()
	var held []*sql.Conn
	for i := 0; i < d.read.Stats().MaxOpenConnections; i++ {
		c, err := d.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	time.Sleep(readyFor)
	wait, cancel := context.WithTimeout(ctx, 2*probeTimeout)
	defer cancel()
	if err := d.Ready(wait); err != nil {
		t.Errorf("Ready with every read connection taken = %v", err)
	}
}

// A writer that holds the lock longer than the probe waits is load, not a broken database: a
// console busy with writes must stay in rotation.
func TestReadyWhileAnotherWriterHoldsTheLock(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	tx, err := d.write.BeginTx(ctx, nil) // immediate: it takes the write lock now
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := d.Ready(ctx); err != nil {
		t.Errorf("Ready while another writer holds the lock = %v; want ready", err)
	}
}
