package db

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/lb"
)

const (
	keyA = "LTAIkeyAAAAAAAAAAAAAAAAA"
	keyB = "LTAIkeyBBBBBBBBBBBBBBBBB"
)

func TestUseNonce(t *testing.T) {
	ctx := context.Background()
	t.Run("SecondUseRefused", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		if err := d.UseNonce(ctx, keyA, "n1", exp, 10); err != nil {
			t.Fatal(err)
		}
		if err := d.UseNonce(ctx, keyA, "n1", exp, 10); lb.ErrorKind(err) != lb.KindConflict {
			t.Fatalf("second use: %v; want a conflict", err)
		}
	})
	t.Run("SameNonceOfAnotherKeyAccepted", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		for _, k := range []string{keyA, keyB} {
			if err := d.UseNonce(ctx, k, "shared", exp, 10); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
		}
	})
	t.Run("RememberedAcrossAReopen", func(t *testing.T) {
		c := newClock()
		d, path := emptyDB(t, Options{Now: c.Now})
		if err := d.UseNonce(ctx, keyA, "n1", c.Now().Add(15*time.Minute), 10); err != nil {
			t.Fatal(err)
		}
		d.Close()
		d = openAt(t, path, Options{Now: c.Now})
		if err := d.UseNonce(ctx, keyA, "n1", c.Now().Add(15*time.Minute), 10); lb.ErrorKind(err) != lb.KindConflict {
			t.Fatalf("after a reopen: %v; want a conflict", err)
		}
	})
	t.Run("RememberedUntilItExpires", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		d.UseNonce(ctx, keyA, "n1", exp, 10)
		c.Advance(15 * time.Minute)
		if err := d.UseNonce(ctx, keyA, "n1", c.Now().Add(15*time.Minute), 10); lb.ErrorKind(err) != lb.KindConflict {
			t.Fatalf("at the moment it expires: %v; want a conflict", err)
		}
		c.Advance(time.Second)
		if err := d.UseNonce(ctx, keyA, "n1", c.Now().Add(15*time.Minute), 10); err != nil {
			t.Fatalf("once expired, not yet pruned: %v; want it accepted", err)
		}
		if err := d.UseNonce(ctx, keyA, "n1", c.Now().Add(15*time.Minute), 10); lb.ErrorKind(err) != lb.KindConflict {
			t.Fatalf("used again after its second use: %v; want a conflict", err)
		}
	})
	t.Run("LimitIsPerKey", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		for i := range 3 {
			if err := d.UseNonce(ctx, keyA, fmt.Sprint(i), exp, 3); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.UseNonce(ctx, keyA, "x", exp, 3); lb.ErrorKind(err) != lb.KindTooMany {
			t.Fatalf("past the limit: %v; want too many", err)
		}
		if err := d.UseNonce(ctx, keyB, "x", exp, 3); err != nil {
			t.Fatalf("another key while the first is at its limit: %v", err)
		}
		c.Advance(16 * time.Minute)
		if err := d.UseNonce(ctx, keyA, "x", c.Now().Add(15*time.Minute), 3); err != nil {
			t.Fatalf("once its nonces expired: %v; want it accepted", err)
		}
	})
	t.Run("RefusedNonceIsNotRemembered", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		d.UseNonce(ctx, keyA, "a", exp, 1)
		if err := d.UseNonce(ctx, keyA, "b", exp, 1); lb.ErrorKind(err) != lb.KindTooMany {
			t.Fatalf("past the limit: %v; want too many", err)
		}
		if n := count(t, d, "SELECT count(*) FROM slb_nonces WHERE access_key_id = ?", keyA); n != 1 {
			t.Fatalf("%d nonces remembered; want 1: a refused call must not spend its nonce", n)
		}
	})
	t.Run("TwoStoresOnOneFileAgree", func(t *testing.T) {
		c := newClock()
		first, path := emptyDB(t, Options{Now: c.Now})
		second := openAt(t, path, Options{Now: c.Now})
		exp := c.Now().Add(15 * time.Minute)
		var accepted atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			d := []*DB{first, second}[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 50 {
					err := d.UseNonce(ctx, keyA, fmt.Sprint(j), exp, 1000)
					if err == nil {
						accepted.Add(1)
					} else if lb.ErrorKind(err) != lb.KindConflict {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if got := accepted.Load(); got != 50 {
			t.Fatalf("%d uses accepted across two stores; want 50: each nonce exactly once", got)
		}
	})
}

func TestPruneNonces(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	d, _ := emptyDB(t, Options{Now: c.Now})
	for i := range 25 {
		if err := d.UseNonce(ctx, keyA, fmt.Sprint("old", i), c.Now().Add(time.Minute), 100); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(2 * time.Minute)
	for i := range 5 {
		if err := d.UseNonce(ctx, keyB, fmt.Sprint("live", i), c.Now().Add(15*time.Minute), 100); err != nil {
			t.Fatal(err)
		}
	}
	var batches []int
	for {
		n, err := d.PruneNonces(ctx, c.Now(), 10)
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, n)
		if n < 10 {
			break
		}
	}
	if fmt.Sprint(batches) != "[10 10 5]" {
		t.Errorf("batches forgot %v nonces; want [10 10 5]", batches)
	}
	if n := count(t, d, "SELECT count(*) FROM slb_nonces"); n != 5 {
		t.Errorf("%d nonces left; want the 5 live ones", n)
	}
	if n := count(t, d, "SELECT count(*) FROM slb_nonce_counts WHERE access_key_id = ?", keyA); n != 0 {
		t.Errorf("%d counts left for the pruned key; want none", n)
	}
	if err := d.UseNonce(ctx, keyB, "live0", c.Now().Add(15*time.Minute), 100); lb.ErrorKind(err) != lb.KindConflict {
		t.Errorf("a live nonce after pruning: %v; want a conflict", err)
	}
}

// BenchmarkUseNonce measures remembering one nonce: one write transaction on the writer.
func BenchmarkUseNonce(b *testing.B) {
	d, err := Open(context.Background(), b.TempDir()+"/bench.db", Options{Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	exp := time.Now().Add(15 * time.Minute)
	i := 0
	for b.Loop() {
		i++
		if err := d.UseNonce(context.Background(), fmt.Sprint("LTAIbench", i%64), fmt.Sprintf("%032x", i), exp, 1_000_000); err != nil {
			b.Fatal(err)
		}
	}
}
