package handlers

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/web/templates"
)

// fleetApply applies an uploaded file if it still plans what was previewed; otherwise it shows
// the plan as it now is, and applies nothing.
func (h *Handler) fleetApply(c echo.Context) error {
	m := uploadPage(c)
	m.Name, m.Prune = fileName(c.FormValue("name"), fleetUpload.fallback), c.FormValue("prune") == "on"
	data, err := base64.StdEncoding.DecodeString(c.FormValue("file"))
	digest := c.FormValue("digest")
	if err != nil || len(data) == 0 || len(data) > maxFleetUpload || digest == "" {
		m.Flash = &templates.Flash{Kind: "error", Message: "The apply form came without its file or plan: nothing was applied. Upload the file again."}
		return render(c, http.StatusBadRequest, templates.FleetUpload(m), nil)
	}
	doc, err := fleet.Parse(data)
	var p fleet.Plan
	if err == nil {
		p, err = h.db.ApplyFleet(c.Request().Context(), origin(c), doc, db.ApplyOptions{Prune: m.Prune, ExpectPlan: digest})
	}
	if errors.Is(err, db.ErrPlanChanged) {
		m.Flash = &templates.Flash{Kind: "warn", Message: "Nothing was applied: the database has changed since the preview, so " + m.Name +
			" now plans what is shown below. Apply it if it is still what you want."}
		return h.preview(c, m, data, http.StatusConflict)
	}
	if err != nil {
		return h.fileRefused(c, m, data, err)
	}
	create, update, del, lists := p.Counts()
	q := url.Values{"done": {"applied"}, "created": {strconv.Itoa(create)}, "updated": {strconv.Itoa(update)},
		"deleted": {strconv.Itoa(del)}, "lists": {strconv.Itoa(lists)}}
	return c.Redirect(http.StatusSeeOther, "/fleet/upload?"+q.Encode())
}

// appliedFlash says what an apply did, from the query of the redirect that follows it.
func appliedFlash(q url.Values) *templates.Flash {
	if q.Get("done") != "applied" {
		return nil
	}
	var n [4]int
	for i, name := range []string{"created", "updated", "deleted", "lists"} {
		v, err := strconv.Atoi(q.Get(name))
		if err != nil || v < 0 {
			return nil
		}
		n[i] = v
	}
	if n == [4]int{} {
		return &templates.Flash{Kind: "ok", Message: "Nothing to do: the database already matched the file."}
	}
	return &templates.Flash{Kind: "ok", Message: fmt.Sprintf("Applied: %d created, %d updated, %d deleted, %s replaced. Every change is in the audit log.",
		n[0], n[1], n[2], plural(n[3], "member list"))}
}
