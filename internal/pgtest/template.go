package pgtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Template is a database that is filled once per test binary and copied for each test that
// asks: copying a database costs no more than making an empty one, so a schema that takes
// a while to build (the store's migrations) is built once rather than for every test.
type Template struct {
	setup func(ctx context.Context, url string) error

	once sync.Once
	name string
	err  error
}

// NewTemplate returns a template that setup fills, through the URL it is given, the first time
// a test asks for a copy. setup should close the connections it opens: PostgreSQL copies only
// a database that nobody is connected to (any that are left are ended).
func NewTemplate(setup func(ctx context.Context, url string) error) *Template {
	return &Template{setup: setup}
}

// NewDB is pgtest.NewDB with the database a copy of the template. A template whose setup
// failed fails every test that asks for a copy, with setup's error.
func (tp *Template) NewDB(tb testing.TB) string {
	tb.Helper()
	s := server1(tb)
	tp.once.Do(func() { tp.name, tp.err = tp.build(tb, s) })
	if tp.err != nil {
		tb.Fatal(tp.err)
	}
	return newDB(tb, s, tp.name)
}

// build makes the template's database, runs setup on it and closes it to connections, so that
// it can be copied. It is dropped with the other templates when the tests end.
func (tp *Template) build(tb testing.TB, s *server) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := dbName("template")
	began := time.Now()
	if err := s.create(ctx, name, ""); err != nil {
		return "", err
	}
	s.addTemplate(name)
	if err := tp.setup(ctx, s.url(name)); err != nil {
		return "", fmt.Errorf("pgtest: unable to fill template %s: %w", name, err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+ident+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("pgtest: unable to close template %s to connections: %w", name, err)
	}
	if err := endConnections(ctx, s, name); err != nil {
		return "", err
	}
	tb.Logf("pgtest: filled template %s in %s", name, time.Since(began).Round(time.Millisecond))
	return name, nil
}

// endConnections ends the connections to the database name and waits until they have gone:
// CREATE DATABASE would otherwise wait for them itself, by a tenth of a second at a time.
func endConnections(ctx context.Context, s *server, name string) error {
	for {
		var left int
		err := s.admin.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, name).Scan(&left)
		if err != nil {
			return fmt.Errorf("pgtest: unable to end the connections to template %s: %w", name, err)
		}
		if left == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: connections to template %s would not end: %w", name, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}
