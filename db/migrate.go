package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrations holds the schema in both dialects: migrations/sqlite and migrations/postgres hold
// the same numbered steps, each written for its database (a test holds them to the same
// numbers).
//
//go:embed migrations
var migrations embed.FS

// migration is one numbered step of the schema.
type migration struct {
	number int
	name   string // the file's path in migrations, for messages
	body   string
}

// loadMigrations returns the steps of one dialect's directory, in order.
func loadMigrations(dir string) ([]migration, error) {
	names, err := fs.Glob(migrations, path.Join("migrations", dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("db: unable to list migrations: %w", err)
	}
	sort.Strings(names)
	var out []migration
	for _, name := range names {
		n, err := migrationNumber(name)
		if err != nil {
			return nil, err
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("db: unable to read %s: %w", name, err)
		}
		out = append(out, migration{number: n, name: name, body: string(body)})
	}
	return out, nil
}

// migrate applies, in order and each in its own transaction, the numbered SQLite migrations the
// database has not seen yet. PRAGMA user_version records the last one applied.
func (d *DB) migrate(ctx context.Context) error {
	steps, err := loadMigrations("sqlite")
	if err != nil {
		return err
	}
	var current int
	if err := d.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("db: unable to read the schema version: %w", err)
	}
	for _, m := range steps {
		if m.number <= current {
			continue
		}
		err = d.inWriteTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.body); err != nil {
				return fmt.Errorf("db: unable to apply %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.number))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func migrationNumber(name string) (int, error) {
	num, _, _ := strings.Cut(path.Base(name), "_")
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("db: migration %s does not start with a number", name)
	}
	return n, nil
}
