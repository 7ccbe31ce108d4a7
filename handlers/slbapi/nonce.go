package slbapi

import (
	"errors"
	"sync"
	"time"
)

// Nonce memory: a nonce is refused again while a replay of its request could still pass the
// timestamp check, and the memory is bounded so that a flood of signed requests cannot
// exhaust the server.
const (
	// timestampWindow is how far a request's Timestamp may be from the server's clock.
	timestampWindow = 15 * time.Minute
	// nonceMemory covers a Timestamp up to timestampWindow in the future that is then replayed
	// until it is timestampWindow in the past.
	nonceMemory = 2 * timestampWindow
	// maxNonces bounds the memory; past it, requests are throttled until nonces expire.
	maxNonces = 1_000_000
	// maxNonceLen bounds one nonce; the SDK sends 32 hex digits, the cloud's docs a UUID.
	maxNonceLen = 128
)

var (
	errNonceUsed  = errors.New("slbapi: nonce already used")
	errNonceFlood = errors.New("slbapi: too many nonces remembered")
)

// nonces remembers the nonces seen recently, safe for concurrent use. Every nonce is kept for
// the same time, so they expire in the order they came: a queue finds the expired ones
// without scanning the map.
type nonces struct {
	mu    sync.Mutex
	ttl   time.Duration
	limit int
	now   func() time.Time
	seen  map[string]time.Time // nonce → when it may be used again
	queue []seenNonce          // in order of arrival, from head
	head  int
}

type seenNonce struct {
	key     string
	expires time.Time
}

func newNonces(ttl time.Duration, limit int) *nonces {
	return &nonces{ttl: ttl, limit: limit, now: time.Now, seen: make(map[string]time.Time)}
}

// use records key and reports errNonceUsed when it was seen within the ttl, or errNonceFlood
// when the memory is full.
func (n *nonces) use(key string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.now()
	n.expire(now)
	if _, ok := n.seen[key]; ok {
		return errNonceUsed
	}
	if len(n.seen) >= n.limit {
		return errNonceFlood
	}
	exp := now.Add(n.ttl)
	n.seen[key] = exp
	n.queue = append(n.queue, seenNonce{key: key, expires: exp})
	return nil
}

// expire forgets the nonces whose time is over.
func (n *nonces) expire(now time.Time) {
	for n.head < len(n.queue) && !now.Before(n.queue[n.head].expires) {
		delete(n.seen, n.queue[n.head].key)
		n.queue[n.head] = seenNonce{}
		n.head++
	}
	if n.head > 1024 && n.head*2 > len(n.queue) {
		n.queue = append([]seenNonce(nil), n.queue[n.head:]...)
		n.head = 0
	}
}

// size is how many nonces are remembered.
func (n *nonces) size() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.seen)
}
