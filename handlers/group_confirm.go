package handlers

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// maxUnconfirmedRemovals is the most servers a batch removes without the count typed to
// confirm it; a batch that removes more than half of its group needs it too.
const maxUnconfirmedRemovals = 50

// removalToConfirm is how many servers a batch that removes removed of a group of total must
// be confirmed by typing, or zero when it needs no typing.
func removalToConfirm(removed, total int) int {
	if removed > maxUnconfirmedRemovals || 2*removed > total {
		return removed
	}
	return 0
}

// checkConfirmed refuses, before anything is applied, a batch that removes so much of its
// group that its preview asked for the count to be typed, when the form does not carry it.
// The page asks for it too (a required field); this is the rule, for any client.
func (h *Handler) checkConfirmed(c echo.Context, m templates.GroupPage, f batchForm) error {
	if f.Op != templates.OpRemove && f.Op != templates.OpReplace {
		return nil
	}
	res, err := h.db.PreviewBatch(c.Request().Context(), h.batchRequest(c, m, f))
	if err != nil {
		// The batch will be refused by the store anyway, and the refusal audited there.
		if _, refused := lb.AsError(err); refused {
			return nil
		}
		return err
	}
	// The group as the preview planned on: the servers it keeps, less what it adds, plus what it removes.
	total := len(res.Members) - len(res.Diff.Added) + len(res.Diff.Removed)
	n := removalToConfirm(len(res.Diff.Removed), total)
	if n == 0 || strings.TrimSpace(c.FormValue("confirm")) == strconv.Itoa(n) {
		return nil
	}
	return lb.Errorf(lb.KindInvalid, "confirm", "this batch removes %d of the group's %d servers: type %d in the box next to Apply to confirm, then apply again. Nothing was changed.",
		n, total, n)
}
