package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// uploadUpsert posts an import file with the upsert box checked.
func uploadUpsert(c *client, content string) *response {
	c.T.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.CSRF)
	w.WriteField("upsert", "on")
	part, err := w.CreateFormFile("file", "servers.csv")
	if err != nil {
		c.T.Fatal(err)
	}
	part.Write([]byte(content))
	w.Close()
	return c.Do(http.MethodPost, "/servers/import", &body, header("Content-Type", w.FormDataContentType()))
}

// The import updates the servers whose ids exist when asked to, by the fleet rules; without
// the box it refuses them, as before.
func TestServerImportUpsert(t *testing.T) {
	t.Parallel()
	e := newFleetEnv(t, testenv.ExampleUsers)
	admin := e.signInAt(adminName)
	admin.Get("/servers")
	file := "id,name,address,subnet_id,type,status\ni-web-1,web-one,10.20.1.11,vsw-a,ecs,Running\ni-new-1,new-1,10.20.1.77,vsw-a,ecs,Running\n"

	t.Run("WithoutUpsertRefused", func(t *testing.T) {
		before := e.fleetState()
		r := uploadCSV(admin, []byte(file))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := text(r.Doc().Find(`[data-testid="import-problem"][data-line="2"]`)); !strings.Contains(got, "already in the inventory") {
			t.Errorf("line 2: %q", got)
		}
		if now := e.fleetState(); len(now.doc.Servers) != len(before.doc.Servers) {
			t.Error("a refused import changed the inventory")
		}
	})
	t.Run("RuleBrokenRefused", func(t *testing.T) {
		before := e.fleetState()
		r := uploadUpsert(admin, strings.Replace(file, "10.20.1.11,vsw-a", "10.20.9.11,vsw-a", 1))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := text(r.Doc().Find(`[data-testid="import-problem"][data-line="2"]`)); !strings.Contains(got, "servers[i-web-1].address") {
			t.Errorf("line 2: %q", got)
		}
		if now := e.fleetState(); len(now.doc.Servers) != len(before.doc.Servers) || now.audit != before.audit+1 {
			t.Error("a refused upsert changed the inventory, or was not audited once")
		}
	})
	t.Run("Upserted", func(t *testing.T) {
		r := uploadUpsert(admin, file)
		wantStatus(t, r, http.StatusSeeOther) // to the inventory, so that a reload imports nothing again
		page := admin.Get(r.Header.Get("Location"))
		wantStatus(t, page, http.StatusOK)
		if got := text(page.Doc().Find(`[data-testid="flash"]`)); !strings.Contains(got, "Imported 2 servers") {
			t.Errorf("flash = %q", got)
		}
		doc, err := e.store.FleetObject(e.ctx, fleet.KindServer, "i-web-1")
		if err != nil || doc.Servers[0].Name != "web-one" {
			t.Errorf("i-web-1 = %+v, %v", doc.Servers, err)
		}
		if _, err := e.store.FleetObject(e.ctx, fleet.KindServer, "i-new-1"); err != nil {
			t.Errorf("i-new-1: %v", err)
		}
	})
}
