package slbapi

import (
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

func TestRateLimiter(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	t.Run("BurstThenRate", func(t *testing.T) {
		l := newRateLimiter(2, 3)
		for i := range 3 {
			if _, ok := l.allow("a", start); !ok {
				t.Fatalf("call %d of the burst refused", i+1)
			}
		}
		wait, ok := l.allow("a", start)
		if ok || wait != 500*time.Millisecond {
			t.Fatalf("past the burst: %v, %v; want refused, wait 500ms", wait, ok)
		}
		if _, ok := l.allow("a", start.Add(500*time.Millisecond)); !ok {
			t.Fatal("refused once a token came back")
		}
		if _, ok := l.allow("a", start.Add(500*time.Millisecond)); ok {
			t.Fatal("allowed two calls on one token")
		}
	})
	t.Run("EachKeyHasItsOwnBucket", func(t *testing.T) {
		l := newRateLimiter(1, 1)
		l.allow("a", start)
		if _, ok := l.allow("a", start); ok {
			t.Fatal("a's second call allowed")
		}
		if _, ok := l.allow("b", start); !ok {
			t.Fatal("b refused because a used its allowance")
		}
	})
	t.Run("ClockGoingBackAddsNothing", func(t *testing.T) {
		l := newRateLimiter(1, 1)
		l.allow("a", start)
		if _, ok := l.allow("a", start.Add(-time.Hour)); ok {
			t.Fatal("allowed after the clock went back")
		}
	})
	t.Run("IdleKeysAreForgotten", func(t *testing.T) {
		l := newRateLimiter(10, 10)
		for i := range sweepAt {
			l.allow(fmt.Sprint(i), start)
		}
		l.allow("new", start.Add(time.Minute))
		if got := l.size(); got != 1 {
			t.Fatalf("%d keys tracked after a sweep; want 1: the idle ones are forgotten", got)
		}
	})
}
