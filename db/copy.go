package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// TableCopy is how many rows of one table CopyTo copied.
type TableCopy struct {
	Table string
	Rows  int64
}

// ErrTargetNotEmpty is returned by CopyTo when the PostgreSQL database already holds data.
var ErrTargetNotEmpty = errors.New("db: the target database is not empty")

// ownRows are the tables that Open fills in a new database by itself, which do not make the
// target hold data. Its key check is replaced by the source's (the same MAC, as Open refused
// another key, and the date the source was made); its readiness probe is its own, and so are
// the leases of the consoles running on it.
var ownRows = map[string]bool{"key_checks": true, "readiness_probe": true, "leases": true}

// notCopied are the tables whose rows stay the target's own: the leases of the source's
// consoles mean nothing to the target's.
var notCopied = map[string]bool{"readiness_probe": true, "leases": true}

// CopyTo copies every table of d, a SQLite store, into dst, a PostgreSQL store opened with the
// same key (Open refuses another), in one transaction: all of it arrives or none. Rows keep
// their ids and arrive in id order, tables after the tables they refer to; the audit chain is
// copied as it is, so that it verifies on the target; each identity column's sequence is set
// past the copied ids, so that the next row gets a new one. What d holds is read in one
// snapshot, so a console still writing to it cannot tear the copy. A target that holds any row
// already is refused with ErrTargetNotEmpty, naming what it holds, and nothing is written.
func (d *DB) CopyTo(ctx context.Context, dst *DB) ([]TableCopy, error) {
	if d.dialect.name != sqliteDialect.name || dst.dialect.name != postgresDialect.name {
		return nil, fmt.Errorf("db: unable to copy from %s to %s: only SQLite to PostgreSQL is supported", d.dialect.name, dst.dialect.name)
	}
	var copied []TableCopy
	err := d.inReadTx(ctx, func(src *sql.Tx) error {
		tables, err := sqliteTables(ctx, src)
		if err != nil {
			return err
		}
		conn, err := dst.write.Conn(ctx)
		if err != nil {
			return fmt.Errorf("db: unable to connect to the target: %w", err)
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			copied, err = copyTables(ctx, src, dc.(*pgConn).Conn.Conn(), tables)
			return err
		})
	})
	return copied, err
}

// copyTables copies tables from src into target in one transaction on target, which takes
// the write lock first, so that no console writes to the target meanwhile.
func copyTables(ctx context.Context, src *sql.Tx, target *pgx.Conn, tables []string) ([]TableCopy, error) {
	tx, err := target.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: unable to begin copying: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLockKey); err != nil {
		return nil, fmt.Errorf("db: unable to lock the target: %w", err)
	}
	if err := refuseData(ctx, tx, tables); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM key_checks"); err != nil {
		return nil, fmt.Errorf("db: unable to make way for the source's key check: %w", err)
	}
	var out []TableCopy
	for _, table := range tables {
		n, err := copyTable(ctx, src, tx, table)
		if err != nil {
			return nil, err
		}
		out = append(out, TableCopy{Table: table, Rows: n})
	}
	if err := advanceIdentities(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("db: unable to commit the copy: %w", err)
	}
	return out, nil
}

// sqliteTables returns the tables to copy, each after those its foreign keys refer to (and
// by name among equals, so that the order is always the same).
func sqliteTables(ctx context.Context, src *sql.Tx) ([]string, error) {
	names, err := queryStrings(ctx, src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
	if err != nil {
		return nil, err
	}
	refers := map[string][]string{}
	for _, name := range names {
		if refers[name], err = queryStrings(ctx, src, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
			return nil, err
		}
	}
	var order []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if done[name] {
			return
		}
		done[name] = true
		parents := refers[name]
		sort.Strings(parents)
		for _, p := range parents {
			visit(p)
		}
		if !notCopied[name] {
			order = append(order, name)
		}
	}
	for _, name := range names {
		visit(name)
	}
	return order, nil
}

// refuseData returns ErrTargetNotEmpty, naming the tables that hold rows, when any does.
func refuseData(ctx context.Context, tx pgx.Tx, tables []string) error {
	var found []string
	for _, table := range tables {
		if ownRows[table] {
			continue
		}
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
			return fmt.Errorf("db: unable to look into the target's %s: %w", table, err)
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%s has %d rows", table, n))
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%w (%s): copy into a new, empty database; nothing was copied", ErrTargetNotEmpty, strings.Join(found, ", "))
	}
	return nil
}

// copyTable streams one table's rows, in id order, into the target with COPY.
func copyTable(ctx context.Context, src *sql.Tx, tx pgx.Tx, table string) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT * FROM "`+table+`" ORDER BY rowid`)
	if err != nil {
		return 0, fmt.Errorf("db: unable to read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, fmt.Errorf("db: unable to read %s: %w", table, err)
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, &sqlRows{rows: rows, values: make([]any, len(cols))})
	if err != nil {
		return n, fmt.Errorf("db: unable to copy %s: %w", table, err)
	}
	return n, nil
}

// sqlRows feeds database/sql rows to pgx's COPY, one row at a time.
type sqlRows struct {
	rows   *sql.Rows
	values []any
	err    error
}

func (r *sqlRows) Next() bool { return r.rows.Next() }

func (r *sqlRows) Values() ([]any, error) {
	ptrs := make([]any, len(r.values))
	for i := range r.values {
		ptrs[i] = &r.values[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return nil, err
	}
	return r.values, nil
}

func (r *sqlRows) Err() error { return errors.Join(r.err, r.rows.Err()) }

// advanceIdentities sets the sequence of every identity column past the largest id copied.
func advanceIdentities(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT table_name::text, column_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("db: unable to list the identity columns: %w", err)
	}
	type column struct{ table, name string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		return c, r.Scan(&c.table, &c.name)
	})
	if err != nil {
		return fmt.Errorf("db: unable to list the identity columns: %w", err)
	}
	for _, c := range cols {
		table, col := pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.name}.Sanitize()
		_, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max("+col+") FROM "+table+"), 0) + 1, false)",
			table, c.name)
		if err != nil {
			return fmt.Errorf("db: unable to move the ids of %s past those copied: %w", c.table, err)
		}
	}
	return nil
}
