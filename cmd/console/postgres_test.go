package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lbconsole/internal/pgtest"
	"lbconsole/internal/testenv"
)

// pgKey is the master key of the PostgreSQL tests' deployments, as CONSOLE_SECRET_KEY holds it.
var pgKey = hex.EncodeToString(testenv.Key())

// TestPostgresNeedsTheKeyGiven: there is no file beside a PostgreSQL database to keep the key
// in, and every replica must have the same one, so a console without one given refuses to
// start, and says how to give it.
func TestPostgresNeedsTheKeyGiven(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t)
	e, _, _ := testEnv(nil, "")
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", url}, e)
	if got := exitCode(err); got != 2 {
		t.Errorf("serve on PostgreSQL without a key = %v (status %d); want status 2", err, got)
	}
	for _, want := range []string{"CONSOLE_SECRET_KEY", "--key-file", "the same to every console"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("serve without a key = %v; want the message to say %q", err, want)
		}
	}
}

// TestKeyInHexOrBase64 takes the key in hex or base64, from the environment or a file, and
// refuses one that is too short or not a key, saying where it came from.
func TestKeyInHexOrBase64(t *testing.T) {
	key := testenv.Key()
	for _, tt := range []struct{ name, text string }{
		{"Hex", hex.EncodeToString(key)},
		{"HexWithNewline", hex.EncodeToString(key) + "\n"},
		{"Base64", base64.StdEncoding.EncodeToString(key)},
		{"Base64Unpadded", base64.RawStdEncoding.EncodeToString(key)},
		{"Base64URL", base64.URLEncoding.EncodeToString(key)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKey(tt.text)
			if err != nil || string(got) != string(key) {
				t.Errorf("parseKey(%q) = %x, %v; want %x", tt.text, got, err, key)
			}
		})
	}
	for _, bad := range []string{"", "abc", hex.EncodeToString(key[:31]), base64.StdEncoding.EncodeToString(key[:31]), "not a key at all, clearly not"} {
		if _, err := parseKey(bad); err == nil || !strings.Contains(err.Error(), "at least 32 bytes") {
			t.Errorf("parseKey(%q) = %v; want a refusal saying at least 32 bytes", bad, err)
		}
	}
	t.Run("KeyFileOnPostgres", func(t *testing.T) {
		t.Parallel()
		url := pgtest.NewDB(t)
		keyFile := filepath.Join(t.TempDir(), "master.key")
		if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e, _, _ := testEnv(nil, goodPassword+"\n")
		if err := run(context.Background(), []string{"user", "add", "alice", "--role", "admin", "--db", url, "--key-file", keyFile}, e); err != nil {
			t.Fatalf("user add with --key-file: %v", err)
		}
		// The same key in CONSOLE_SECRET_KEY, in hex, is the same key.
		e, stdout, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
		if err := run(context.Background(), []string{"audit", "verify", "--db", url}, e); err != nil || !strings.Contains(stdout.String(), "1 rows verified") {
			t.Errorf("audit verify with the key in hex = %v, %q; want 1 row verified", err, stdout)
		}
		wrong, _, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": otherKeyHex}, "")
		runRefused(t, wrong, "CONSOLE_SECRET_KEY", "audit", "verify", "--db", url)
	})
}

// TestReplicaWithAnotherKeyRefusesToStart runs a replica on PostgreSQL, then starts a second
// one with another key: it exits with status 2 before it writes anything, and says why, while
// the first keeps serving.
func TestReplicaWithAnotherKeyRefusesToStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := testenv.NewPostgresHarness(t, testenv.PostgresDemoUsers(t))
	first := h.Start(ctx)
	before := h.AuditVerify()

	cmd := exec.CommandContext(ctx, h.Bin, "serve", "--addr", "127.0.0.1:0", "--db", h.DBPath)
	cmd.Env = append(testenv.ServerEnv(), "CONSOLE_SECRET_KEY="+otherKeyHex)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("a replica with another key: %v\n%s\nwant it to exit with status 2", err, out)
	}
	for _, want := range []string{"is not the key the database", "that same key", "CONSOLE_SECRET_KEY"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the refused replica said %q; want it to say %q", out, want)
		}
	}
	if strings.Contains(string(out), "lbconsole is serving") {
		t.Error("the replica with another key served")
	}
	if after := h.AuditVerify(); after != before {
		t.Errorf("audit verify after the refused start = %q; want %q, as before", after, before)
	}
	res, err := (&http.Client{}).Get("http://" + first.Addr + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the first replica after the refused start: /readyz = %v, %v; want 200", res, err)
	}
	if err := first.Stop(); err != nil {
		t.Errorf("the first replica did not stop cleanly: %v", err)
	}
	h.CheckLog()
}

// TestMigrateToPostgres moves a SQLite database that has been used into PostgreSQL with
// console migrate: the audit chain verifies there to the same rows and last hash, the API key
// made on SQLite is listed there, and a second migrate into the same database is refused,
// naming what it holds, with nothing changed.
func TestMigrateToPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	testenv.DemoUsers.CopyTo(t, path)
	e, stdout, _ := testEnv(nil, "")
	if err := run(ctx, []string{"key", "create", "--user", testenv.Admin, "--db", path}, e); err != nil {
		t.Fatal(err)
	}
	accessKeyID := strings.TrimSpace(strings.TrimPrefix(strings.Split(stdout.String(), "\n")[0], "AccessKeyId:"))
	source := strings.TrimSpace(verifyOK(t, path))
	url := pgtest.NewDB(t)

	e, stdout, _ = testEnv(nil, "")
	if err := run(ctx, []string{"migrate", "--from", path, "--to", url}, e); err != nil {
		t.Fatalf("console migrate: %v", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s*audit_log\s+\d+\s*$`),
		regexp.MustCompile(`(?m)^\s*members\s+\d{3,}\s*$`),
		regexp.MustCompile(`(?m)^\s*api_keys\s+1\s*$`),
		regexp.MustCompile(`audit chain intact: \d+ rows verified`),
		regexp.MustCompile(`CONSOLE_SECRET_KEY or --key-file`),
	} {
		if !want.MatchString(stdout.String()) {
			t.Errorf("console migrate printed:\n%s\nwant it to match %s", stdout, want)
		}
	}

	onPG, stdout, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
	if err := run(ctx, []string{"audit", "verify", "--db", url}, onPG); err != nil {
		t.Fatalf("audit verify on the copy: %v", err)
	}
	if got := strings.TrimSpace(stdout.String()); got != source {
		t.Errorf("audit verify on PostgreSQL = %q; want %q, as on SQLite", got, source)
	}
	onPG, stdout, _ = testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
	if err := run(ctx, []string{"key", "list", "--db", url}, onPG); err != nil || !strings.Contains(stdout.String(), accessKeyID) {
		t.Errorf("key list on the copy = %v, %q; want the key %s", err, stdout, accessKeyID)
	}

	t.Run("ErrTargetNotEmpty", func(t *testing.T) {
		e, _, _ := testEnv(nil, "")
		err := run(ctx, []string{"migrate", "--from", path, "--to", url}, e)
		if got := exitCode(err); got != 1 || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "audit_log has") {
			t.Errorf("a second migrate into the copy = %v (status %d); want status 1 naming what the target holds", err, got)
		}
		onPG, stdout, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
		if err := run(ctx, []string{"audit", "verify", "--db", url}, onPG); err != nil || strings.TrimSpace(stdout.String()) != source {
			t.Errorf("audit verify after the refused migrate = %v, %q; want %q", err, stdout, source)
		}
	})

	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{
			{"migrate", "--from", path},
			{"migrate", "--to", url},
			{"migrate", "--from", url, "--to", path},
			{"migrate", "--from", filepath.Join(t.TempDir(), "nothing.db"), "--to", url},
		} {
			e, _, _ := testEnv(nil, "")
			if err := run(ctx, args, e); exitCode(err) != 2 {
				t.Errorf("%v = %v; want status 2", args, err)
			}
		}
	})
}

// TestReplicasStartTogether starts three consoles at the same moment on a new PostgreSQL
// database, as a deployment's replicas start: all three serve, one admin is made, and the
// schema is applied once.
func TestReplicasStartTogether(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const replicas = 3
	ready := make(chan string, replicas)
	done := make(chan error, replicas)
	outs := make([]*syncBuffer, replicas)
	for i := range replicas {
		e, stdout, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
		e.Ready, outs[i] = ready, stdout
		go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", url}, e) }()
	}
	for range replicas {
		select {
		case <-ready:
		case err := <-done:
			t.Fatalf("a replica stopped before serving: %v", err)
		case <-time.After(time.Minute):
			t.Fatal("the replicas did not all serve within a minute")
		}
	}
	cancel()
	for range replicas {
		if err := <-done; err != nil {
			t.Errorf("a replica ended with %v", err)
		}
	}
	passwords := 0
	for _, out := range outs {
		if strings.Contains(out.String(), "Sign in as user admin with password") {
			passwords++
		}
	}
	if passwords != 1 {
		t.Errorf("%d replicas printed an admin password; want exactly 1, the one that made the admin", passwords)
	}
	e, _, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": pgKey}, "")
	if err := run(context.Background(), []string{"key", "list", "--user", "admin", "--db", url}, e); err != nil {
		t.Errorf("key list --user admin: %v (want the one admin to exist)", err)
	}
}
