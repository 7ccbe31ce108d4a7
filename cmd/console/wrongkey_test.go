package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// otherKeyHex is a master key that no test database was made with.
var otherKeyHex = hex.EncodeToString(bytes.Repeat([]byte{7}, 32))

// runRefused runs the program and checks that it stops with status 2 before doing anything,
// naming where the wrong key came from and what to do. A server that starts serving instead is
// stopped and reported.
func runRefused(t *testing.T, e env, keyFrom string, args ...string) {
	t.Helper()
	ready := make(chan string, 1)
	e.Ready = ready
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, e) }()
	var err error
	select {
	case addr := <-ready:
		cancel()
		<-done
		t.Fatalf("%v served on %s with the wrong key; want a refusal", args, addr)
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("%v neither served nor returned", args)
	}
	if got := exitCode(err); got != 2 {
		t.Errorf("%v = %v (status %d); want status 2", args, err, got)
	}
	for _, want := range []string{keyFrom, "is not the key the database", "was made with", "CONSOLE_SECRET_KEY"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v = %v; want the message to say %q", args, err, want)
		}
	}
}

// A start with another key used to succeed and audit under it, breaking the chain for good.
// Every subcommand that opens the store now refuses it, and writes nothing.
func TestWrongKeyIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	e, _, _ := testEnv(nil, goodPassword+"\n")
	if err := run(ctx, []string{"user", "add", "alice", "--role", "operator", "--db", path}, e); err != nil {
		t.Fatal(err)
	}
	e, stdout, _ := testEnv(nil, "")
	if err := run(ctx, []string{"key", "create", "--user", "alice", "--db", path}, e); err != nil {
		t.Fatal(err)
	}
	accessKeyID := strings.TrimSpace(strings.TrimPrefix(strings.Split(stdout.String(), "\n")[0], "AccessKeyId:"))
	before := verifyOK(t, path)

	commands := [][]string{
		{"serve", "--addr", "127.0.0.1:0"},
		{"user", "add", "bob", "--role", "admin"},
		{"user", "passwd", "alice"},
		{"key", "create", "--user", "alice"},
		{"key", "list"},
		{"key", "revoke", accessKeyID},
		{"audit", "verify"},
		{"audit", "export"},
	}
	t.Run("CONSOLE_SECRET_KEY", func(t *testing.T) {
		for _, args := range commands {
			wrong, _, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": otherKeyHex}, "another long password\n")
			runRefused(t, wrong, "CONSOLE_SECRET_KEY", append(args, "--db", path)...)
		}
	})

	t.Run("KeyFile", func(t *testing.T) {
		right, err := os.ReadFile(path + ".key")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".key", []byte(otherKeyHex+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range commands {
			wrong, _, _ := testEnv(nil, "another long password\n")
			runRefused(t, wrong, path+".key", append(args, "--db", path)...)
		}
		if err := os.WriteFile(path+".key", right, 0o600); err != nil {
			t.Fatal(err)
		}
	})

	if after := verifyOK(t, path); after != before {
		t.Errorf("audit verify after the refusals = %q; want %q, as before: nothing written", after, before)
	}
}

// A database made before the key check was stored takes the key of its first audit row, and
// refuses another from its first start on.
func TestWrongKeyOnAnOldDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _, _ := testEnv(nil, "")
	path := auditedDB(t, e)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// Version 6 had none of what later migrations add, which Open adds again.
	stmts := []string{"DROP TABLE key_checks", "DROP TABLE dataplane_nodes", "DROP TABLE leases"}
	for _, table := range laterDataplaneTables(t, raw) {
		stmts = append(stmts, "DROP TABLE "+table) // added by 0010 and later
	}
	for _, column := range []string{"backend", "default_port", "check_type", "check_path", "check_interval_ns", "check_rise", "check_fall", "drain_timeout_ns"} {
		stmts = append(stmts, "ALTER TABLE groups DROP COLUMN "+column)
	}
	for _, column := range []string{"label", "expires", "last_used"} {
		stmts = append(stmts, "ALTER TABLE api_keys DROP COLUMN "+column) // added by 0016
	}
	stmts = append(stmts, "ALTER TABLE members DROP COLUMN maintenance", "ALTER TABLE members DROP COLUMN backup") // added by 0014 and 0018
	for _, stmt := range append(stmts, "PRAGMA user_version = 6") {
		if _, err := raw.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	wrong, _, _ := testEnv(map[string]string{"CONSOLE_SECRET_KEY": otherKeyHex}, "")
	runRefused(t, wrong, "CONSOLE_SECRET_KEY", "serve", "--addr", "127.0.0.1:0", "--db", path)
	if out := verifyOK(t, path); !strings.Contains(out, "3 rows") {
		t.Errorf("audit verify = %q; want the 3 rows intact", out)
	}
	runRefused(t, wrong, "CONSOLE_SECRET_KEY", "audit", "verify", "--db", path)
}

// laterDataplaneTables are the data plane's tables that migrations after 0009 made: every
// dataplane_ table but dataplane_nodes.
func laterDataplaneTables(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	rows, err := raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'dataplane_%' AND name <> 'dataplane_nodes'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
