package handlers

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
)

// hashingWait is how long a password check waits for its turn before the sign-in is answered
// 429.
const hashingWait = 3 * time.Second

// concurrentHashes is how many passwords may be hashed at once. argon2id takes 19 MiB of memory
// and a core for each: at most four (76 MiB), and on at most half the cores, so that a burst of
// sign-ins leaves the rest of the console the other half.
func concurrentHashes() int { return min(4, max(1, runtime.NumCPU()/2)) }

// errHashingBusy says that no password check could start within hashingWait.
var errHashingBusy = errors.New("handlers: every password check is taken")

// hashGate bounds how many passwords this process hashes at once. It is in memory on purpose:
// what it protects is this process's memory.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashGate(n int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, n), wait: wait}
}

// do runs fn once a slot is free, or returns errHashingBusy if none frees up in time or ctx
// ends first.
func (g *hashGate) do(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return errHashingBusy
		case <-ctx.Done():
			return errHashingBusy
		}
	}
	defer func() { <-g.slots }()
	fn()
	return nil
}

// passwordMatches checks password against hash at the gate.
func (h *Handler) passwordMatches(ctx context.Context, hash, password string) (bool, error) {
	var ok bool
	err := h.hashing.do(ctx, func() { ok = auth.CheckPassword(hash, password) == nil })
	return ok, err
}

// hashPassword hashes a new password at the gate.
func (h *Handler) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	var err error
	if busy := h.hashing.do(ctx, func() { hash, err = auth.HashPassword(password) }); busy != nil {
		return "", busy
	}
	return hash, err
}

// hashingBusy is the answer when no password check could start in time.
func hashingBusy(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "1")
	return echo.NewHTTPError(http.StatusTooManyRequests, "the console is busy checking other passwords: try again in a moment")
}
