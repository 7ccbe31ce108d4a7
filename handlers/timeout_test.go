package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/handlers"
)

// TestRequestTimeout: a request whose work outlasts its deadline is stopped and answered
// 503 with a message, not left holding the database.
func TestRequestTimeout(t *testing.T) {
	s := newSecEnv(t, nil)
	cookie := s.signIn(adminName).sessionCookie()
	hurried, err := handlers.New(handlers.Config{DB: s.store, CookieKey: key32('c'), Now: s.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), RequestTimeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hurried)
	defer srv.Close()
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
