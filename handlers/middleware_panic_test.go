package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// TestPanicIsAnErrorPage: a handler that panics is answered with the 500 page. The request
// timeout's context was left cancelled by the panic, the error page failed to render with it,
// and the browser got 200 with an empty body: a failure that looked like a success. The
// import reader's panic on a stray quote (FuzzReadServerCSV) was answered that way.
func TestPanicIsAnErrorPage(t *testing.T) {
	h := &Handler{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = h.handleError
	// As routes() orders them: Recover outside the timeout.
	e.Use(middleware.Recover())
	e.Use(withTimeout(time.Minute, func(echo.Context) bool { return false }))
	e.GET("/boom", func(echo.Context) error { panic("boom") })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "something went wrong on our side") {
		t.Errorf("a panic answered %d %.200q; want 500 with the error page", rec.Code, rec.Body.String())
	}
}
