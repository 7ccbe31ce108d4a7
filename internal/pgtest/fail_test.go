package pgtest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestWithoutServerSkipsButFailsInCI: a machine without PostgreSQL skips the tests that need
// it, but with CI=true they fail, so that CI cannot pass without running them; a server that
// will not start fails them everywhere.
func TestWithoutServerSkipsButFailsInCI(t *testing.T) {
	missing := fmt.Errorf("%w: initdb is nowhere", errNoServer)
	broken := errors.New("pgtest: initdb failed")
	for _, c := range []struct {
		ci       string
		err      error
		wantSkip bool
		wantText string
	}{
		{"", missing, true, "initdb is nowhere"},
		{"false", missing, true, "initdb is nowhere"},
		{"true", missing, false, "CI=true"},
		{"", broken, false, "initdb failed"},
		{"true", broken, false, "initdb failed"},
	} {
		t.Setenv("CI", c.ci)
		got := fatalMessage(t, func(tb testing.TB) { fail(tb, c.err) })
		if strings.HasPrefix(got, "SKIP") != c.wantSkip || !strings.Contains(got, c.wantText) {
			t.Errorf("CI=%q, %v: %q; want skipped %v, naming %q", c.ci, c.err, got, c.wantSkip, c.wantText)
		}
	}
}
