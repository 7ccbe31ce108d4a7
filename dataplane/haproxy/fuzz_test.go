package haproxy

import (
	"strings"
	"testing"
)

// FuzzParseServersState feeds the parser arbitrary answers: it must never panic, and whatever
// it accepts must be rows of named servers with non-negative numbers.
func FuzzParseServersState(f *testing.F) {
	f.Add(stateSample)
	f.Add(stateHeader)
	f.Add("1\n# be_name srv_name\n")
	f.Add("Can't find backend.\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := ParseServersState(text)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Name == "" || r.Backend == "" || r.Port < 0 || r.Weight < 0 {
				t.Fatalf("accepted a row without name or with a negative number: %+v", r)
			}
		}
	})
}

// FuzzParseStat does the same for `show stat`; an accepted answer also parses the same twice.
func FuzzParseStat(f *testing.F) {
	f.Add(statHeader + statMaint + statDown + statL7 + statBackend)
	f.Add(statHeader)
	f.Add("# pxname,svname\n")
	f.Add("No such proxy.\n")
	f.Add(statHeader + `be1,"lbc-a` + "\n")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := ParseStat(text)
		if err != nil {
			return
		}
		again, _ := ParseStat(text)
		if len(again) != len(rows) {
			t.Fatalf("two parses of the same text disagree: %d and %d rows", len(rows), len(again))
		}
		for _, r := range rows {
			if r.Sessions < 0 || r.Weight < 0 || strings.HasPrefix(r.CheckStatus, "* ") {
				t.Fatalf("accepted a bad row: %+v", r)
			}
		}
	})
}
