package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// syncBuffer is a bytes.Buffer that the server's goroutines and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is the outside world of one run: variables from vars (nothing from the real
// environment), stdin, and captured output.
func testEnv(vars map[string]string, stdin string) (env, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return env{
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
	}, stdout, stderr
}

// exitCode returns the status an error would end the program with: 0 for nil, the exitError's
// code, or 2 for any other error (as main does).
func exitCode(err error) int {
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	}
	return 2
}

const goodPassword = "correct horse battery"

func TestUserAdd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lbconsole.db")

	t.Run("a user with a long enough password is added", func(t *testing.T) {
		e, stdout, _ := testEnv(nil, goodPassword+"\n")
		if err := run(ctx, []string{"user", "add", "alice", "--role", "operator", "--db", path}, e); err != nil {
			t.Fatalf("run = %v, want nil", err)
		}
		if !strings.Contains(stdout.String(), "alice") {
			t.Errorf("stdout = %q, want it to name alice", stdout.String())
		}
		store, _, err := openStore(ctx, dbFlags{db: path}, e)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		u, err := store.UserByName(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != lb.RoleOperator {
			t.Errorf("role = %q, want operator", u.Role)
		}
		if err := auth.CheckPassword(u.PasswordHash, goodPassword); err != nil {
			t.Errorf("the password from stdin does not sign alice in: %v", err)
		}
	})

	t.Run("the same name again fails with status 1", func(t *testing.T) {
		e, _, _ := testEnv(nil, "another long password\n")
		err := run(ctx, []string{"user", "add", "alice", "--role", "admin", "--db", path}, e)
		if got := exitCode(err); got != 1 {
			t.Errorf("run = %v (status %d), want status 1", err, got)
		}
		if err != nil && !strings.Contains(err.Error(), "alice") {
			t.Errorf("message = %q, want it to name alice", err.Error())
		}
	})

	refusals := []struct {
		name, user, role, stdin, inMessage string
	}{
		{"a short password fails with status 2", "bob", "viewer", "short\n", "12"},
		{"an unknown role fails with status 2", "carol", "root", goodPassword + "\n", "role"},
		{"no password on stdin fails with status 2", "dave", "viewer", "", "password"},
		{"a user name with spaces fails with status 2", "eve mallory", "viewer", goodPassword + "\n", "name"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			e, _, _ := testEnv(nil, tc.stdin)
			err := run(ctx, []string{"user", "add", tc.user, "--role", tc.role, "--db", path}, e)
			if got := exitCode(err); got != 2 {
				t.Errorf("run = %v (status %d), want status 2", err, got)
			}
			if err != nil && !strings.Contains(err.Error(), tc.inMessage) {
				t.Errorf("message = %q, want it to mention %q", err.Error(), tc.inMessage)
			}
			store, _, err := openStore(ctx, dbFlags{db: path}, e)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			if _, err := store.UserByName(ctx, tc.user); lb.ErrorKind(err) != lb.KindNotFound {
				t.Errorf("UserByName(%s) = %v, want not found: nothing should be added", tc.user, err)
			}
		})
	}
}

// auditedDB makes a database with demo data and three audit rows (two applied removals and a
// refused weight), written with the key that the commands will find beside the file.
func auditedDB(t *testing.T, e env) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	testenv.Demo.CopyTo(t, path) // with the key file beside it, where the commands look
	store, _, err := openStore(ctx, dbFlags{db: path}, e)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Query: "web-frontend", Region: "cn-hangzhou"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListLoadBalancers = %d items, %v; want web-frontend-hz", len(page.Items), err)
	}
	l := page.Items[0]
	g, err := store.GetGroup(ctx, l.ID, lb.DefaultGroupRef)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.ListMembers(ctx, g.ID)
	if err != nil || len(ms) < 3 {
		t.Fatalf("ListMembers = %d, %v; want at least 3", len(ms), err)
	}
	heavy := 101
	batches := []struct {
		actor string
		batch lb.Batch
	}{
		{"alice", lb.Batch{Action: lb.ActionRemove, Old: []lb.Spec{{MemberID: ms[0].ID}}}},
		{"=HYPERLINK(\"http://evil\")", lb.Batch{Action: lb.ActionRemove, Old: []lb.Spec{{MemberID: ms[1].ID}}}},
		{"bob", lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: ms[2].ID, Weight: &heavy}}}},
	}
	for i, b := range batches {
		_, err := store.ApplyBatch(ctx, db.BatchRequest{LoadBalancerID: l.ID, GroupRef: lb.DefaultGroupRef, Batch: b.batch,
			Actor: b.actor, Source: db.SourceConsole, ClientIP: "192.0.2.1", RequestID: "req-" + strconv.Itoa(i+1)})
		if i < 2 && err != nil {
			t.Fatalf("batch %d: %v", i+1, err)
		}
	}
	return path
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("an intact chain exits 0", func(t *testing.T) {
		e, stdout, _ := testEnv(nil, "")
		path := auditedDB(t, e)
		if err := run(ctx, []string{"audit", "verify", "--db", path}, e); err != nil {
			t.Fatalf("run = %v, want nil", err)
		}
		if !strings.Contains(stdout.String(), "audit chain intact") || !strings.Contains(stdout.String(), "3 rows") {
			t.Errorf("stdout = %q, want it to say the chain of 3 rows is intact", stdout.String())
		}
	})

	t.Run("an edited row exits 1 naming the row", func(t *testing.T) {
		e, _, _ := testEnv(nil, "")
		path := auditedDB(t, e)
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			"DROP TRIGGER audit_log_no_update",
			"UPDATE audit_log SET actor = 'nobody' WHERE seq = 2",
		} {
			if _, err := raw.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
		err = run(ctx, []string{"audit", "verify", "--db", path}, e)
		if got := exitCode(err); got != 1 {
			t.Fatalf("run = %v (status %d), want status 1", err, got)
		}
		if !strings.Contains(err.Error(), "row 2") {
			t.Errorf("message = %q, want it to name row 2", err.Error())
		}
	})

	// Another key used to fail at row 1; now the store refuses it before anything runs
	// (wrongkey_test.go), and says which key to use.
	t.Run("another key exits 2 naming the key", func(t *testing.T) {
		e, _, _ := testEnv(nil, "")
		path := auditedDB(t, e)
		other, _, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": hex.EncodeToString(bytes.Repeat([]byte{7}, 32))}, "")
		err := run(ctx, []string{"audit", "verify", "--db", path}, other)
		if got := exitCode(err); got != 2 || !strings.Contains(err.Error(), "CONSOLE_SECRET_KEY") {
			t.Errorf("run = %v (status %d), want status 2 naming CONSOLE_SECRET_KEY", err, got)
		}
	})

	t.Run("CONSOLE_DB names the database when --db is not given", func(t *testing.T) {
		e, _, _ := testEnv(nil, "")
		path := auditedDB(t, e)
		withEnv, stdout, _ := testEnv(map[string]string{"CONSOLE_DB": path}, "")
		if err := run(ctx, []string{"audit", "verify"}, withEnv); err != nil {
			t.Fatalf("run = %v, want nil", err)
		}
		if !strings.Contains(stdout.String(), "3 rows") {
			t.Errorf("stdout = %q, want 3 rows verified", stdout.String())
		}
	})
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _, _ := testEnv(nil, "")
	path := auditedDB(t, e)

	export := func(t *testing.T, args ...string) [][]string {
		t.Helper()
		e, stdout, _ := testEnv(nil, "")
		if err := run(ctx, append([]string{"audit", "export", "--db", path}, args...), e); err != nil {
			t.Fatalf("run = %v, want nil", err)
		}
		records, err := csv.NewReader(strings.NewReader(stdout.String())).ReadAll()
		if err != nil {
			t.Fatalf("the output is not CSV: %v\n%s", err, stdout.String())
		}
		if len(records) == 0 {
			t.Fatal("the output has no header")
		}
		return records
	}
	column := func(t *testing.T, records [][]string, name string) []string {
		t.Helper()
		i := slices.Index(records[0], name)
		if i < 0 {
			t.Fatalf("header %v lacks %s", records[0], name)
		}
		var out []string
		for _, r := range records[1:] {
			out = append(out, r[i])
		}
		return out
	}

	t.Run("the header names the columns scripts rely on", func(t *testing.T) {
		header := export(t)[0]
		for _, want := range []string{"seq", "time", "actor", "source", "action", "load_balancer", "group", "outcome", "servers", "request_id"} {
			if !slices.Contains(header, want) {
				t.Errorf("header %v lacks %s", header, want)
			}
		}
	})

	t.Run("one row per entry, oldest first", func(t *testing.T) {
		records := export(t)
		if got, want := column(t, records, "seq"), []string{"1", "2", "3"}; !slices.Equal(got, want) {
			t.Errorf("seq column = %v, want %v", got, want)
		}
		if got, want := column(t, records, "outcome"), []string{"ok", "ok", "invalid"}; !slices.Equal(got, want) {
			t.Errorf("outcome column = %v, want %v", got, want)
		}
		if got, want := column(t, records, "request_id"), []string{"req-1", "req-2", "req-3"}; !slices.Equal(got, want) {
			t.Errorf("request_id column = %v, want %v", got, want)
		}
		for i, s := range column(t, records, "servers") {
			if s == "" || strings.Contains(s, ",") {
				t.Errorf("row %d servers = %q, want space-separated server ids", i+1, s)
			}
		}
	})

	t.Run("a cell that starts like a formula is defused", func(t *testing.T) {
		actors := column(t, export(t), "actor")
		if len(actors) < 2 || actors[1] != `'=HYPERLINK("http://evil")` {
			t.Errorf("actor column = %q, want row 2 prefixed with an apostrophe", actors)
		}
	})

	t.Run("filters select rows", func(t *testing.T) {
		if got := column(t, export(t, "--outcome", "refused"), "seq"); !slices.Equal(got, []string{"3"}) {
			t.Errorf("--outcome refused: seq = %v, want [3]", got)
		}
		if got := column(t, export(t, "--actor", "alice"), "seq"); !slices.Equal(got, []string{"1"}) {
			t.Errorf("--actor alice: seq = %v, want [1]", got)
		}
	})

	t.Run("a malformed time is a usage error", func(t *testing.T) {
		e, _, _ := testEnv(nil, "")
		err := run(ctx, []string{"audit", "export", "--db", path, "--since", "yesterday"}, e)
		if got := exitCode(err); got != 2 {
			t.Errorf("run = %v (status %d), want status 2", err, got)
		}
	})

	// The console's audit page takes dates; the CLI refused them with status 2.
	t.Run("times are read as the console reads them", func(t *testing.T) {
		if got := column(t, export(t, "--since", "2000-01-01", "--until", "2100-01-01T00:00"), "seq"); !slices.Equal(got, []string{"1", "2", "3"}) {
			t.Errorf("--since 2000-01-01 --until 2100-01-01T00:00: seq = %v, want [1 2 3]", got)
		}
		if got := column(t, export(t, "--since", "2100-01-01"), "seq"); len(got) != 0 {
			t.Errorf("--since 2100-01-01: seq = %v, want none", got)
		}
		e, _, _ := testEnv(nil, "")
		err := run(ctx, []string{"audit", "export", "--db", path, "--since", "2026-03-02", "--until", "2026-03-01"}, e)
		if got := exitCode(err); got != 2 || !strings.Contains(err.Error(), "--until") {
			t.Errorf("until before since: run = %v (status %d), want status 2 naming --until", err, got)
		}
	})
}

// serving runs `console serve` in the background and returns its address and a function that
// stops it and returns run's result.
func serving(t *testing.T, e env, args ...string) (string, func() error) {
	t.Helper()
	ready := make(chan string, 1)
	e.Ready = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, e) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("run did not return after its context was cancelled")
			return nil
		}
	}
	select {
	case addr := <-ready:
		return addr, stop
	case err := <-done:
		cancel()
		t.Fatalf("run returned before serving: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the server did not become ready")
	}
	return "", nil
}

var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirects.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestServe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	path := filepath.Join(t.TempDir(), "lbconsole.db")

	t.Run("serves the demo, prints a one-time admin password and stops cleanly", func(t *testing.T) {
		e, stdout, stderr := testEnv(nil, "")
		addr, stop := serving(t, e, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", path)
		stopped := false
		defer func() {
			if !stopped {
				stop()
			}
		}()

		resp, body := get(t, "http://"+addr+"/healthz")
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("GET /healthz = %d %q, want 200 ok", resp.StatusCode, body)
		}
		resp, _ = get(t, "http://"+addr+"/lbs")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("GET /lbs without a cookie = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		out := stdout.String()
		if !strings.Contains(out, "Sign in as user admin with password") {
			t.Errorf("stdout = %q, want it to tell how to sign in as admin", out)
		}
		if !strings.Contains(out, addr) {
			t.Errorf("stdout = %q, want it to name the address %s", out, addr)
		}

		stopped = true
		if err := stop(); err != nil {
			t.Errorf("run after cancel = %v, want nil\nstderr: %s", err, stderr.String())
		}

		password := regexp.MustCompile(`with password (\S+)`).FindStringSubmatch(out)
		if password == nil {
			t.Fatalf("no password in %q", out)
		}
		store, _, err := openStore(ctx, dbFlags{db: path}, e)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		u, err := store.UserByName(ctx, "admin")
		if err != nil || u.Role != lb.RoleAdmin {
			t.Fatalf("admin = %+v, %v; want an admin user", u, err)
		}
		if err := auth.CheckPassword(u.PasswordHash, password[1]); err != nil {
			t.Errorf("the printed password does not sign admin in: %v", err)
		}
		page, err := store.ListLoadBalancers(ctx, db.LBFilter{})
		if err != nil || page.Total < 12 {
			t.Errorf("load balancers after --demo = %d, %v; want the demo's", page.Total, err)
		}
	})

	t.Run("a second start keeps the admin and does not seed again", func(t *testing.T) {
		store, _, err := openStore(ctx, dbFlags{db: path}, env{Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		before, err := store.ListLoadBalancers(ctx, db.LBFilter{})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := store.UserByName(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		store.Close()

		e, stdout, stderr := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": "ignored because users exist"}, "")
		_, stop := serving(t, e, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", path)
		if err := stop(); err != nil {
			t.Errorf("run after cancel = %v, want nil\nstderr: %s", err, stderr.String())
		}
		if out := stdout.String(); strings.Contains(out, "Sign in as user admin with") || !strings.Contains(out, "Sign in with your user name and password") {
			t.Errorf("stdout = %q, want the plain sign-in hint and no new admin password", out)
		}

		store, _, err = openStore(ctx, dbFlags{db: path}, e)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		after, err := store.ListLoadBalancers(ctx, db.LBFilter{})
		if err != nil || after.Total != before.Total {
			t.Errorf("load balancers = %d, %v; want %d as before", after.Total, err, before.Total)
		}
		if n, err := store.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("users = %d, %v; want 1", n, err)
		}
		if u, err := store.UserByName(ctx, "admin"); err != nil || u.PasswordHash != admin.PasswordHash {
			t.Errorf("the admin's password changed on a second start (%v)", err)
		}
	})

	t.Run("CONSOLE_ADMIN_PASSWORD sets the admin password and is not printed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lbconsole.db")
		const chosen = "chosen admin password"
		e, stdout, stderr := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": chosen, "CONSOLE_DB": path}, "")
		addr, stop := serving(t, e, "--addr", "127.0.0.1:0")
		resp, _ := get(t, "http://"+addr+"/healthz")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz = %d, want 200", resp.StatusCode)
		}
		if err := stop(); err != nil {
			t.Errorf("run after cancel = %v, want nil\nstderr: %s", err, stderr.String())
		}
		out := stdout.String()
		if !strings.Contains(out, "Sign in as user admin with the password in CONSOLE_ADMIN_PASSWORD") {
			t.Errorf("stdout = %q, want it to point to CONSOLE_ADMIN_PASSWORD", out)
		}
		if strings.Contains(out+stderr.String(), chosen) {
			t.Errorf("the chosen password appears in the output: %q", out)
		}
		store, _, err := openStore(ctx, dbFlags{db: path}, e)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		u, err := store.UserByName(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		if err := auth.CheckPassword(u.PasswordHash, chosen); err != nil {
			t.Errorf("CONSOLE_ADMIN_PASSWORD does not sign admin in: %v", err)
		}
	})

	t.Run("a short CONSOLE_ADMIN_PASSWORD is refused before serving", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lbconsole.db")
		e, _, _ := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": "short"}, "")
		e.Ready = make(chan string, 1)
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", path}, e)
		if err == nil || !strings.Contains(err.Error(), "CONSOLE_ADMIN_PASSWORD") {
			t.Errorf("run = %v, want an error about CONSOLE_ADMIN_PASSWORD", err)
		}
	})
}

func TestUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, args := range [][]string{{"frobnicate"}, {"user"}, {"user", "rename"}, {"audit"}, {"audit", "shred"}, {"key"}, {"key", "shred"}} {
		t.Run("an unknown command is status 2: "+strings.Join(args, " "), func(t *testing.T) {
			e, _, _ := testEnv(nil, "")
			err := run(ctx, args, e)
			if got := exitCode(err); got != 2 || !strings.Contains(err.Error(), "usage:") {
				t.Errorf("run(%v) = %v (status %d), want status 2 with the usage", args, err, got)
			}
		})
	}
}
