package pgtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestTemplateCopies: every copy holds what setup made, owned by the role the tests connect
// as; setup runs once; the copies are independent; and a connection that setup left open does
// not stop the copying.
func TestTemplateCopies(t *testing.T) {
	ctx := testCtx(t)
	var setups atomic.Int32
	tpl := NewTemplate(func(ctx context.Context, url string) error {
		setups.Add(1)
		conn, err := pgx.Connect(ctx, url) // left open, as a careless setup might
		if err != nil {
			return err
		}
		_, err = conn.Exec(ctx, "CREATE TABLE schema_version (v int NOT NULL); INSERT INTO schema_version VALUES (7)")
		return err
	})
	a, b := connect(t, ctx, tpl.NewDB(t)), connect(t, ctx, tpl.NewDB(t))
	if _, err := a.Exec(ctx, "UPDATE schema_version SET v = 8"); err != nil {
		t.Fatalf("the test's role cannot change the copy's table: %v", err)
	}
	var v int
	if err := b.QueryRow(ctx, "SELECT v FROM schema_version").Scan(&v); err != nil || v != 7 {
		t.Errorf("the second copy holds version %d (%v), want 7: what setup made, untouched by the first copy", v, err)
	}
	if n := setups.Load(); n != 1 {
		t.Errorf("setup ran %d times for two copies, want once", n)
	}
}

// TestTemplateSetupFailureFailsTheTest: a setup that fails fails the test asking for a copy,
// with setup's own error.
func TestTemplateSetupFailureFailsTheTest(t *testing.T) {
	tpl := NewTemplate(func(context.Context, string) error { return errors.New("migration 0003 failed") })
	msg := fatalMessage(t, func(tb testing.TB) { tpl.NewDB(tb) })
	if !strings.Contains(msg, "migration 0003 failed") {
		t.Errorf("NewDB of a template whose setup failed: %q, want setup's error", msg)
	}
}

// TestNewDBRequiresMain: without pgtest.Main in TestMain nothing would stop the cluster at the
// end, so NewDB refuses, saying what to add.
func TestNewDBRequiresMain(t *testing.T) {
	mainRan.Store(false)
	defer mainRan.Store(true)
	msg := fatalMessage(t, func(tb testing.TB) { NewDB(tb) })
	if !strings.Contains(msg, "pgtest.Main(m)") {
		t.Errorf("NewDB without pgtest.Main: %q, want an error naming pgtest.Main", msg)
	}
}

// fatalRecorder is t, but for Fatal, which it records instead of failing t.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalMessage runs fn, which should fail its test, and returns what it failed with.
func fatalMessage(t *testing.T, fn func(testing.TB)) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	if r.msg == "" {
		t.Fatal("it did not fail")
	}
	return r.msg
}

func (r *fatalRecorder) Skip(args ...any) {
	r.msg = "SKIP: " + fmt.Sprint(args...)
	runtime.Goexit()
}
