package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"lbconsole/db"
)

// flagSet is a subcommand's flags and how to print its help.
type flagSet struct {
	*flag.FlagSet
	help     func()
	synopsis string // how to call the command
	command  string // the program and the command's name
}

// newFlags returns the flag set of the subcommand name (as the usage lists it, "user add"),
// which already knows --db and prints the command's help to standard output on --help.
func newFlags(name string, e env, dbPath *string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	// The flag package's own messages are left out: a refusal says what was wrong and how to
	// call the command in its message, and --help prints the command's help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.help = func() { printHelp(fs.FlagSet, e, name) }
	fs.synopsis, fs.command = synopsis(e, name), e.program()+" "+name
	def := e.Getenv("CONSOLE_DB")
	if def == "" {
		def = "lbconsole.db"
	}
	fs.StringVar(dbPath, "db", def, "SQLite database file (env CONSOLE_DB)")
	return fs
}

// parseInterspersed parses flags wherever they stand among positional arguments, so that
// "user add alice --role admin" works, and returns the positional ones. --help prints the
// command's help and returns errHelp.
func parseInterspersed(fs *flagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			fs.help()
			return nil, errHelp
		} else if err != nil {
			return nil, exitError{code: 2, msg: fmt.Sprintf("%v\nusage: %s\n(%s --help lists every flag)", err, fs.synopsis, fs.command)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// openStore opens the database with the master key kept beside it (or given in
// CONSOLE_SECRET_KEY). The key signs the audit chain and cookies, so it lives outside the
// database: whoever holds only the database file cannot forge either.
func openStore(ctx context.Context, path string, e env) (*db.DB, []byte, error) {
	return open(ctx, path, e, true, nil)
}

// openExisting is openStore for the subcommands that only make sense on an existing
// database: a mistyped --db must not quietly create an empty one.
func openExisting(ctx context.Context, path string, e env) (*db.DB, []byte, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil, exitError{code: 2, msg: fmt.Sprintf("there is no database at %s: give the right --db", path)}
	}
	return open(ctx, path, e, false, nil)
}

func open(ctx context.Context, path string, e env, mayCreateKey bool, observer db.Observer) (*db.DB, []byte, error) {
	key, from, err := masterKey(path, e, mayCreateKey)
	if err != nil {
		return nil, nil, err
	}
	store, err := db.Open(ctx, path, db.Options{Key: key, Observer: observer})
	if errors.Is(err, db.ErrWrongKey) {
		return nil, nil, exitError{code: 2, msg: fmt.Sprintf("the key in %s is not the key the database %s was made with, so nothing was done: "+
			"its audit log and API secrets can only be checked and opened with that key. Start again with it: "+
			"restore the key file %s.key, or set CONSOLE_SECRET_KEY to it (unset CONSOLE_SECRET_KEY if the key file beside the database is the right one).\n(%v)",
			from, path, path, err)}
	}
	return store, key, err
}

// masterKey returns the master key and where it came from, for messages.
func masterKey(dbPath string, e env, mayCreate bool) ([]byte, string, error) {
	if v := e.Getenv("CONSOLE_SECRET_KEY"); v != "" {
		key, err := hex.DecodeString(strings.TrimSpace(v))
		if err != nil || len(key) < 32 {
			return nil, "", errors.New("CONSOLE_SECRET_KEY must be at least 32 bytes written in hex (64 hex digits)")
		}
		return key, "CONSOLE_SECRET_KEY", nil
	}
	path := dbPath + ".key"
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A new key for a database that already exists would break its audit chain and forge
		// nothing less than a new history: refuse, and say where the key should be.
		if st, statErr := os.Stat(dbPath); !mayCreate || (statErr == nil && st.Size() > 0) {
			return nil, "", fmt.Errorf("the key file %s is missing but the database %s exists: restore the key file or set CONSOLE_SECRET_KEY", path, dbPath)
		}
		key, err := createKeyFile(path)
		return key, "the key file " + path, err
	}
	if err != nil {
		return nil, "", fmt.Errorf("unable to read the key file %s: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, "", fmt.Errorf("the key file %s does not hold at least 32 bytes in hex", path)
	}
	return key, "the key file " + path, nil
}

func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("unable to create the key file %s: %w", path, err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, hex.EncodeToString(key)+"\n"); err != nil {
		return nil, fmt.Errorf("unable to write the key file %s: %w", path, err)
	}
	return key, f.Sync()
}
