package export

import (
	"slices"
	"testing"
	"time"

	"lbconsole/lb"
)

// TestFilterTimes: since and until take RFC 3339 with any offset, what a datetime-local input
// sends, and a date, all read as the same instant in UTC.
func TestFilterTimes(t *testing.T) {
	want := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	for _, s := range []string{"2026-03-01T08:30:00Z", "2026-03-01T16:30:00+08:00", "2026-03-01T08:30", "2026-03-01T08:30:00"} {
		since, err := Filter(Params{Since: s})
		if err != nil || !since.Since.Equal(want) || since.Since.Location() != time.UTC {
			t.Errorf("since %q = %v, %v; want %v", s, since.Since, err, want)
		}
		until, err := Filter(Params{Until: s})
		if err != nil || !until.Until.Equal(want) || until.Until.Location() != time.UTC {
			t.Errorf("until %q = %v, %v; want %v", s, until.Until, err, want)
		}
	}
	f, err := Filter(Params{Since: "2026-03-01", Until: "2026-03-02"})
	if err != nil || !f.Since.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !f.Until.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("dates: since %v, until %v, %v; want both at midnight UTC", f.Since, f.Until, err)
	}
}

// TestFilterRefusals: a filter that cannot be read is refused naming the parameter, never
// read as "no filter", which would export everything.
func TestFilterRefusals(t *testing.T) {
	for _, c := range []struct {
		name  string
		p     Params
		field string
	}{
		{"ErrSinceNotATime", Params{Since: "yesterday"}, "since"},
		{"ErrUntilNotATime", Params{Until: "2026-13-01"}, "until"},
		{"ErrSinceWithoutDate", Params{Since: "08:30"}, "since"},
		{"ErrUntilNotAfterSince", Params{Since: "2026-03-02", Until: "2026-03-01"}, "until"},
		{"ErrUntilEqualsSince", Params{Since: "2026-03-01", Until: "2026-03-01T00:00:00Z"}, "until"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Filter(c.p)
			e, ok := lb.AsError(err)
			if !ok || e.Kind != lb.KindInvalid || e.Field != c.field || e.Message == "" {
				t.Fatalf("Filter = %v; want an invalid %s", err, c.field)
			}
		})
	}
}

// TestFilterSelects: the filters select entries in the export: since inclusive, until
// exclusive, text fields exactly, outcome "refused" for every refusal.
func TestFilterSelects(t *testing.T) {
	store, clk := newStore(t, start)
	for i, e := range []entry{
		{actor: "alice", source: "console", outcome: "invalid"},
		{actor: "bob", source: "slb-api", outcome: "InvalidParameter"},
		{actor: "alice", source: "pool-api", outcome: "conflict"},
	} {
		clk.set(start.Add(time.Duration(i) * time.Hour)) // 09:00, 10:00, 11:00
		e.message = "refused"
		record(t, store, e)
	}
	for _, c := range []struct {
		name string
		p    Params
		want []string
	}{
		{"Everything", Params{}, []string{"1", "2", "3"}},
		{"Actor", Params{Actor: "alice"}, []string{"1", "3"}},
		{"Source", Params{Source: "slb-api"}, []string{"2"}},
		{"OutcomeKind", Params{Outcome: "conflict"}, []string{"3"}},
		{"OutcomeRefused", Params{Outcome: "refused"}, []string{"1", "2", "3"}},
		{"SinceIsInclusive", Params{Since: "2026-03-01T10:00:00Z"}, []string{"2", "3"}},
		{"UntilIsExclusive", Params{Until: "2026-03-01T10:00"}, []string{"1"}},
		{"SinceInAnotherZone", Params{Since: "2026-03-01T18:00:00+08:00"}, []string{"2", "3"}},
		{"DayAfter", Params{Since: "2026-03-02"}, []string{}},
		{"Both", Params{Actor: "alice", Since: "2026-03-01", Until: "2026-03-01T11:00:00Z"}, []string{"1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Filter(c.p)
			if err != nil {
				t.Fatal(err)
			}
			if got := column(t, exportCSV(t, store, f), "seq"); !slices.Equal(got, c.want) {
				t.Errorf("seqs %v; want %v", got, c.want)
			}
		})
	}
}
