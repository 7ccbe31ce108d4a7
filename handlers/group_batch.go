package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// batchForm is the group page's batch form as posted to preview and apply.
type batchForm struct {
	Op      string   `json:"op"`
	Members []string `json:"members"`
	Weight  *int     `json:"weight,omitempty"`
	Version int64    `json:"version"`
}

const maxMemberIDLen = 64

// parseBatchForm reads and checks the form; what it refuses never reaches the store.
func parseBatchForm(c echo.Context) (batchForm, error) {
	var f batchForm
	values, err := c.FormParams()
	if err != nil {
		return f, echo.NewHTTPError(http.StatusBadRequest, "the form could not be read: "+err.Error())
	}
	f.Op = values.Get("op")
	if f.Op != "remove" && f.Op != "drain" && f.Op != "weights" {
		return f, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("op must be remove, drain or weights, not %q", f.Op))
	}
	f.Version, err = strconv.ParseInt(values.Get("version"), 10, 64)
	if err != nil || f.Version < 1 {
		return f, echo.NewHTTPError(http.StatusBadRequest, "version is missing or not a positive whole number: reload the page")
	}
	for _, id := range values["member"] {
		if id == "" || len(id) > maxMemberIDLen || strings.ContainsAny(id, " \x00<>\"'") {
			return f, echo.NewHTTPError(http.StatusBadRequest, "a selected member id is not valid")
		}
		f.Members = append(f.Members, id)
	}
	if len(f.Members) == 0 {
		return f, echo.NewHTTPError(http.StatusUnprocessableEntity, "no server is selected: select at least one")
	}
	if f.Op == "weights" {
		w, err := strconv.Atoi(strings.TrimSpace(values.Get("weight")))
		if err != nil {
			return f, echo.NewHTTPError(http.StatusUnprocessableEntity, "weight must be a whole number from 0 to 100")
		}
		f.Weight = &w
	}
	if f.Op == "drain" {
		zero := 0
		f.Weight = &zero
	}
	return f, nil
}

// batch turns the form into the domain's batch.
func (f batchForm) batch() lb.Batch {
	b := lb.Batch{Limit: lb.MaxConsoleEntries}
	for _, id := range f.Members {
		s := lb.Spec{MemberID: id, Weight: f.Weight}
		if f.Op == "remove" {
			s.Weight = nil
			b.Old = append(b.Old, s)
		} else {
			b.New = append(b.New, s)
		}
	}
	b.Action = lb.ActionSetWeights
	if f.Op == "remove" {
		b.Action = lb.ActionRemove
	}
	return b
}

func (f batchForm) weightText() string {
	if f.Weight == nil {
		return ""
	}
	return strconv.Itoa(*f.Weight)
}

func (h *Handler) batchRequest(c echo.Context, m templates.GroupPage, f batchForm) db.BatchRequest {
	request, _ := json.Marshal(f)
	return db.BatchRequest{
		LoadBalancerID:  m.LB.ID,
		GroupRef:        templates.GroupRef(m.Group),
		Batch:           f.batch(),
		ExpectedVersion: f.Version,
		Actor:           currentUser(c).Name,
		Source:          db.SourceConsole,
		ClientIP:        c.RealIP(),
		RequestID:       c.Response().Header().Get(echo.HeaderXRequestID),
		Request:         string(request),
	}
}

// groupPreview shows exactly what a batch would change, changing nothing.
func (h *Handler) groupPreview(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	f, err := parseBatchForm(c)
	if err != nil {
		return err
	}
	m.Selected = selection(f.Members)
	p := &templates.Preview{Op: f.Op, Weight: f.weightText(), MemberIDs: f.Members, Version: f.Version}
	res, err := h.db.PreviewBatch(c.Request().Context(), h.batchRequest(c, m, f))
	status := http.StatusOK
	if e, ok := lb.AsError(err); ok {
		status, p.Error = statusFor(e), e.Message
	} else if err != nil {
		return err
	}
	p.Diff = res.Diff
	m.Preview = p
	return render(c, status, templates.GroupShow(m), []string{"preview"})
}

// groupBatch applies a batch and answers with the refreshed table and a message.
func (h *Handler) groupBatch(c echo.Context) error {
	m, err := h.groupPage(c)
	if err != nil {
		return err
	}
	f, err := parseBatchForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := h.db.ApplyBatch(ctx, h.batchRequest(c, m, f))
	status := http.StatusOK
	var keep []string
	switch e, ok := lb.AsError(err); {
	case ok:
		status = statusFor(e)
		keep = f.Members
		m.Flash = &templates.Flash{Kind: "error", Message: e.Message}
	case err != nil:
		return err
	default:
		m.Flash = &templates.Flash{Kind: "ok", Message: appliedMessage(f.Op, res)}
	}
	if err := h.reloadGroup(ctx, &m, keep); err != nil {
		return err
	}
	return render(c, status, templates.GroupShow(m), []string{"group-body"}, templates.PreviewCleared())
}

func selection(ids []string) map[string]bool {
	s := make(map[string]bool, len(ids))
	for _, id := range ids {
		s[id] = true
	}
	return s
}

// appliedMessage says what an applied batch did, naming the servers.
func appliedMessage(op string, res db.BatchResult) string {
	d := res.Diff
	if d.Empty() {
		return fmt.Sprintf("Nothing changed: the selected servers were already as asked (audit entry #%d).", res.Seq)
	}
	var names []string
	for _, m := range append(d.Before(), d.Added...) {
		names = append(names, memberName(m))
	}
	verb := map[string]string{"remove": "Removed", "drain": "Drained", "weights": "Set the weight of"}[op]
	return fmt.Sprintf("%s %d servers: %s (audit entry #%d).", verb, d.Count(), strings.Join(names, ", "), res.Seq)
}

func memberName(m lb.Member) string {
	if m.Port == 0 {
		return m.ServerID
	}
	return fmt.Sprintf("%s:%d", m.ServerID, m.Port)
}

// statusFor maps the domain's error kinds to the console's HTTP statuses, in one place.
func statusFor(e *lb.Error) int {
	switch e.Kind {
	case lb.KindNotFound:
		if e.Field == lb.FieldLoadBalancer || e.Field == lb.FieldGroup {
			return http.StatusNotFound
		}
		return http.StatusUnprocessableEntity
	case lb.KindConflict:
		return http.StatusConflict
	case lb.KindForbidden:
		return http.StatusForbidden
	}
	return http.StatusUnprocessableEntity
}
