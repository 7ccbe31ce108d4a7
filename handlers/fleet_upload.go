package handlers

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// A fleet file uploaded here is previewed, then applied exactly as previewed: the apply form
// carries the file and the digest of the plan shown, and the store refuses the apply, changing
// nothing, if the file plans otherwise by then (someone changed the database meanwhile). The
// plan is then shown again, as it now is.

// maxFleetUpload bounds an uploaded fleet file. The apply form sends it back in base64, which
// must stay within the console's 2 MiB bodies; a larger fleet goes through the command line.
const maxFleetUpload = 1 << 20

var fleetUpload = upload{max: maxFleetUpload,
	tooLarge: fmt.Sprintf("the file is larger than %d KiB: apply it with console fleet apply FILE instead", maxFleetUpload>>10),
	missing:  "choose a fleet file (YAML or JSON) to upload", fallback: "fleet.yaml"}

func uploadPage(c echo.Context) templates.FleetUploadPage {
	return templates.FleetUploadPage{Page: page(c, "Upload a fleet file", "fleet"), MaxKiB: maxFleetUpload >> 10}
}

// fleetUploadForm shows the upload form, and after an apply what it did.
func (h *Handler) fleetUploadForm(c echo.Context) error {
	m := uploadPage(c)
	m.Flash = appliedFlash(c.QueryParams())
	return render(c, http.StatusOK, templates.FleetUpload(m), nil)
}

// fleetPreview reads an uploaded file and shows its plan, changing nothing.
func (h *Handler) fleetPreview(c echo.Context) error {
	m := uploadPage(c)
	data, name, status, msg := readUpload(c, fleetUpload)
	m.Prune = c.FormValue("prune") == "on"
	if status != 0 {
		m.FileError = msg
		return render(c, status, templates.FleetUpload(m), nil)
	}
	m.Name = name
	return h.preview(c, m, data, http.StatusOK)
}

// preview plans data as it would apply now and shows the plan, or the file's problems.
func (h *Handler) preview(c echo.Context, m templates.FleetUploadPage, data []byte, status int) error {
	doc, err := fleet.Parse(data)
	var p fleet.Plan
	if err == nil {
		p, err = h.db.ApplyFleet(c.Request().Context(), origin(c), doc, db.ApplyOptions{DryRun: true, Prune: m.Prune})
	}
	if err != nil {
		return h.fileRefused(c, m, data, err)
	}
	m.Plan = planModel(p, data)
	return render(c, status, templates.FleetUpload(m), nil)
}

// fileRefused shows why a file was refused: its problems in the file's order, each with its
// line, or the domain's refusal.
func (h *Handler) fileRefused(c echo.Context, m templates.FleetUploadPage, data []byte, err error) error {
	var ps fleet.Problems
	status := http.StatusUnprocessableEntity
	switch e, isRule := lb.AsError(err); {
	case errors.As(err, &ps):
		ps = fleet.Locate(data, ps)
		slices.SortStableFunc(ps, func(a, b fleet.Problem) int { return cmp.Compare(lineOrLast(a.Line), lineOrLast(b.Line)) })
		for _, p := range ps {
			m.Problems = append(m.Problems, p.String())
		}
	case isRule:
		status = kindStatus(e)
		m.Problems = []string{e.Message}
	default:
		return err
	}
	m.Flash = &templates.Flash{Kind: "error", Message: fmt.Sprintf("%s is refused: nothing was changed (%s).", m.Name, plural(max(len(m.Problems), 1), "problem"))}
	return render(c, status, templates.FleetUpload(m), nil)
}

func lineOrLast(line int) int {
	if line == 0 {
		return math.MaxInt
	}
	return line
}

// planModel shows a plan one line a change, and what applying exactly it takes.
func planModel(p fleet.Plan, data []byte) *templates.FleetPlan {
	out := &templates.FleetPlan{Summary: p.Summary(), Empty: p.Empty(), Digest: p.Digest(), File: base64.StdEncoding.EncodeToString(data)}
	if p.Empty() {
		return out
	}
	var buf bytes.Buffer
	_ = p.Write(&buf) // a bytes.Buffer takes everything
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		line := sc.Text()
		if line == p.Summary() {
			continue
		}
		verb := "detail"
		if !strings.HasPrefix(line, " ") {
			verb, _, _ = strings.Cut(line, " ")
		}
		out.Lines = append(out.Lines, templates.PlanLine{Verb: verb, Text: strings.TrimSpace(line)})
	}
	return out
}
