package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"lbconsole/auth"
)

// otherKey is a master key that no test database was made with.
var otherKey = bytes.Repeat([]byte("x"), 32)

// openWith opens path with key and returns the error; a store that opened is closed at once.
func openWith(t *testing.T, path string, key []byte) error {
	t.Helper()
	d, err := Open(context.Background(), path, Options{Key: key})
	if err == nil {
		err = d.Close()
	}
	return err
}

// wantWrongKey checks that Open refuses key on path, saying why and what to do.
func wantWrongKey(t *testing.T, path string, key []byte, why string) {
	t.Helper()
	err := openWith(t, path, key)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with the wrong key = %v; want ErrWrongKey", err)
	}
	if !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "start with the key the database was made with") {
		t.Errorf("Open with the wrong key = %q; want it to say %q and what to do", err, why)
	}
}

// makeOld turns the database at path into one made before key checks were stored: schema
// version 6, no key_checks table, and none of what later migrations add, which Open adds again.
func makeOld(t *testing.T, path string) {
	t.Helper()
	sqliteOnly(t, "a PostgreSQL database has had key checks from its start")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	stmts := []string{"DROP TABLE key_checks", "DROP TABLE dataplane_nodes", "DROP TABLE leases"}
	for _, table := range laterDataplaneTables(t, raw) {
		stmts = append(stmts, "DROP TABLE "+table) // added by 0010 and later
	}
	for _, column := range []string{"backend", "default_port", "check_type", "check_path", "check_interval_ns", "check_rise", "check_fall", "drain_timeout_ns"} {
		stmts = append(stmts, "ALTER TABLE groups DROP COLUMN "+column) // added by 0009
	}
	for _, column := range []string{"label", "expires", "last_used"} {
		stmts = append(stmts, "ALTER TABLE api_keys DROP COLUMN "+column) // added by 0016
	}
	stmts = append(stmts, "ALTER TABLE members DROP COLUMN maintenance", "ALTER TABLE members DROP COLUMN backup") // added by 0014 and 0018
	for _, stmt := range append(stmts, "PRAGMA user_version = 6") {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

func TestKeyCheck(t *testing.T) {
	ctx := context.Background()

	// The hole: a new, still empty database has nothing else that could tell the keys apart.
	t.Run("a new database refuses another key before anything is written", func(t *testing.T) {
		d, path := emptyDB(t, Options{})
		d.Close()
		wantWrongKey(t, path, otherKey, "does not match the key check")
		if err := openWith(t, path, testKey); err != nil {
			t.Errorf("Open with its own key = %v; want nil", err)
		}
	})

	t.Run("the wrong key writes nothing", func(t *testing.T) {
		d, path := withAudit(t, 3, Options{})
		d.Close()
		for range 2 {
			wantWrongKey(t, path, otherKey, "does not match the key check")
		}
		same := openAt(t, path, Options{})
		if r := mustVerify(t, same); !r.OK() || r.Rows != 3 {
			t.Errorf("VerifyAudit = %+v; want the 3 rows intact", r)
		}
	})

	t.Run("an old database with audit rows takes the key of its first row, then keeps it", func(t *testing.T) {
		d, path := withAudit(t, 2, Options{})
		d.Close()
		makeOld(t, path)
		wantWrongKey(t, path, otherKey, "audit row 1 was not written with it")
		if err := openWith(t, path, testKey); err != nil {
			t.Fatalf("Open with the key of the audit rows = %v; want nil", err)
		}
		d = openAt(t, path, Options{})
		if n := count(t, d, "SELECT count(*) FROM key_checks"); n != 1 {
			t.Errorf("%d key checks after the upgrade; want 1 stored", n)
		}
		d.Close()
		wantWrongKey(t, path, otherKey, "does not match the key check")
	})

	// An old database already started once with a wrong key holds rows under both keys: the
	// key the history began with is its own, so that `audit verify` shows where it went wrong.
	t.Run("an old database written under two keys takes the first", func(t *testing.T) {
		d, path := withAudit(t, 2, Options{})
		d.auditKey = auth.DeriveKey(otherKey, "audit-chain") // what the old code did with another key
		big := bigGroup(t, d)
		apply(t, d, removeReq(big, "mallet", members(t, d, big.Group.ID)[0].ID))
		d.Close()
		makeOld(t, path)
		wantWrongKey(t, path, otherKey, "audit row 1 was not written with it")
		d = openAt(t, path, Options{})
		if r := mustVerify(t, d); r.OK() || r.BadSeq != 3 {
			t.Errorf("VerifyAudit = %+v; want it to fail at row 3, the first under the other key", r)
		}
	})

	t.Run("an old database with API keys and no audit rows takes the key that opens them", func(t *testing.T) {
		d, path := emptyDB(t, Options{})
		// Before this change, users and keys were made without audit rows.
		sealed, err := auth.Seal(d.sealKey, []byte("secret"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.write.ExecContext(ctx, "INSERT INTO users (id, name, role, password_hash, created) VALUES (1, 'alice', 'admin', 'h', 'x')"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.write.ExecContext(ctx, "INSERT INTO api_keys (user_id, access_key_id, secret_sealed, token_hash, created) VALUES (1, 'LTAIold', ?, 't', 'x')", sealed); err != nil {
			t.Fatal(err)
		}
		d.Close()
		makeOld(t, path)
		wantWrongKey(t, path, otherKey, "API key LTAIold does not open with it")
		if err := openWith(t, path, testKey); err != nil {
			t.Errorf("Open with the key that sealed the secret = %v; want nil", err)
		}
	})

	t.Run("an old database that never used its key takes the first key it is opened with", func(t *testing.T) {
		d, path := emptyDB(t, Options{})
		d.Close()
		makeOld(t, path)
		if err := openWith(t, path, otherKey); err != nil {
			t.Fatalf("Open = %v; want nil: nothing in it depends on a key", err)
		}
		wantWrongKey(t, path, testKey, "does not match the key check")
	})
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
