package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"lbconsole/auth"
	"lbconsole/dataplane/controller"
	"lbconsole/db"
	"lbconsole/demo"
	"lbconsole/handlers"
	"lbconsole/lb"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 15 * time.Second

// serveConfig is serve's command line.
type serveConfig struct {
	dbPath, addr    string
	demo            bool
	demoHAProxy     bool
	reconcile       time.Duration
	tlsCert, tlsKey string
	trustedProxies  string
	sessionIdle     time.Duration
	sessionMax      time.Duration
	exportStall     time.Duration
	proxies         []netip.Prefix
}

func parseServe(args []string, e env) (serveConfig, error) {
	var c serveConfig
	fs := newFlags("serve", e, &c.dbPath)
	fs.StringVar(&c.addr, "addr", envOr(e, "CONSOLE_ADDR", "127.0.0.1:8080"), "address to listen on (env CONSOLE_ADDR)")
	fs.BoolVar(&c.demo, "demo", false, "fill an empty database with demo data")
	fs.BoolVar(&c.demoHAProxy, "demo-haproxy", false,
		"start a local haproxy and backend servers on loopback, and bind a demo load balancer to them (needs haproxy on PATH)")
	reconcile, err := envDuration(e, "CONSOLE_RECONCILE_INTERVAL", controller.DefaultInterval)
	if err != nil {
		return c, err
	}
	fs.DurationVar(&c.reconcile, "reconcile-interval", reconcile,
		"time between two passes of each HAProxy node's reconciler (env CONSOLE_RECONCILE_INTERVAL)")
	fs.StringVar(&c.tlsCert, "tls-cert", e.Getenv("CONSOLE_TLS_CERT"), "serve HTTPS with this certificate (PEM; env CONSOLE_TLS_CERT)")
	fs.StringVar(&c.tlsKey, "tls-key", e.Getenv("CONSOLE_TLS_KEY"), "the certificate's private key (PEM; env CONSOLE_TLS_KEY)")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", e.Getenv("CONSOLE_TRUSTED_PROXIES"),
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (env CONSOLE_TRUSTED_PROXIES)")
	fs.DurationVar(&c.sessionIdle, "session-idle", 30*time.Minute, "end sessions unused for this long")
	fs.DurationVar(&c.sessionMax, "session-max", 12*time.Hour, "end sessions this long after sign-in")
	stall, err := envDuration(e, "CONSOLE_EXPORT_STALL_TIMEOUT", time.Minute)
	if err != nil {
		return c, err
	}
	fs.DurationVar(&c.exportStall, "export-stall-timeout", stall,
		"cut an audit download whose client takes nothing for this long (env CONSOLE_EXPORT_STALL_TIMEOUT)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return c, err
	}
	if len(rest) > 0 {
		return c, exitError{code: 2, msg: fmt.Sprintf("serve takes no arguments, got %q", rest)}
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, exitError{code: 2, msg: "give both --tls-cert and --tls-key, or neither"}
	}
	if c.exportStall <= 0 {
		return c, exitError{code: 2, msg: "--export-stall-timeout must be a positive duration such as 1m"}
	}
	if c.reconcile <= 0 {
		return c, exitError{code: 2, msg: "--reconcile-interval must be a positive duration such as 5s"}
	}
	if c.sessionIdle <= 0 || c.sessionMax <= 0 {
		return c, exitError{code: 2, msg: "--session-idle and --session-max must be positive durations such as 30m"}
	}
	for _, p := range strings.Split(c.trustedProxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return c, exitError{code: 2, msg: fmt.Sprintf("--trusted-proxies: %q is not a CIDR such as 10.0.0.0/8", p)}
		}
		c.proxies = append(c.proxies, prefix)
	}
	return c, nil
}

// envDuration reads a duration such as 1m from the environment, or returns def.
func envDuration(e env, name string, def time.Duration) (time.Duration, error) {
	v := e.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, exitError{code: 2, msg: fmt.Sprintf("%s=%q: want a positive duration such as 1m", name, v)}
	}
	return d, nil
}

func envOr(e env, name, def string) string {
	if v := e.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, e env) error {
	cfg, err := parseServe(args, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.Stderr, nil))
	metrics := handlers.NewMetrics()
	store, key, err := open(ctx, cfg.dbPath, e, true, metrics)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.demo {
		if err := seedDemo(ctx, store, log); err != nil {
			return err
		}
	}
	if cfg.demoHAProxy {
		d, err := startDemoHAProxy(ctx, store, e)
		if err != nil {
			return err
		}
		defer d.Close()
	}
	stopDataPlane, err := startDataPlane(ctx, store, metrics, cfg.reconcile, log)
	if err != nil {
		return err
	}
	defer stopDataPlane()
	signIn, err := ensureAdmin(ctx, store, e)
	if err != nil {
		return err
	}
	router, err := handlers.New(handlers.Config{DB: store, CookieKey: auth.DeriveKey(key, "session-cookie"), Logger: log,
		Secure: cfg.tlsCert != "", SessionIdle: cfg.sessionIdle, SessionLifetime: cfg.sessionMax,
		TrustedProxies: cfg.proxies, Metrics: metrics, ExportStallTimeout: cfg.exportStall})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return exitError{code: 2, msg: fmt.Sprintf("unable to listen on %s: another program, perhaps a console started before, is listening there.\n"+
			"Stop it, or serve on another address: %s --addr %s", cfg.addr, e.program(), nextAddr(cfg.addr))}
	}
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if cfg.tlsCert != "" {
		scheme = "https"
		cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("unable to load the TLS certificate: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	fmt.Fprintf(e.Stdout, "lbconsole is serving on %s://%s (database %s)\n%s\n", scheme, ln.Addr(), cfg.dbPath, signIn)
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
	seeded, err := demo.Seed(ctx, store)
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
		return fmt.Sprintf("Sign in with your user name and password. (Forgot the admin password? Run: echo 'a new long password' | %s user passwd admin)", e.program()), nil
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
	if _, err := store.CreateUser(ctx, cliOrigin(), "admin", lb.RoleAdmin, hash); err != nil {
		return "", err
	}
	return "Sign in as user admin with " + shown, nil
}

// nextAddr is the address after addr, for a hint: the same host, the next port.
func nextAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	n, convErr := strconv.Atoi(port)
	if err != nil || convErr != nil || n >= 65535 {
		return "127.0.0.1:8081"
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}
