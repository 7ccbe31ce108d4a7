package db

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestConcurrentBatches(t *testing.T) {
	const workers, batches = 8, 10
	ctx := context.Background()
	d, _ := seededDB(t, Options{})
	small := smallGroup(t, d)
	ms := members(t, d, small.Group.ID)
	if len(ms) < workers {
		t.Fatalf("group %s has %d members, want at least %d", small.Group.ID, len(ms), workers)
	}
	start := groupVersion(t, d, small)

	t.Run("batches from many goroutines all apply, one version step each", func(t *testing.T) {
		errs := make(chan error, workers*batches)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			// Each goroutine owns one member and flips its weight between 1 and 2, so every
			// batch changes something whatever order they run in (demo weights are 50 or 100).
			member := ms[w].ID
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < batches; i++ {
					req := weightReq(small, fmt.Sprintf("worker-%d", w), member, 1+i%2)
					if _, err := d.ApplyBatch(ctx, req); err != nil {
						errs <- fmt.Errorf("worker %d batch %d: %w", w, i, err)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got, want := groupVersion(t, d, small), start+workers*batches; got != want {
			t.Errorf("group version = %d, want %d", got, want)
		}
		final := map[string]int{}
		for _, m := range members(t, d, small.Group.ID) {
			final[m.ID] = m.Weight
		}
		for w := 0; w < workers; w++ {
			if got := final[ms[w].ID]; got != 2 {
				t.Errorf("worker %d's member weight = %d, want 2 (its last batch)", w, got)
			}
		}
	})

	t.Run("the audit chain holds one row per batch and verifies", func(t *testing.T) {
		r := mustVerify(t, d)
		if !r.OK() || r.Rows != workers*batches {
			t.Errorf("VerifyAudit = %+v, want OK with %d rows", r, workers*batches)
		}
	})
}
