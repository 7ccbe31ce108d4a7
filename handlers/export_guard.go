package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
)

// errStalled is why a download whose client stopped reading was cut.
var errStalled = errors.New("the client took nothing for the stall timeout")

// stallGuard passes a download's bytes to the client and cuts the download when the client
// takes none for stall: a client that stops reading would otherwise hold its slot (and a
// goroutine) until the server's write timeout.
type stallGuard struct {
	res   *echo.Response
	stall time.Duration
	timer *time.Timer
}

// newStallGuard starts the clock; when it runs out, the download's context is cancelled and
// the write the client is not taking fails at once.
func newStallGuard(res *echo.Response, stall time.Duration, cancel context.CancelCauseFunc) *stallGuard {
	rc := http.NewResponseController(res)
	g := &stallGuard{res: res, stall: stall}
	g.timer = time.AfterFunc(stall, func() {
		cancel(errStalled)
		// Only ever earlier than the server's write timeout, which still bounds the whole
		// download.
		rc.SetWriteDeadline(time.Now())
	})
	return g
}

// Write passes p on; once the client has taken it, the clock starts again.
func (g *stallGuard) Write(p []byte) (int, error) {
	n, err := g.res.Write(p)
	if err == nil {
		g.timer.Reset(g.stall)
	}
	return n, err
}

// Flush sends what is buffered to the client.
func (g *stallGuard) Flush() {
	g.res.Flush()
	g.timer.Reset(g.stall)
}

func (g *stallGuard) stop() { g.timer.Stop() }

// holdExportSlot renews lease while the download runs and cancels the download if the slot
// was lost (it expired and another download took it). The returned function stops renewing
// and frees the slot.
func (h *Handler) holdExportSlot(ctx context.Context, lease db.ExportLease, cancel context.CancelCauseFunc) (release func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(h.exportStall / 2)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			err := h.db.RenewExportLease(ctx, lease, h.exportLeaseTTL())
			if errors.Is(err, db.ErrLeaseLost) {
				cancel(err)
				return
			}
			if err != nil && ctx.Err() == nil {
				// The slot outlives a failed renewal by a stall timeout at least; the next
				// renewal tries again.
				h.log.WarnContext(ctx, "unable to renew an audit download's slot", "err", err)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		// The request's context may be over already; the slot must be freed all the same
		// (if this fails, it expires by itself).
		rctx, stop := context.WithTimeout(context.WithoutCancel(ctx), h.timeout)
		defer stop()
		if err := h.db.ReleaseExportLease(rctx, lease); err != nil {
			h.log.WarnContext(rctx, "unable to free an audit download's slot", "err", fmt.Errorf("%w (it expires by itself)", err))
		}
	}
}
