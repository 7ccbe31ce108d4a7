package slbapi

import (
	"sync"
	"time"
)

// Limits bound what one AccessKey may cost the server, so that one key's flood leaves the
// other keys' calls alone. Only calls whose signature proved their sender count: nobody can
// spend another's allowance without its secret.
type Limits struct {
	// CallsPerSecond is the rate each key may keep up, and Burst how many calls it may make at
	// once after a pause. They are counted in each console process's memory: two consoles on
	// one database each allow this much.
	CallsPerSecond float64
	Burst          int
	// NoncesPerKey bounds the nonces one key has remembered in the database (each for up to
	// 30 minutes): it bounds the key's storage whatever the number of consoles.
	NoncesPerKey int
}

// DefaultLimits are well above what a script driving the API needs, and far below what a
// flood sends.
var DefaultLimits = Limits{CallsPerSecond: 200, Burst: 400, NoncesPerKey: 50_000}

// withDefaults fills in the limits not given.
func (l Limits) withDefaults() Limits {
	if l.CallsPerSecond <= 0 {
		l.CallsPerSecond = DefaultLimits.CallsPerSecond
	}
	if l.Burst <= 0 {
		l.Burst = DefaultLimits.Burst
	}
	if l.NoncesPerKey <= 0 {
		l.NoncesPerKey = DefaultLimits.NoncesPerKey
	}
	return l
}

// sweepAt is how many keys the rate limiter tracks before it forgets the idle ones.
const sweepAt = 10_000

// rateLimiter is a token bucket per key, safe for concurrent use.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens a second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), buckets: make(map[string]*bucket)}
}

// allow takes one call from key's bucket at now; when it is empty, it says how long until the
// next call may be made.
func (l *rateLimiter) allow(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= sweepAt {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens, b.at = l.tokens(b, now), now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// tokens is what b holds at now; a clock that went back adds nothing.
func (l *rateLimiter) tokens(b *bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+max(0, now.Sub(b.at).Seconds())*l.rate)
}

// sweep forgets the keys whose bucket has filled up again: a new bucket would be the same.
func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if l.tokens(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// size is how many keys are tracked.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
