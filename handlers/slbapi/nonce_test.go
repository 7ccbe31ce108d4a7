package slbapi

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestNonces(limit int) (*nonces, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	n := newNonces(nonceMemory, limit)
	n.now = clock.now
	return n, clock
}

func TestNonces(t *testing.T) {
	t.Run("SecondUseRefused", func(t *testing.T) {
		n, _ := newTestNonces(10)
		if err := n.use("a"); err != nil {
			t.Fatal(err)
		}
		if err := n.use("a"); !errors.Is(err, errNonceUsed) {
			t.Fatalf("got %v, want errNonceUsed", err)
		}
	})
	t.Run("RememberedWhileAReplayCouldPassTheTimestampCheck", func(t *testing.T) {
		n, clock := newTestNonces(10)
		n.use("a")
		clock.advance(2*timestampWindow - time.Second)
		if err := n.use("a"); !errors.Is(err, errNonceUsed) {
			t.Fatalf("got %v just before the memory ends, want errNonceUsed", err)
		}
	})
	t.Run("ForgottenAfterTheMemoryEnds", func(t *testing.T) {
		n, clock := newTestNonces(10)
		n.use("a")
		n.use("b")
		clock.advance(nonceMemory)
		if err := n.use("a"); err != nil {
			t.Fatalf("got %v after the memory ended, want the nonce accepted again", err)
		}
		if got := n.size(); got != 1 {
			t.Errorf("%d nonces remembered, want 1: expired ones are dropped", got)
		}
	})
	t.Run("FullMemoryThrottlesUntilNoncesExpire", func(t *testing.T) {
		n, clock := newTestNonces(3)
		for i := range 3 {
			if err := n.use(fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := n.use("x"); !errors.Is(err, errNonceFlood) {
			t.Fatalf("got %v, want errNonceFlood", err)
		}
		clock.advance(nonceMemory)
		if err := n.use("x"); err != nil {
			t.Fatalf("got %v once the old nonces expired", err)
		}
	})
	t.Run("QueueDoesNotGrowWithoutBound", func(t *testing.T) {
		n, clock := newTestNonces(100)
		for i := range 10_000 {
			if err := n.use(fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
			clock.advance(nonceMemory / 50)
		}
		if n.size() > 100 || len(n.queue)-n.head > 100 || cap(n.queue) > 4096 {
			t.Errorf("remembering %d, queue %d long (cap %d): expired nonces are kept", n.size(), len(n.queue)-n.head, cap(n.queue))
		}
	})
	t.Run("SafeForConcurrentUse", func(t *testing.T) {
		n, _ := newTestNonces(100_000)
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 1000 {
					// Each goroutine's nonces are shared with the next one: each must pass once.
					if n.use(fmt.Sprint((g%4)*1000+i)) == nil {
						mu.Lock()
						accepted++
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		if accepted != 4000 {
			t.Errorf("%d uses accepted, want 4000: each nonce exactly once", accepted)
		}
	})
}
