package db

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUnavailable reports whether err comes from storage that cannot take a write: a full disk,
// a read-only database file or file system, or failing storage. Nothing was written, and the
// same request can succeed once an operator has made room, so the interfaces answer 503 (try
// again later) rather than blame the request or hide the failure.
func IsUnavailable(err error) bool {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// sqliteCode is the primary result code (without the extended part) of the SQLite error in
// err's chain, or zero.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0
	}
	return se.Code() & 0xff
}
