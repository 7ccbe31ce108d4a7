package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/docs"
	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// An uploaded fleet file is previewed, changing nothing, then applied as previewed: every
// change audited as the admin's, under one request id, and the page after the redirect says
// what was done. YAML and JSON plan alike.
func TestFleetUploadPreviewThenApply(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.EmptyUsers)
	admin := e.signInAt(adminName)
	before := e.fleetState()

	preview := uploadFleet(admin, "fleet-example.yaml", docs.FleetExample, false)
	wantStatus(t, preview, http.StatusOK)
	lines := planLines(preview)
	for _, want := range []string{"create region eu-west-1", "create load balancer lb-web", "create group rsp-web-http in load balancer lb-web",
		"replace members of rsp-web-http: +3 −0 ~0", "+ 10.20.2.50:80 weight 10 description \"canary\""} {
		if !hasLine(lines, want) {
			t.Errorf("the plan has no line %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	e.fleetUnchanged(t, before)

	doc, err := fleet.Parse(docs.FleetExample)
	if err != nil {
		t.Fatal(err)
	}
	asJSON, err := fleet.Marshal(doc, fleet.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	// The JSON lists the members sorted, so its plan lists them so too.
	if jsonLines := planLines(uploadFleet(admin, "fleet.json", asJSON, false)); !reflect.DeepEqual(sorted(jsonLines), sorted(lines)) {
		t.Errorf("the JSON file plans\n%s\nthe YAML file\n%s", strings.Join(jsonLines, "\n"), strings.Join(lines, "\n"))
	}

	r := admin.Post("/fleet/apply", applyForm(t, preview))
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/fleet/upload?") {
		t.Fatalf("apply = %d to %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Snippet())
	}
	done := admin.Get(r.Header.Get("Location"))
	if got := text(done.Doc().Find(`[data-testid="flash"]`)); !strings.HasPrefix(got, "Applied: 13 created, 0 updated, 0 deleted, 3 member lists replaced") {
		t.Errorf("after the apply the page says %q", got)
	}
	if got := e.fleetState().doc; len(got.LoadBalancers) != 2 || len(got.Servers) != 4 {
		t.Errorf("after the apply the fleet holds %d load balancers and %d servers", len(got.LoadBalancers), len(got.Servers))
	}
	entries, err := e.store.ListAudit(e.ctx, db.AuditFilter{Actor: adminName, Source: db.SourceConsole})
	if err != nil || entries.Total != 16 {
		t.Fatalf("audit entries of the apply: %d, %v; want 16 (13 objects, 3 member lists)", entries.Total, err)
	}
	for _, a := range entries.Items {
		if a.RequestID != entries.Items[0].RequestID || a.RequestID == "" {
			t.Errorf("entry %d has request id %q; want every entry of the apply under one", a.Seq, a.RequestID)
		}
	}

	again := uploadFleet(admin, "fleet-example.yaml", docs.FleetExample, false)
	if got := text(again.Doc().Find(`[data-testid="plan-summary"]`)); got != fleet.NothingToDo || again.Doc().Find(`[data-testid="apply-form"]`).Length() != 0 {
		t.Errorf("the same file again: %q, with an apply form %v", got, again.Doc().Find(`[data-testid="apply-form"]`).Length() != 0)
	}
}

// With prune checked, what the file leaves out is deleted, as the plan says first.
func TestFleetUploadPrunes(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	admin := e.signInAt(adminName)
	withoutAPI := exampleWithout(t, "lb-api")
	preview := uploadFleet(admin, "fleet.yaml", withoutAPI, true)
	wantStatus(t, preview, http.StatusOK)
	lines := planLines(preview)
	if !hasLine(lines, "delete group rsp-api in load balancer lb-api") || !hasLine(lines, "delete load balancer lb-api") || len(lines) != 2 {
		t.Fatalf("plan:\n%s", strings.Join(lines, "\n"))
	}
	r := admin.Post("/fleet/apply", applyForm(t, preview))
	wantStatus(t, r, http.StatusSeeOther)
	if got := e.fleetState().doc; len(got.LoadBalancers) != 1 || got.LoadBalancers[0].ID != "lb-web" {
		t.Errorf("after the prune: %+v", got.LoadBalancers)
	}
}

// A preview goes stale when the database changes: its apply is refused, changing nothing, and
// the plan as it now is shown instead, to apply if it is still wanted.
func TestFleetUploadStalePreviewRefused(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.EmptyUsers)
	admin := e.signInAt(adminName)
	preview := uploadFleet(admin, "fleet-example.yaml", docs.FleetExample, false)
	stale := applyForm(t, preview)

	// Meanwhile, someone else makes the file's region, with another name.
	if _, err := e.store.PutRegion(e.ctx, db.Origin{Actor: "bob", Source: db.SourceCLI}, fleet.Region{ID: "eu-west-1", Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	before := e.fleetState()
	r := admin.Post("/fleet/apply", stale)
	wantStatus(t, r, http.StatusConflict)
	if got := text(r.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "Nothing was applied") || !strings.Contains(got, "changed since the preview") {
		t.Errorf("the refusal says %q", got)
	}
	if lines := planLines(r); !hasLine(lines, `update region eu-west-1: name "Elsewhere" → "Europe West"`) || hasLine(lines, "create region") {
		t.Errorf("the fresh plan:\n%s", strings.Join(lines, "\n"))
	}
	e.fleetUnchanged(t, before)

	tampered := applyForm(t, r)
	tampered.Set("digest", strings.Repeat("0", 64))
	wantStatus(t, admin.Post("/fleet/apply", tampered), http.StatusConflict)
	missing := applyForm(t, r)
	missing.Del("file")
	wantStatus(t, admin.Post("/fleet/apply", missing), http.StatusBadRequest)
	e.fleetUnchanged(t, before)

	wantStatus(t, admin.Post("/fleet/apply", applyForm(t, r)), http.StatusSeeOther)
	if doc, _ := e.store.FleetObject(e.ctx, fleet.KindRegion, "eu-west-1"); doc.Regions[0].Name != "Europe West" {
		t.Errorf("after applying the fresh plan, the region is %+v", doc.Regions)
	}
}

// A file that cannot apply is refused with every problem, each on its line and naming object,
// id and field; so are a missing and an oversized upload. Nothing changes.
func TestFleetUploadRefusals(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	admin := e.signInAt(adminName)
	outside := bytes.Replace(docs.FleetExample, []byte("address: 10.20.1.12, subnet: vsw-a"), []byte("address: 10.20.9.12, subnet: vsw-a"), 1)
	tests := []struct {
		name    string
		content []byte
		prune   bool
		status  int
		want    []string
	}{
		{"YAMLSyntax", []byte("regions:\n  - {id: eu-west-1, name: [\n"), false, 422, []string{"line "}},
		{"ServerOutsideItsSubnet", outside, false, 422, []string{"line 13: servers[i-web-2].address: 10.20.9.12 is not in subnet vsw-a"}},
		{"UnknownField", []byte("regions: [{id: eu-x, name: x, colour: blue}]\n"), false, 422, []string{"line 1: regions[eu-x]", "colour"}},
		{"Empty", nil, false, 422, []string{"the file is empty"}},
		{"PruneWhatIsStillUsed", serverLeftOut(t), true, 422, []string{"servers[i-web-2]", "--prune would delete it",
			"group rsp-web-http (its current members: the file lists none for it)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fleetState()
			r := uploadFleet(admin, "fleet.yaml", tc.content, tc.prune)
			if r.StatusCode != tc.status {
				t.Fatalf("upload = %d; want %d\n%s", r.StatusCode, tc.status, r.Snippet())
			}
			got := text(r.Doc().Find(`[data-testid="file-problems"]`))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the problems say %q; want %q", got, w)
				}
			}
			if r.Doc().Find(`[data-testid="apply-form"]`).Length() != 0 {
				t.Error("a refused file is offered for applying")
			}
			e.fleetUnchanged(t, before)
		})
	}
	t.Run("NoFile", func(t *testing.T) {
		wantStatus(t, admin.Get("/fleet/upload"), http.StatusOK)
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", admin.CSRF)
		w.Close()
		r := admin.Do(http.MethodPost, "/fleet/upload", &body, header("Content-Type", w.FormDataContentType()))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := text(r.Doc().Find(`[data-testid="field-error"]`)); !strings.Contains(got, "choose a fleet file") {
			t.Errorf("the refusal says %q", got)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		big := append([]byte("# "+strings.Repeat("x", 1<<20)+"\n"), docs.FleetExample...)
		r := uploadFleet(admin, "big.yaml", big, false)
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		if got := text(r.Doc().Find(`[data-testid="field-error"]`)); !strings.Contains(got, "1024 KiB") || !strings.Contains(got, "console fleet apply") {
			t.Errorf("the refusal says %q", got)
		}
	})
}

func sorted(lines []string) []string {
	out := slices.Clone(lines)
	slices.Sort(out)
	return out
}

// serverLeftOut is the example file without server i-web-2, and without the member lists of
// the groups that hold it, which keeps their members as they are.
func serverLeftOut(t *testing.T) []byte {
	t.Helper()
	doc, err := fleet.Parse(docs.FleetExample)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = fleet.Without(doc, fleet.KindServer, "i-web-2")
	for i := range doc.LoadBalancers[0].Groups {
		doc.LoadBalancers[0].Groups[i].Members = nil
	}
	out, err := fleet.Marshal(doc, fleet.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exampleWithout is the example file with one load balancer left out.
func exampleWithout(t *testing.T, lbID string) []byte {
	t.Helper()
	doc, err := fleet.Parse(docs.FleetExample)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = fleet.Without(doc, fleet.KindLoadBalancer, lbID)
	out, err := fleet.Marshal(doc, fleet.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
