package db

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"lbconsole/lb"
)

// This file is the one place that reads the database's error codes: a broken constraint becomes
// a kind of *lb.Error, a failing disk the answer of IsUnavailable. It reads SQLite's result
// codes today; PostgreSQL's SQLSTATEs (23505, 23503, 23514, 23502; 53100, 25006) join them here.

// IsUnavailable reports whether err comes from storage that cannot take a write: a full disk,
// a read-only database file or file system, or failing storage. Nothing was written, and the
// same request can succeed once an operator has made room, so the interfaces answer 503 (try
// again later) rather than blame the request or hide the failure.
func IsUnavailable(err error) bool {
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
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
	return ""
}

// sqliteCode is the extended result code of the SQLite error in err's chain, or zero.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0
	}
	return se.Code()
}
