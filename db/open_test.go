package db

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"lbconsole/lb"
)

// latestMigration is the number of the newest embedded migration.
func latestMigration(t *testing.T) int {
	t.Helper()
	names, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	latest := 0
	for _, name := range names {
		n, err := migrationNumber(name)
		if err != nil {
			t.Fatal(err)
		}
		latest = max(latest, n)
	}
	return latest
}

func schemaObjects(t *testing.T, d *DB) []string {
	t.Helper()
	rows, err := d.read.QueryContext(context.Background(),
		"SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpen(t *testing.T) {
	ctx := context.Background()

	t.Run("a new file gets the whole schema", func(t *testing.T) {
		sqliteOnly(t, "sqlite_master and PRAGMAs; pg_test.go checks PostgreSQL's schema")
		d, _ := emptyDB(t, Options{})
		got := map[string]bool{}
		for _, o := range schemaObjects(t, d) {
			got[o] = true
		}
		want := []string{
			"table regions", "table vpcs", "table subnets", "table servers", "table load_balancers",
			"table groups", "table members", "table users", "table sessions", "table audit_log",
			"trigger audit_log_no_update", "trigger audit_log_no_delete",
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("schema lacks %s; it has %v", w, schemaObjects(t, d))
			}
		}
		var version int
		if err := d.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if want := latestMigration(t); version != want {
			t.Errorf("user_version = %d, want %d (the newest migration)", version, want)
		}
	})

	t.Run("opening again applies nothing and keeps the data", func(t *testing.T) {
		sqliteOnly(t, "sqlite_master and PRAGMAs; pg_test.go checks PostgreSQL's schema")
		path := filepath.Join(t.TempDir(), "lbconsole.db")
		first, err := Open(ctx, path, Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := first.CreateUser(ctx, testOrigin, "alice", lb.RoleAdmin, "hash"); err != nil {
			t.Fatal(err)
		}
		before := schemaObjects(t, first)
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			d, err := Open(ctx, path, Options{Key: testKey})
			if err != nil {
				t.Fatalf("reopen %d: %v", i+1, err)
			}
			if got := schemaObjects(t, d); !reflect.DeepEqual(got, before) {
				t.Errorf("reopen %d: schema = %v, want %v", i+1, got, before)
			}
			var version int
			if err := d.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
				t.Fatal(err)
			}
			if want := latestMigration(t); version != want {
				t.Errorf("reopen %d: user_version = %d, want %d", i+1, version, want)
			}
			if n, err := d.CountUsers(ctx); err != nil || n != 1 {
				t.Errorf("reopen %d: CountUsers = %d, %v; want 1, nil", i+1, n, err)
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("the database runs in WAL mode with foreign keys on", func(t *testing.T) {
		sqliteOnly(t, "sqlite_master and PRAGMAs; pg_test.go checks PostgreSQL's schema")
		d, _ := emptyDB(t, Options{})
		var mode string
		if err := d.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		for name, q := range map[string]queryer{"writer": d.write, "reader": d.read} {
			var fk int
			if err := q.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if fk != 1 {
				t.Errorf("%s: foreign_keys = %d, want 1", name, fk)
			}
		}
	})

	t.Run("a member of an unknown group is refused by a foreign key", func(t *testing.T) {
		d, _ := emptyDB(t, Options{})
		_, err := d.write.ExecContext(ctx, "INSERT INTO members ("+memberColumns+") VALUES ('m1','no-such-group','i-1','10.0.0.1',80,100,'ecs','','vsw-1','x','x',0,0)")
		if constraintKind(err) != lb.KindNotFound {
			t.Errorf("insert with an unknown group: err = %v, want a foreign key error", err)
		}
	})

	t.Run("the read pool cannot write", func(t *testing.T) {
		d, _ := emptyDB(t, Options{})
		if _, err := d.read.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('xx', 'nowhere')"); err == nil {
			t.Error("an INSERT through the read pool succeeded, want an error")
		}
	})

	// A --db path is whatever the operator typed; the store must open that very file, not one
	// that a URI parser makes of it.
	for _, name := range []string{"ops#1.db", "50%25.db", "what?.db"} {
		t.Run("a path with URI characters opens that file: "+strings.NewReplacer("#", "hash", "%", "percent", "?", "question").Replace(name), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			d := openAt(t, path, Options{})
			if _, err := d.CreateUser(ctx, testOrigin, "alice", lb.RoleAdmin, "hash"); err != nil {
				t.Fatal(err)
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				entries, _ := os.ReadDir(dir)
				var files []string
				for _, e := range entries {
					files = append(files, e.Name())
				}
				t.Errorf("the database is not at %s: %v (the directory holds %q)", name, err, files)
			}
			sibling := openAt(t, filepath.Join(dir, strings.Replace(name, ".db", "-other.db", 1)), Options{})
			if n, err := sibling.CountUsers(ctx); err != nil || n != 0 {
				t.Errorf("a second database beside it has %d users, %v; want a separate, empty database", n, err)
			}
		})
	}

	t.Run("a key shorter than 32 bytes is refused", func(t *testing.T) {
		d, err := Open(ctx, filepath.Join(t.TempDir(), "lbconsole.db"), Options{Key: testKey[:31]})
		if err == nil {
			d.Close()
			t.Fatal("Open with a 31-byte key succeeded, want an error")
		}
	})
}
