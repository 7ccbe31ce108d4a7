package db

import (
	"context"
	"errors"
	"testing"
	"time"

	"lbconsole/lb"
)

func TestExportLeases(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	d, path := emptyDB(t, Options{Now: clock.Now})
	// A second store on the same file stands for a second console process.
	other := openAt(t, path, Options{Now: clock.Now})
	alice, err := d.CreateUser(ctx, Origin{Actor: "test", Source: SourceCLI}, "alice", lb.RoleViewer, "x")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := d.CreateUser(ctx, Origin{Actor: "test", Source: SourceCLI}, "bob", lb.RoleViewer, "x")
	if err != nil {
		t.Fatal(err)
	}
	const limit, ttl = 2, time.Minute

	t.Run("a user holds at most limit slots, across processes", func(t *testing.T) {
		a1, err := d.AcquireExportLease(ctx, alice.ID, limit, ttl)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := other.AcquireExportLease(ctx, alice.ID, limit, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if a1.Slot == a2.Slot {
			t.Errorf("two leases share slot %d", a1.Slot)
		}
		for _, s := range []*DB{d, other} {
			if _, err := s.AcquireExportLease(ctx, alice.ID, limit, ttl); !errors.Is(err, ErrTooManyExports) {
				t.Errorf("a third lease = %v, want ErrTooManyExports", err)
			}
		}
		if _, err := d.AcquireExportLease(ctx, bob.ID, limit, ttl); err != nil {
			t.Errorf("another user's lease = %v, want one: the cap is per user", err)
		}
		if err := other.ReleaseExportLease(ctx, a1); err != nil {
			t.Fatal(err)
		}
		a3, err := d.AcquireExportLease(ctx, alice.ID, limit, ttl)
		if err != nil || a3.Slot != a1.Slot {
			t.Errorf("after a release: lease in slot %d, %v; want slot %d", a3.Slot, err, a1.Slot)
		}
	})

	t.Run("an expired slot is free; its old holder has lost it", func(t *testing.T) {
		carol, err := d.CreateUser(ctx, Origin{Actor: "test", Source: SourceCLI}, "carol", lb.RoleViewer, "x")
		if err != nil {
			t.Fatal(err)
		}
		held, err := d.AcquireExportLease(ctx, carol.ID, 1, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.RenewExportLease(ctx, held, ttl); err != nil {
			t.Errorf("renewing a held lease = %v", err)
		}
		clock.Advance(ttl + time.Second)
		taker, err := other.AcquireExportLease(ctx, carol.ID, 1, ttl)
		if err != nil {
			t.Fatalf("a lease once the only slot expired = %v", err)
		}
		if err := d.RenewExportLease(ctx, held, ttl); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("renewing a lease whose slot was taken = %v, want ErrLeaseLost", err)
		}
		// Releasing a lost lease leaves the new holder's slot alone.
		if err := d.ReleaseExportLease(ctx, held); err != nil {
			t.Fatal(err)
		}
		if err := other.RenewExportLease(ctx, taker, ttl); err != nil {
			t.Errorf("the new holder's renewal after the old one released = %v", err)
		}
	})
}
