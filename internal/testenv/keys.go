package testenv

import (
	"bytes"
	"encoding/hex"
	"os"
	"testing"
)

// Key is the key every test database is made with (the store's master key); a copy, so that
// no test can change it for the others.
func Key() []byte { return bytes.Repeat([]byte{'k'}, 32) }

// CookieKey signs every test console's session cookies.
func CookieKey() []byte { return bytes.Repeat([]byte{'c'}, 32) }

// writeKeyFile writes Key beside the database at path, where the binary and its subcommands
// look for it.
func writeKeyFile(tb testing.TB, path string) {
	tb.Helper()
	if err := os.WriteFile(path+".key", []byte(hex.EncodeToString(Key())+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
}
