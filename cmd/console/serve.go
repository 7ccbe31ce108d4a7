package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/handlers"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 15 * time.Second

func serve(ctx context.Context, args []string, e env) error {
	var dbPath, addr string
	var demo bool
	fs := newFlags("serve", e, &dbPath)
	defAddr := e.Getenv("CONSOLE_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	fs.StringVar(&addr, "addr", defAddr, "address to listen on (env CONSOLE_ADDR)")
	fs.BoolVar(&demo, "demo", false, "fill an empty database with demo data")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return exitError{code: 2, msg: fmt.Sprintf("serve takes no arguments, got %q", rest)}
	}
	log := slog.New(slog.NewTextHandler(e.Stderr, nil))
	store, key, err := openStore(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	if demo {
		if err := seedDemo(ctx, store, log); err != nil {
			return err
		}
	}
	signIn, err := ensureAdmin(ctx, store, e)
	if err != nil {
		return err
	}
	router, err := handlers.New(handlers.Config{DB: store, CookieKey: auth.DeriveKey(key, "session-cookie"), Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	fmt.Fprintf(e.Stdout, "lbconsole is serving on http://%s (database %s)\n%s\n", ln.Addr(), dbPath, signIn)
	return serveUntilDone(ctx, srv, ln, e.Ready)
}

// serveUntilDone serves until ctx ends, then lets in-flight requests finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, ready chan<- string) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("unable to shut down cleanly: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func seedDemo(ctx context.Context, store *db.DB, log *slog.Logger) error {
	seeded, err := store.SeedDemo(ctx)
	if err != nil {
		return err
	}
	if seeded {
		log.Info("demo data written: 3 regions, 15 load balancers, 480 servers")
	} else {
		log.Info("the database already holds data: demo data was not written")
	}
	return nil
}

// ensureAdmin creates the first admin when there are no users, and says how to sign in.
func ensureAdmin(ctx context.Context, store *db.DB, e env) (string, error) {
	n, err := store.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "Sign in with your user name and password. (Forgot the admin password? Run: console user passwd admin)", nil
	}
	password := e.Getenv("CONSOLE_ADMIN_PASSWORD")
	shown := "the password in CONSOLE_ADMIN_PASSWORD"
	if password == "" {
		password = auth.RandomToken(15)
		shown = "password " + password + "  (shown only this once)"
	} else if err := auth.CheckNewPassword(password); err != nil {
		return "", fmt.Errorf("CONSOLE_ADMIN_PASSWORD: %w", err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	if _, err := store.CreateUser(ctx, "admin", db.RoleAdmin, hash); err != nil {
		return "", err
	}
	return "Sign in as user admin with " + shown, nil
}
