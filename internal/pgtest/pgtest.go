package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewDB creates an empty database for the test and returns its URL, for pgx.Connect or
// sql.Open("pgx", url). The database is dropped when the test ends, with any connection the
// test left open to it. The first call starts the cluster. Without PostgreSQL on the machine
// the test is skipped, or fails when the environment has CI=true.
func NewDB(tb testing.TB) string {
	tb.Helper()
	return newDB(tb, server1(tb), "")
}

// newDB creates a database for tb, empty or a copy of template, and drops it at tb's end.
func newDB(tb testing.TB, s *server, template string) string {
	tb.Helper()
	name := dbName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	began := time.Now()
	if err := s.create(ctx, name, template); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("pgtest: created database %s in %s", name, time.Since(began).Round(time.Microsecond))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.drop(ctx, name); err != nil {
			tb.Error(err)
		}
	})
	return s.url(name)
}

// create creates the database name, empty or, when template is not empty, as a copy of it.
func (s *server) create(ctx context.Context, name, template string) error {
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if s.owner != "" {
		create += " OWNER " + pgx.Identifier{s.owner}.Sanitize()
	}
	if _, err := s.admin.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("pgtest: unable to create database %s: %w", name, err)
	}
	return nil
}

// drop drops the database, ending the connections a test left open to it (a store it did not
// close, a pool's idle connections), which would otherwise make the drop fail.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: unable to drop database %s: %w", name, err)
	}
	return nil
}

func (s *server) url(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// dbName makes a database name from the test's name, recognisable in the server's log and
// unique across test binaries that share a server.
func dbName(test string) string {
	var b strings.Builder
	b.WriteString("pgtest_")
	for _, r := range strings.ToLower(test) {
		if b.Len() >= 48 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	return b.String() + "_" + hex.EncodeToString(suffix[:]) // at most 57 bytes of the 63 allowed
}
