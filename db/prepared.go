package db

import (
	"context"
	"database/sql"
)

// maxPrepared bounds how many statements a preparedTx keeps: statements whose text varies
// (an IN list of as many placeholders as a batch has entries) run unprepared past it.
const maxPrepared = 64

// preparedTx is a write transaction that prepares each statement the first time it runs and
// reuses it after: SQLite spends most of a small statement's time parsing it, and a fleet
// apply runs the same few statements for each of its hundreds of thousands of objects. The
// statements end with the transaction.
type preparedTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newPreparedTx(tx *sql.Tx) *preparedTx {
	return &preparedTx{tx: tx, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement of query, or nil to run it unprepared.
func (p *preparedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := p.stmts[query]; ok {
		return s
	}
	if len(p.stmts) >= maxPrepared {
		return nil
	}
	s, err := p.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared: the same error, if any, comes back from there
	}
	p.stmts[query] = s
	return s
}

// ExecContext runs a statement, prepared.
func (p *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, prepared.
func (p *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row, prepared.
func (p *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}
