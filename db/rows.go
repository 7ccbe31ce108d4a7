package db

import (
	"context"
	"fmt"
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
