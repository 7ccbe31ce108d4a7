package handlers_test

import (
	"testing"

	"lbconsole/export"
)

func TestDefuse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"i-abc:80", "i-abc:80"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
	} {
		if got := export.Defuse(c.in); got != c.want {
			t.Errorf("Defuse(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
