package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// batchForm is the group page's batch form as posted to preview and apply.
type batchForm struct {
	Op      templates.Op `json:"op"`
	Members []string     `json:"members,omitempty"`
	Weight  *int         `json:"weight,omitempty"`
	New     []newServer  `json:"new,omitempty"`
	Version int64        `json:"version"`
}

// newServer is a server picked to join the group.
type newServer struct {
	ServerID    string  `json:"server_id"`
	Port        int     `json:"port,omitempty"`
	Weight      int     `json:"weight"`
	Description *string `json:"description,omitempty"`
}

const maxMemberIDLen = 64

// parseBatchForm reads and checks the form; what it refuses never reaches the store.
func parseBatchForm(c echo.Context) (batchForm, error) {
	values, err := c.FormParams()
	if err != nil {
		return batchForm{}, echo.NewHTTPError(http.StatusBadRequest, "the form could not be read: "+err.Error())
	}
	return parseBatchValues(values)
}

// parseBatchValues checks the form's values and reads them into a batchForm.
func parseBatchValues(values url.Values) (batchForm, error) {
	var f batchForm
	var err error
	for _, name := range []string{"op", "version", "weight"} {
		if len(values[name]) > 1 {
			return f, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s is given more than once", name))
		}
	}
	var ok bool
	if f.Op, ok = templates.ParseOp(values.Get("op")); !ok {
		return f, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("op must be remove, drain, weights, add, replace, maintenance or enable, not %q", lb.Clip(values.Get("op"))))
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
	if f.Op.NeedsSelection() && len(f.Members) == 0 {
		return f, echo.NewHTTPError(http.StatusUnprocessableEntity, "no server is selected: select at least one")
	}
	if f.Op.NeedsPicked() {
		if f.New, err = parsePicked(values); err != nil {
			return f, err
		}
	}
	if f.Op == templates.OpWeights {
		w, err := strconv.Atoi(strings.TrimSpace(values.Get("weight")))
		if err != nil {
			return f, echo.NewHTTPError(http.StatusUnprocessableEntity, "weight must be a whole number from 0 to 100")
		}
		f.Weight = &w
	}
	if f.Op == templates.OpDrain {
		zero := 0
		f.Weight = &zero
	}
	return f, nil
}

// parsePicked reads the picked servers: parallel new_server, new_port and new_weight fields,
// and new_description, which a form made before it existed may leave out.
func parsePicked(values url.Values) ([]newServer, error) {
	ids, ports, weights, descriptions := values["new_server"], values["new_port"], values["new_weight"], values["new_description"]
	if len(ids) == 0 {
		return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, "no server is picked: pick at least one from the inventory")
	}
	if len(ports) != len(ids) || len(weights) != len(ids) || (len(descriptions) != 0 && len(descriptions) != len(ids)) {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "each picked server needs one port, one weight and one description field")
	}
	out := make([]newServer, len(ids))
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if id == "" || len(id) > lb.MaxServerIDLen {
			return nil, echo.NewHTTPError(http.StatusBadRequest, "a picked server id is not valid")
		}
		if seen[id] {
			return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, fmt.Sprintf("server %s is picked twice: unpick one", id))
		}
		seen[id] = true
		n := newServer{ServerID: id, Weight: lb.DefaultWeight}
		if p := strings.TrimSpace(ports[i]); p != "" {
			v, err := strconv.Atoi(p)
			if err != nil {
				return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, fmt.Sprintf("the port of %s must be a whole number from 1 to 65535", id))
			}
			n.Port = v
		}
		if w := strings.TrimSpace(weights[i]); w != "" {
			v, err := strconv.Atoi(w)
			if err != nil {
				return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, fmt.Sprintf("the weight of %s must be a whole number from 0 to 100", id))
			}
			n.Weight = v
		}
		if len(descriptions) > 0 {
			d := strings.TrimSpace(descriptions[i])
			n.Description = &d
		}
		out[i] = n
	}
	return out, nil
}

// batch turns the form into the domain's batch. A replacement names the servers it replaces:
// one that is gone is an error, not a server silently left out.
func (f batchForm) batch() lb.Batch {
	b := lb.Batch{Action: f.Op.Action(), Limit: lb.MaxConsoleEntries, Strict: f.Op == templates.OpReplace}
	maintenance := f.Op == templates.OpMaintenance
	for _, id := range f.Members {
		switch b.Action {
		case lb.ActionSetWeights:
			b.New = append(b.New, lb.Spec{MemberID: id, Weight: f.Weight})
		case lb.ActionSetMaintenance:
			b.New = append(b.New, lb.Spec{MemberID: id, Maintenance: &maintenance})
		default:
			b.Old = append(b.Old, lb.Spec{MemberID: id})
		}
	}
	for _, n := range f.New {
		w := n.Weight
		b.New = append(b.New, lb.Spec{ServerID: n.ServerID, Port: n.Port, Weight: &w, Description: n.Description})
	}
	return b
}

// picked is the form's picked servers as the preview carries them to apply.
func (f batchForm) picked() []templates.NewServer {
	out := make([]templates.NewServer, len(f.New))
	for i, n := range f.New {
		out[i] = templates.NewServer{ServerID: n.ServerID, Weight: strconv.Itoa(n.Weight), Description: n.Description}
		if n.Port != 0 {
			out[i].Port = strconv.Itoa(n.Port)
		}
	}
	return out
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

// batchPage loads the group page and reads the batch form posted to it.
func (h *Handler) batchPage(c echo.Context) (templates.GroupPage, batchForm, error) {
	m, err := h.groupPage(c)
	if err != nil {
		return m, batchForm{}, err
	}
	f, err := parseBatchForm(c)
	return m, f, err
}

// groupPreview shows exactly what a batch would change, changing nothing.
func (h *Handler) groupPreview(c echo.Context) error {
	m, f, err := h.batchPage(c)
	if err != nil {
		return err
	}
	m.Selected = selection(f.Members)
	p := &templates.Preview{Op: f.Op, Weight: f.weightText(), MemberIDs: f.Members, New: f.picked(), Version: f.Version}
	res, err := h.db.PreviewBatch(c.Request().Context(), h.batchRequest(c, m, f))
	status := http.StatusOK
	if _, ok := lb.AsError(err); ok {
		status, p.Error = refusal(err)
	} else if err != nil {
		return err
	}
	p.Diff = res.Diff
	p.Confirm = removalToConfirm(len(res.Diff.Removed), m.Total)
	p.Drain = drainNote(m, res.Diff)
	m.Preview = p
	if lb.IsStale(err) {
		return h.stalePreview(c, m, f)
	}
	return render(c, status, templates.GroupShow(m), []string{"preview"})
}

// stalePreview answers a preview planned on a table that is no longer current: it says so,
// and replaces the table with the current one and what changed, keeping the selection.
func (h *Handler) stalePreview(c echo.Context, m templates.GroupPage, f batchForm) error {
	m.Preview.Error = "The group changed since you loaded it. The table now shows it as it is, with what changed; check your selection and preview again."
	status, err := h.batchOutcome(c, &m, f, db.BatchResult{}, lb.Errorf(lb.KindConflict, lb.FieldVersion, "the group changed since you loaded it"))
	if err != nil {
		return err
	}
	m.Flash = nil
	return render(c, status, templates.GroupShow(m), []string{"preview"}, templates.GroupBodyRefreshed(m))
}

// groupBatch applies a batch and answers with the refreshed table and a message. It reads
// the group's members once, inside the batch's transaction: the table it answers with is the
// one the batch left, unless a refusal calls for the group as it is now.
func (h *Handler) groupBatch(c echo.Context) error {
	m, err := h.groupHead(c)
	if err != nil {
		return err
	}
	f, err := parseBatchForm(c)
	if err != nil {
		return err
	}
	if err := h.checkConfirmed(c, m, f); err != nil {
		if _, refused := lb.AsError(err); !refused {
			return err
		}
		status, err := h.batchOutcome(c, &m, f, db.BatchResult{}, err)
		if err != nil {
			return err
		}
		return renderGroupBody(c, status, m, templates.PreviewCleared())
	}
	res, err := h.db.ApplyBatch(c.Request().Context(), h.batchRequest(c, m, f))
	status, err := h.batchOutcome(c, &m, f, res, err)
	if err != nil {
		return err
	}
	return renderGroupBody(c, status, m, templates.PreviewCleared())
}

// renderGroupBody answers htmx with the group page's body (the message and the table) rendered
// on its own, and a plain request with the whole page.
func renderGroupBody(c echo.Context, status int, m templates.GroupPage, extra ...templ.Component) error {
	if isHTMX(c) {
		return renderPart(c, status, templates.GroupBody(m), extra...)
	}
	return render(c, status, templates.GroupShow(m), nil)
}

// batchOutcome puts the result of an applied or refused batch on the page: a message, the
// fresh table and, after a conflict, what changed since the version the user saw. It returns
// the status to answer with.
func (h *Handler) batchOutcome(c echo.Context, m *templates.GroupPage, f batchForm, res db.BatchResult, err error) (int, error) {
	ctx := c.Request().Context()
	status := http.StatusOK
	var keep []string
	switch _, ok := lb.AsError(err); {
	case ok:
		var msg string
		status, msg = refusal(err)
		keep = f.Members
		m.Flash = &templates.Flash{Kind: "error", Message: msg}
		if lb.IsStale(err) {
			var cerr error
			changes, cerr := h.db.GroupChangesSince(ctx, m.Group.ID, f.Version)
			if cerr != nil {
				return 0, cerr
			}
			m.Changes = rows(changes, auditRow)
		}
	case err != nil:
		return 0, err
	default:
		m.Flash = batchFlash(f.Op, res)
		if !m.Filter.Active() {
			return status, h.showApplied(ctx, m, res)
		}
	}
	return status, h.reloadGroup(ctx, m, keep)
}

func selection(ids []string) map[string]bool {
	s := make(map[string]bool, len(ids))
	for _, id := range ids {
		s[id] = true
	}
	return s
}

// batchFlash is the message of an applied batch, with its undo link when it changed anything.
func batchFlash(op templates.Op, res db.BatchResult) *templates.Flash {
	f := &templates.Flash{Kind: "ok", Message: appliedMessage(op, res)}
	if !res.Diff.Empty() {
		// Undo shows what reverting the batch would change, and asks to confirm it.
		f.Undo = fmt.Sprintf("/audit/%d/revert", res.Seq)
	}
	return f
}

// appliedMessage says what an applied batch did, naming the servers.
func appliedMessage(op templates.Op, res db.BatchResult) string {
	d := res.Diff
	if d.Empty() {
		return fmt.Sprintf("Nothing changed: the selected servers were already as asked (audit entry #%d).", res.Seq)
	}
	if op == templates.OpReplace {
		return fmt.Sprintf("Replaced %s with %d: %s → %s (audit entry #%d).", templates.Servers(len(d.Removed)), len(d.Added),
			memberNames(d.Removed), memberNames(d.Added), res.Seq)
	}
	return fmt.Sprintf("%s %s: %s (audit entry #%d).", op.Done(), templates.Servers(d.Count()), memberNames(append(d.Before(), d.Added...)), res.Seq)
}

// memberNames lists members as the messages name them: "i-1:80, i-2:80".
func memberNames(ms []lb.Member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = memberName(m)
	}
	return strings.Join(names, ", ")
}

func memberName(m lb.Member) string {
	if m.Port == 0 {
		return m.ServerID
	}
	return fmt.Sprintf("%s:%d", m.ServerID, m.Port)
}
