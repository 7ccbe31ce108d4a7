package requestid

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestEnsure(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)
	for _, tt := range []struct {
		name, sent, set string
		want            func(string) bool
	}{
		{"KeepsAPlainOne", "script-run_42.7", "", func(id string) bool { return id == "script-run_42.7" }},
		{"MakesOneWhenNoneIsSent", "", "", uuid.MatchString},
		{"ReplacesATooLongOne", strings.Repeat("a", 65), "", uuid.MatchString},
		{"ReplacesAnUnsafeOne", "=cmd|' /C calc'!A0", "", uuid.MatchString},
		{"KeepsTheOneAlreadyAnswered", "script-1", "ROUTER-1", func(id string) bool { return id == "ROUTER-1" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.sent != "" {
				r.Header.Set(Header, tt.sent)
			}
			w := httptest.NewRecorder()
			if tt.set != "" {
				w.Header().Set(Header, tt.set)
			}
			id := Ensure(w, r)
			if !tt.want(id) || Of(w) != id {
				t.Errorf("Ensure = %q, answered %q", id, Of(w))
			}
		})
	}
	if a, b := New(), New(); a == b {
		t.Errorf("two new ids are the same: %s", a)
	}
}
