package handlers_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"

	"lbconsole/docs"
	"lbconsole/internal/testenv"
)

// A console without load balancers tells admins how to describe the fleet (upload a file
// here, or the command line) and links the example file; everyone else learns to ask an admin.
func TestEmptyStart(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.EmptyUsers)
	admin := e.signInAt(adminName)

	page := admin.Get("/lbs")
	wantStatus(t, page, http.StatusOK)
	empty := page.Doc().Find(`[data-testid="empty-fleet"]`)
	if empty.Length() != 1 || !strings.Contains(text(empty), "console fleet apply FILE") ||
		empty.Find(`a[href="/fleet/upload"]`).Length() != 1 || empty.Find(`a[href="/fleet/example.yaml"]`).Length() != 1 {
		t.Fatalf("the empty state for admins: %q", text(empty))
	}
	if page.Doc().Find(`[data-testid="lb-filters"]`).Length() != 0 {
		t.Error("the empty page offers filters over nothing")
	}
	if frag := admin.Get("/lbs", htmx); !strings.Contains(frag.Body, `data-testid="empty-fleet"`) {
		t.Errorf("the htmx fragment of an empty list: %s", frag.Snippet())
	}
	for _, name := range []string{viewerName, operatorName} {
		shown := e.signInAt(name).Get("/lbs").Doc().Find(`[data-testid="empty-fleet"]`)
		if !strings.Contains(text(shown), "ask") || shown.Find("a").Length() != 0 {
			t.Errorf("the empty state for %s: %q, %d links", name, text(shown), shown.Find("a").Length())
		}
	}

	// The example is the repository's file, byte for byte, and applies as it is.
	example := admin.Get("/fleet/example.yaml")
	wantStatus(t, example, http.StatusOK)
	onDisk, err := os.ReadFile("../docs/fleet-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if example.Body != string(onDisk) || !bytes.Equal(onDisk, docs.FleetExample) || !strings.HasPrefix(example.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/fleet/example.yaml (%s, %d bytes) is not docs/fleet-example.yaml (%d bytes)", example.Header.Get("Content-Type"), len(example.Body), len(onDisk))
	}
	preview := uploadFleet(admin, "fleet-example.yaml", []byte(example.Body), false)
	wantStatus(t, preview, http.StatusOK)
	wantStatus(t, admin.Post("/fleet/apply", applyForm(t, preview)), http.StatusSeeOther)
	list := admin.Get("/lbs").Doc()
	for _, id := range []string{"lb-web", "lb-api"} {
		if list.Find(`tr[data-testid="lb-row"][data-id="`+id+`"]`).Length() != 1 {
			t.Errorf("after applying the example, /lbs does not list %s", id)
		}
	}
	if list.Find(`[data-testid="empty-fleet"]`).Length() != 0 {
		t.Error("the empty state stays after the fleet is described")
	}
}
