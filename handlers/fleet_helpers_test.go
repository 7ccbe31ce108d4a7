package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// newFleetEnv starts a console on a copy of tp (testenv.EmptyUsers or ExampleUsers) rather
// than the demo.
func newFleetEnv(t *testing.T, tp *testenv.Template) *env {
	t.Helper()
	c := testenv.NewConsole(t, testenv.Options{Template: tp})
	return &env{t: t, ctx: c.Ctx, store: c.Store, path: c.Path, srv: c.Server, metrics: c.Metrics, router: c.Router, console: c}
}

// fleetState is what a refused change must leave as it was: the whole fleet and the audit log.
type fleetState struct {
	doc   fleet.Document
	audit int
}

func (e *env) fleetState() fleetState {
	e.t.Helper()
	doc, err := e.store.ExportFleet(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return fleetState{doc, e.auditTotal()}
}

func (e *env) fleetUnchanged(t *testing.T, before fleetState) {
	t.Helper()
	now := e.fleetState()
	if !reflect.DeepEqual(now.doc, before.doc) {
		t.Error("the fleet changed")
	}
	if now.audit != before.audit {
		t.Errorf("audit entries = %d; want %d, as before", now.audit, before.audit)
	}
}

// postForm loads page (for its CSRF token) and posts form to action.
func postForm(c *client, page, action string, form url.Values) *response {
	c.T.Helper()
	if r := c.Get(page); r.StatusCode != http.StatusOK {
		c.T.Fatalf("GET %s = %d\n%s", page, r.StatusCode, r.Snippet())
	}
	return c.Post(action, c.WithCSRF(form))
}

// wantRedirect fails unless r is a 303 to location.
func wantRedirect(t *testing.T, r *response, location string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != location {
		var shown []string
		r.Doc().Find(`[data-testid="form-problems"] li, [data-testid="field-error"], [data-testid="flash"], [data-testid="delete-error"], [data-testid="error"]`).
			Each(func(_ int, s *goquery.Selection) { shown = append(shown, text(s)) })
		t.Fatalf("%s %s = %d to %q; want 303 to %q; the page says:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode,
			r.Header.Get("Location"), location, strings.Join(shown, "\n"))
	}
}

// fieldError is the error shown next to a form's field, or "".
func fieldError(r *response, name string) string {
	return text(r.Doc().Find(`[data-testid="field-error"][data-field="` + name + `"]`))
}

// fieldValue is the value a form's field shows.
func fieldValue(r *response, name string) string {
	s := r.Doc().Find(`[data-testid="fleet-form"] [name="` + name + `"]`)
	if s.Is("textarea") {
		return s.Text()
	}
	if s.Is("select") {
		return s.Find("option[selected]").AttrOr("value", "")
	}
	return s.AttrOr("value", "")
}

// uploadFleet posts a fleet file to the upload form, with prune when asked.
func uploadFleet(c *client, name string, content []byte, prune bool) *response {
	c.T.Helper()
	if r := c.Get("/fleet/upload"); r.StatusCode != http.StatusOK {
		c.T.Fatalf("GET /fleet/upload = %d\n%s", r.StatusCode, r.Snippet())
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.CSRF)
	if prune {
		w.WriteField("prune", "on")
	}
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		c.T.Fatal(err)
	}
	part.Write(content)
	if err := w.Close(); err != nil {
		c.T.Fatal(err)
	}
	return c.Do(http.MethodPost, "/fleet/upload", &body, header("Content-Type", w.FormDataContentType()))
}

// applyForm is the apply form a preview shows, as a browser would send it.
func applyForm(t *testing.T, preview *response) url.Values {
	t.Helper()
	form := url.Values{}
	inputs := preview.Doc().Find(`form[data-testid="apply-form"] input`)
	if inputs.Length() == 0 {
		t.Fatalf("the preview has no apply form\n%s", preview.Snippet())
	}
	inputs.Each(func(_ int, s *goquery.Selection) { form.Add(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	return form
}

// planLines are the lines of a preview's plan.
func planLines(r *response) []string {
	var out []string
	r.Doc().Find(`[data-testid="plan-line"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}
