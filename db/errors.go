package db

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"lbconsole/lb"
)

// This file is the one place that reads the database's error codes: a broken constraint becomes
// a kind of *lb.Error, a failing disk the answer of IsUnavailable. It reads SQLite's result
// codes and PostgreSQL's SQLSTATEs alike: an error comes from one or the other.

// IsUnavailable reports whether err comes from storage that cannot take a write: a full disk,
// a read-only database file or file system, or failing storage. Nothing was written, and the
// same request can succeed once an operator has made room, so the interfaces answer 503 (try
// again later) rather than blame the request or hide the failure.
//
// On PostgreSQL the same goes for a server that cannot be reached, whose connection broke or
// that is shutting down, a full disk or too many connections (SQLSTATE classes 08, 53 and
// 57P), a read-only server (a standby, 25006), and a transaction the server ended for idling
// (25P03: a console that stalled while holding the write lock).
func IsUnavailable(err error) bool {
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	// A connection that could not be made or broke half way: the server is down or
	// unreachable, and nothing of the transaction was committed.
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	// The request's own deadline or cancellation is not the storage's failing, although
	// context.DeadlineExceeded is a net.Error too.
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var broken net.Error
	if errors.As(err, &broken) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	code := pgCode(err)
	for _, prefix := range []string{"08", "53", "57P", "25006", "25P03"} {
		if strings.HasPrefix(code, prefix) {
			return true
		}
	}
	return false
}

// constraintKind is the domain's kind for an error that broke a constraint of the schema, or ""
// for any other error: a unique or primary key means the thing exists already (a conflict), a
// foreign key that what it refers to does not exist, a check or a NOT NULL a value the rules
// refuse. The caller says what the constraint was about, in the domain's words.
func constraintKind(err error) lb.Kind {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return lb.KindConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return lb.KindNotFound
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return lb.KindInvalid
	}
	switch pgCode(err) {
	case "23505": // unique_violation
		return lb.KindConflict
	case "23503": // foreign_key_violation
		return lb.KindNotFound
	case "23514", "23502": // check_violation, not_null_violation
		return lb.KindInvalid
	}
	return ""
}

// pgCode is the SQLSTATE of the PostgreSQL error in err's chain, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return ""
	}
	return pe.Code
}

// sqliteCode is the extended result code of the SQLite error in err's chain, or zero.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0
	}
	return se.Code()
}
