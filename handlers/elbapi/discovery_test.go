package elbapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// browserAccept is what chromium sends when it loads a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// TestVersionDiscovery: openstacksdk, given an endpoint override, first GETs it without a
// token asking for JSON, and needs a version document there (the console's root and either
// prefix); it used to get a 303 to a relative /login and stop. A browser at the same paths
// still gets the console's redirect to sign in.
func TestVersionDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := *e.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(method, path, accept string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	for _, path := range []string{"/", "/v2.0", "/v2.0/", "/v2", "/v2/"} {
		resp, body := do(http.MethodGet, path, "application/json")
		var doc struct {
			Versions []struct {
				ID, Status string
				Links      []struct{ Href, Rel string }
			}
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || resp.StatusCode != http.StatusOK || len(doc.Versions) != 1 {
			t.Fatalf("GET %s as JSON = %d %s; want the version document", path, resp.StatusCode, body)
		}
		v := doc.Versions[0]
		if v.ID != "v2.0" || v.Status != "CURRENT" || len(v.Links) != 1 || v.Links[0] != (struct{ Href, Rel string }{"/v2.0", "self"}) {
			t.Errorf("GET %s: version %+v; want v2.0, CURRENT, self /v2.0", path, v)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		for _, accept := range []string{browserAccept, "", "*/*", "application/json, text/html"} {
			if resp, body := do(http.MethodGet, path, accept); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Errorf("GET %s with Accept %q = %d %.80s; want the console's redirect to sign in", path, accept, resp.StatusCode, body)
			}
		}
	}
	if resp, body := do(http.MethodHead, "/v2", "application/json"); resp.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD /v2 = %d %q", resp.StatusCode, body)
	}
	// An SLB API call at / is never discovery, whatever it accepts.
	resp, body := do(http.MethodGet, "/?Action=DescribeRegions&Format=JSON", "application/json")
	if !strings.Contains(body, `"RequestId"`) || strings.Contains(body, "versions") {
		t.Errorf("an SLB call at / asking for JSON = %d %s; want the SLB API's answer", resp.StatusCode, body)
	}
}
