package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/handlers"
)

// bench is the console under measurement and the floor server beside it, both on loopback.
type bench struct {
	ctx      context.Context
	c        config
	f        *benchFleet
	app      *http.Server
	appURL   string
	floor    *http.Server
	floorE   *echo.Echo
	floorURL string
	user     *browser
}

func newBench(ctx context.Context, f *benchFleet, c config) (*bench, error) {
	b := &bench{ctx: ctx, c: c, f: f}
	router, err := handlers.New(handlers.Config{DB: f.store, CookieKey: auth.DeriveKey(benchKey, "session-cookie"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	if b.app, b.appURL, err = serveOn(router); err != nil {
		return nil, err
	}
	b.floorE = echo.New()
	b.floorE.GET("/trivial", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	b.floorE.POST("/trivial", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	if b.floor, b.floorURL, err = serveOn(b.floorE); err != nil {
		return nil, err
	}
	b.user = newBrowser(b.appURL)
	return b, b.user.signIn(benchUser, benchPassword)
}

func serveOn(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("lbbench: serve", "err", err)
		}
	}()
	return srv, "http://" + ln.Addr().String(), nil
}

func (b *bench) close() {
	b.app.Close()
	b.floor.Close()
}

// rows lists every row in the table's order.
func (b *bench) rows() []rowSpec {
	var out []rowSpec
	out = append(out, b.searchRows()...)
	out = append(out, b.pageRows()...)
	out = append(out, b.batchRows()...)
	out = append(out, b.slbRows()...)
	out = append(out, b.startRow())
	return out
}

// trivialFloor times the floor server's trivial handler with clients at once.
func (b *bench) trivialFloor(clients int) (timing, error) {
	fb := newBrowser(b.floorURL)
	return measure(b.c.n, clients, func() (int, error) {
		a, err := fb.get("/trivial")
		return len(a.body), err
	})
}

// sameBytesFloor serves what the app answered, headers that shape the body included, from a
// bare Echo handler, and times it: what the answer would cost if producing it were free.
func (b *bench) sameBytesFloor(path string, a answer) (timing, error) {
	body, ct, enc := a.body, a.header.Get("Content-Type"), a.header.Get("Content-Encoding")
	b.floorE.GET(path, func(c echo.Context) error {
		if enc != "" {
			c.Response().Header().Set("Content-Encoding", enc)
		}
		return c.Blob(http.StatusOK, ct, body)
	})
	fb := newBrowser(b.floorURL)
	return measure(b.c.n, 1, func() (int, error) {
		a, err := fb.get(path)
		return len(a.body), err
	})
}
