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
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code, without the extended part
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}
