package handlers

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per key (a client address or an account) over a window and
// says how long a key must wait once it has failed too often. It lives in memory: a restart
// forgets it, which only gives an attacker one more window.
type throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
	now    func() time.Time
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, fails: make(map[string][]time.Time), now: time.Now}
}

// wait returns how long key must wait before trying again, or zero.
func (t *throttle) wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.recent(key)
	if len(recent) < t.limit {
		return 0
	}
	return recent[0].Add(t.window).Sub(t.now())
}

// fail records a failed attempt for key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[key] = append(t.recent(key), t.now())
	if len(t.fails) > maxThrottleKeys {
		t.sweep()
	}
}

// reset forgets key's failures, after a successful sign-in.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

// recent drops key's failures older than the window and returns the rest, oldest first.
func (t *throttle) recent(key string) []time.Time {
	cut := t.now().Add(-t.window)
	fs := t.fails[key]
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = fs
	}
	return fs
}

// maxThrottleKeys bounds the memory a flood of distinct names or addresses can take.
const maxThrottleKeys = 100_000

func (t *throttle) sweep() {
	for k := range t.fails {
		t.recent(k)
	}
}
