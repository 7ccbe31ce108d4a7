package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/handlers"
	"lbconsole/internal/testenv"
)

// TestRequestTimeout: a request whose work outlasts its deadline is stopped and answered
// 503 with a message, not left holding the database.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	cookie := s.signIn(adminName).SessionCookie()
	srv := testenv.Serve(t, testenv.Router(t, handlers.Config{DB: s.store, Now: s.clock.Now, RequestTimeout: time.Nanosecond}), false)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/lbs", nil)
	req.AddCookie(cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET /lbs with a 1ns budget = %d; want 503", res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find(`[data-testid=error]`).Text(); !strings.Contains(got, "took too long") {
		t.Errorf("error = %q; want it to say the request took too long", got)
	}
}
