package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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

// dbFlags are the flags with which every subcommand finds the store and its master key.
type dbFlags struct {
	db      string // a SQLite file, or a postgres:// URL
	keyFile string // the master key's file, when given
}

// flagSet is a subcommand's flags and how to print its help.
type flagSet struct {
	*flag.FlagSet
	help     func()
	synopsis string // how to call the command
	command  string // the program and the command's name
}

// newFlags returns the flag set of the subcommand name (as the usage lists it, "user add"),
// which already knows --db and --key-file and prints the command's help to standard output on
// --help.
func newFlags(name string, e env, dbf *dbFlags) *flagSet {
	fs := newFlagSet(name, e)
	def := e.Getenv("CONSOLE_DB")
	if def == "" {
		def = "lbconsole.db"
	}
	fs.StringVar(&dbf.db, "db", def, "SQLite database file, or the postgres://… URL of a PostgreSQL database (env CONSOLE_DB)")
	fs.StringVar(&dbf.keyFile, "key-file", e.Getenv("CONSOLE_KEY_FILE"),
		"file holding the master key in hex or base64 (env CONSOLE_KEY_FILE); without it, CONSOLE_SECRET_KEY, or for SQLite the file DB.key beside the database")
	return fs
}

// newFlagSet returns an empty flag set of the subcommand name. The flag package's own
// messages are left out: a refusal says what was wrong and how to call the command in its
// message, and --help prints the command's help.
func newFlagSet(name string, e env) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.help = func() { printHelp(fs.FlagSet, e, name) }
	fs.synopsis, fs.command = synopsis(e, name), e.program()+" "+name
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

// openStore opens the database with its master key (see masterKey). The key signs the audit
// chain and cookies, so it lives outside the database: whoever holds only the database cannot
// forge either.
func openStore(ctx context.Context, dbf dbFlags, e env) (*db.DB, []byte, error) {
	return open(ctx, dbf, e, true, nil)
}

// openExisting is openStore for the subcommands that only make sense on an existing
// database: a mistyped --db must not quietly create an empty SQLite file. (A PostgreSQL
// database is made by its administrator: a mistyped URL finds none to connect to.)
func openExisting(ctx context.Context, dbf dbFlags, e env) (*db.DB, []byte, error) {
	if !db.IsPostgres(dbf.db) {
		if _, err := os.Stat(dbf.db); err != nil {
			return nil, nil, exitError{code: 2, msg: fmt.Sprintf("there is no database at %s: give the right --db", dbf.db)}
		}
	}
	return open(ctx, dbf, e, false, nil)
}

func open(ctx context.Context, dbf dbFlags, e env, mayCreateKey bool, observer db.Observer) (*db.DB, []byte, error) {
	key, from, err := masterKey(dbf, e, mayCreateKey)
	if err != nil {
		return nil, nil, err
	}
	store, err := db.Open(ctx, dbf.db, db.Options{Key: key, Observer: observer})
	if errors.Is(err, db.ErrWrongKey) {
		return nil, nil, exitError{code: 2, msg: wrongKeyMessage(dbf, from, err)}
	}
	return store, key, err
}

// wrongKeyMessage says what to do when the key is not the database's own.
func wrongKeyMessage(dbf dbFlags, from string, err error) string {
	const why = "its audit log and API secrets can only be checked and opened with that key"
	if db.IsPostgres(dbf.db) {
		return fmt.Sprintf("the key in %s is not the key the database %s was made with, so nothing was done: %s. "+
			"Start every console on this database with that same key, in CONSOLE_SECRET_KEY or --key-file.\n(%v)",
			from, db.Redacted(dbf.db), why, err)
	}
	return fmt.Sprintf("the key in %s is not the key the database %s was made with, so nothing was done: %s. Start again with it: "+
		"restore the key file %s.key, or set CONSOLE_SECRET_KEY to it (unset CONSOLE_SECRET_KEY if the key file beside the database is the right one).\n(%v)",
		from, dbf.db, why, dbf.db, err)
}

// masterKey returns the master key and where it came from, for messages: the file of
// --key-file, else CONSOLE_SECRET_KEY, else, for SQLite only, the key file beside the
// database, made for a new database when mayCreate. Several consoles share a PostgreSQL
// database, and each must have the same key: there it must be given.
func masterKey(dbf dbFlags, e env, mayCreate bool) ([]byte, string, error) {
	if dbf.keyFile != "" {
		return readKeyFile(dbf.keyFile)
	}
	if v := e.Getenv("CONSOLE_SECRET_KEY"); v != "" {
		key, err := parseKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("CONSOLE_SECRET_KEY %w", err)
		}
		return key, "CONSOLE_SECRET_KEY", nil
	}
	if db.IsPostgres(dbf.db) {
		return nil, "", exitError{code: 2, msg: "a PostgreSQL database needs its master key given, the same to every console on it: " +
			"set CONSOLE_SECRET_KEY to it (32 bytes or more, in hex or base64; make one with: openssl rand -hex 32), " +
			"or give --key-file PATH (env CONSOLE_KEY_FILE) of a file that holds it"}
	}
	path := dbf.db + ".key"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// A new key for a database that already exists would break its audit chain and forge
		// nothing less than a new history: refuse, and say where the key should be.
		if st, statErr := os.Stat(dbf.db); !mayCreate || (statErr == nil && st.Size() > 0) {
			return nil, "", fmt.Errorf("the key file %s is missing but the database %s exists: restore the key file or set CONSOLE_SECRET_KEY", path, dbf.db)
		}
		key, err := createKeyFile(path)
		return key, "the key file " + path, err
	}
	return readKeyFile(path)
}

// readKeyFile reads a master key from a file, in hex or base64.
func readKeyFile(path string) ([]byte, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("unable to read the key file %s: %w", path, err)
	}
	key, err := parseKey(string(b))
	if err != nil {
		return nil, "", fmt.Errorf("the key file %s %w", path, err)
	}
	return key, "the key file " + path, nil
}

// minKeyLen is the shortest master key taken, in bytes.
const minKeyLen = 32

// parseKey reads a master key written in hex (as the key files console writes hold it) or in
// base64, standard or URL-safe, padded or not. The error completes a sentence whose subject
// names where the key came from.
func parseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	key, err := hex.DecodeString(text)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if err == nil {
			break
		}
		key, err = enc.DecodeString(text)
	}
	if err != nil || len(key) < minKeyLen {
		return nil, fmt.Errorf("must hold a key of at least %d bytes, written in hex (%d hex digits) or base64", minKeyLen, 2*minKeyLen)
	}
	return key, nil
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
