package slbapi

import (
	"context"
	"sync/atomic"
	"time"

	"lbconsole/db"
)

// Replay protection: a nonce is refused again while a replay of its call could still pass the
// timestamp check. The nonces live in the database, not in a console's memory, so that a
// restart forgets none and every console on the database refuses the same replay; each key may
// have only so many remembered, so that one key's flood cannot fill the memory for all.
const (
	// timestampWindow is how far a request's Timestamp may be from the server's clock.
	timestampWindow = 15 * time.Minute
	// maxNonceLen bounds one nonce; the SDK sends 32 hex digits, the cloud's docs a UUID.
	maxNonceLen = 128
	// pruneEvery is how often a console forgets expired nonces, pruneBatch at a time, and
	// pruneAgain how soon it goes on while there are more: small batches hold the database's
	// writer only briefly.
	pruneEvery = time.Minute
	pruneBatch = 500
	pruneAgain = 100 * time.Millisecond
	// pruneGrace keeps expired nonces a while longer, so that a console whose clock runs ahead
	// never forgets a nonce that another one, on the same database, would still accept a
	// replay of.
	pruneGrace = 5 * time.Minute
)

// spendNonce remembers the nonce of a call whose signature proved its sender, until its
// Timestamp leaves the window: the store refuses the call when the key used the nonce before
// (SignatureNonceUsed), or when the key has as many nonces remembered as it may (Throttling).
func (a *api) spendNonce(ctx context.Context, accessKeyID, nonce string, ts time.Time) error {
	if err := a.db.UseNonce(ctx, accessKeyID, nonce, ts.Add(timestampWindow), a.limits.NoncesPerKey); err != nil {
		return err
	}
	a.pruner.maybe(ctx, a.now())
	return nil
}

// pruner forgets expired nonces now and then, from the call that finds it due: one console
// prunes at a time, and a quiet console has nothing to prune.
type pruner struct {
	db  *db.DB
	due atomic.Int64 // Unix nanoseconds when the next prune is due
	log func(ctx context.Context, err error)
}

// maybe prunes one batch if one is due.
func (p *pruner) maybe(ctx context.Context, now time.Time) {
	due := p.due.Load()
	if now.UnixNano() < due || !p.due.CompareAndSwap(due, now.Add(pruneEvery).UnixNano()) {
		return
	}
	// The caller hanging up must not cut a prune short; the batch is small, the bound generous.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	n, err := p.db.PruneNonces(ctx, now.Add(-pruneGrace), pruneBatch)
	if err != nil {
		p.log(ctx, err)
		return
	}
	if n == pruneBatch {
		p.due.Store(now.Add(pruneAgain).UnixNano())
	}
}
