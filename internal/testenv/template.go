package testenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lbconsole/db"
)

// Template is a database filled once per test binary and copied for each test that asks: a
// copy costs a few milliseconds, filling it again would cost seconds under the race detector.
type Template struct {
	base  *Template
	setup func(ctx context.Context, store *db.DB) error

	once  sync.Once
	files map[string][]byte // the database file and, when SQLite left one, its WAL, by suffix
	err   error
}

// The templates every package may copy.
var (
	// Demo holds the demo data and nothing else: no user, no key, no audit entry of a test's.
	Demo = NewTemplate(nil, SeedDemo)
	// DemoUsers is Demo with a user of each role (Admin, Operator, Viewer), whose password is
	// Password.
	DemoUsers = NewTemplate(Demo, addUsers)
)

// NewTemplate returns a template that setup fills, on a copy of base (an empty database when
// base is nil), the first time a test asks for a copy. A template whose setup failed fails
// every test that asks for a copy, with setup's error.
func NewTemplate(base *Template, setup func(ctx context.Context, store *db.DB) error) *Template {
	return &Template{base: base, setup: setup}
}

// walSuffix names SQLite's write-ahead log beside a database file.
const walSuffix = "-wal"

func (tp *Template) load() error {
	tp.once.Do(func() { tp.files, tp.err = tp.build() })
	return tp.err
}

// build fills the template in a directory of its own and keeps its files in memory, so that
// nothing is left on disk for anyone to remove.
func (tp *Template) build() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "lbconsole-testenv-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	if tp.base != nil {
		if err := tp.base.copyTo(path); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store, err := db.Open(ctx, path, db.Options{Key: Key()})
	if err != nil {
		return nil, fmt.Errorf("testenv: unable to open a template: %w", err)
	}
	err = tp.setup(ctx, store)
	// Closing the last connection checkpoints the WAL into the file; a WAL left all the same
	// is copied with it.
	if err := errors.Join(err, store.Close()); err != nil {
		return nil, fmt.Errorf("testenv: unable to fill a template: %w", err)
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", walSuffix} {
		b, err := os.ReadFile(path + suffix)
		switch {
		case errors.Is(err, fs.ErrNotExist) && suffix != "":
		case err != nil:
			return nil, err
		case len(b) > 0 || suffix == "":
			files[suffix] = b
		}
	}
	return files, nil
}

// copyTo writes the template's files at path.
func (tp *Template) copyTo(path string) error {
	if err := tp.load(); err != nil {
		return err
	}
	for suffix, b := range tp.files {
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// CopyTo writes a copy of the template at path, with the key file beside it that the binary
// and its subcommands read.
func (tp *Template) CopyTo(tb testing.TB, path string) {
	tb.Helper()
	if err := tp.copyTo(path); err != nil {
		tb.Fatalf("copy a test database template: %v", err)
	}
	writeKeyFile(tb, path)
}

// Path writes a copy of the template in a directory of the test's own and returns its path.
func (tp *Template) Path(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "console.db")
	tp.CopyTo(tb, path)
	return path
}

// Open opens a copy of the template, closed when the test ends, and returns it with its path.
// opts.Key is always Key.
func (tp *Template) Open(tb testing.TB, opts db.Options) (*db.DB, string) {
	tb.Helper()
	path := tp.Path(tb)
	return OpenStore(tb, path, opts), path
}

// OpenStore opens the database at path with Key, closed when the test ends.
func OpenStore(tb testing.TB, path string, opts db.Options) *db.DB {
	tb.Helper()
	opts.Key = Key()
	store, err := db.Open(context.Background(), path, opts)
	if err != nil {
		tb.Fatalf("db.Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { store.Close() })
	return store
}
