package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lbconsole/lb"
)

// queryAll runs query and reads every row it returns into a T, through the column pointers
// dest gives for it, so that no store method writes its own rows loop (and none forgets to
// close the rows or to look at their final error). what names the rows in errors.
func queryAll[T any](ctx context.Context, q queryer, what string, dest func(*T) []any, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to read %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(dest(&v)...); err != nil {
			return nil, fmt.Errorf("db: unable to read %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to read %s: %w", what, err)
	}
	return out, nil
}

// queryOne reads the one row query selects into a T, through the column pointers dest gives
// for it. Without a row it returns missing, which names what does not exist; what names the
// row in other errors.
func queryOne[T any](ctx context.Context, q queryer, what string, missing *lb.Error, dest func(*T) []any, query string, args ...any) (T, error) {
	var v T
	err := q.QueryRowContext(ctx, query, args...).Scan(dest(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return v, missing
	}
	if err != nil {
		return v, fmt.Errorf("db: unable to read %s: %w", what, err)
	}
	return v, nil
}
