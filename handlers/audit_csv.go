package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/export"
)

// Audit downloads: how many one user may run at once, in every console process on the
// database together, and when a refused one should try again.
const (
	exportsPerUser     = 2
	exportRetryAfter   = 10 * time.Second
	defaultExportStall = time.Minute
)

// auditCSV streams the filtered audit log as CSV, row by row, so that memory stays flat
// however long the log is. A user runs at most exportsPerUser downloads at once; a download
// whose client takes nothing for the stall timeout is cut, and its slot freed.
func (h *Handler) auditCSV(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	lease, err := h.takeExportSlot(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(c.Request().Context())
	defer cancel(nil)
	release := h.holdExportSlot(ctx, lease, cancel)
	defer release()
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="lbconsole-audit-%s.csv"`, time.Now().UTC().Format("20060102-150405")))
	guard := newStallGuard(res, h.exportStall, cancel)
	defer guard.stop()
	// The status goes out with the first rows, once the first page was read: a failure before
	// that is still answered as an error page.
	err = export.AuditCSV(ctx, guard, h.db, f)
	if err == nil {
		return nil
	}
	if !res.Committed {
		res.Header().Del(echo.HeaderContentDisposition) // the error page is a page, not a file
		return err
	}
	h.logCutDownload(ctx, c, err)
	// The rows have started to go out: drop the connection, so that the client sees an
	// incomplete download instead of a short file that looks whole.
	panic(http.ErrAbortHandler)
}

// takeExportSlot takes one of the signed-in user's download slots, or answers 429 when they
// are all in use.
func (h *Handler) takeExportSlot(c echo.Context) (db.ExportLease, error) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), h.timeout)
	defer cancel()
	lease, err := h.db.AcquireExportLease(ctx, currentUser(c).ID, exportsPerUser, h.exportLeaseTTL())
	if errors.Is(err, db.ErrTooManyExports) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(exportRetryAfter.Seconds())))
		return lease, echo.NewHTTPError(http.StatusTooManyRequests, fmt.Sprintf(
			"you already have %d audit downloads running, the most one person may run at once: wait for one to finish or cancel it, then try again",
			exportsPerUser))
	}
	return lease, err
}

// logCutDownload says why a download ended half way: the client's doing (it stopped reading
// or went away) is a warning, anything else an error.
func (h *Handler) logCutDownload(ctx context.Context, c echo.Context, err error) {
	attrs := []any{"user", currentUser(c).Name, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err}
	if ctx.Err() != nil {
		h.log.WarnContext(ctx, "audit download cut", append(attrs, "cause", context.Cause(ctx))...)
		return
	}
	h.log.ErrorContext(ctx, "audit download failed", attrs...)
}

// exportLeaseTTL is how long a download's slot stays taken without renewal: long enough to
// outlast a slow write, short enough that a crashed process's slots soon come back.
func (h *Handler) exportLeaseTTL() time.Duration { return 2 * h.exportStall }
