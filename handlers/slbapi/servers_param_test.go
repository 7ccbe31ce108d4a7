package slbapi

import (
	"strings"
	"testing"
	"unicode"

	"lbconsole/lb"
)

func TestParseBackendServers(t *testing.T) {
	w := func(n int) *int { return &n }
	tests := []struct {
		name string
		raw  string
		kind lb.GroupKind
		want []lb.Spec // nil with err set
		err  string    // part of the refusal's message
		many bool      // a TooMany refusal
	}{
		{"BareIDs", `["i-1","i-2"]`, lb.KindDefault, []lb.Spec{{ServerID: "i-1"}, {ServerID: "i-2"}}, "", false},
		{"BareIDsWithSpacesAsTheSeedWritesThem", `[" vm-233"," vm-234"]`, lb.KindDefault, []lb.Spec{{ServerID: "vm-233"}, {ServerID: "vm-234"}}, "", false},
		{"ObjectsWithNumericStrings", `[{"ServerId":"i-1","Weight":"100"},{"ServerId":"i-2","Weight":"0"}]`, lb.KindDefault,
			[]lb.Spec{{ServerID: "i-1", Weight: w(100)}, {ServerID: "i-2", Weight: w(0)}}, "", false},
		{"SingleQuotedAsTheSeedWritesThem", `[{'ServerId':'vm-235','Port':'8080','Weight':'100'},{'ServerId':'vm-236','Port':'70','Weight':'100'}]`, lb.KindVServer,
			[]lb.Spec{{ServerID: "vm-235", Port: 8080, Weight: w(100)}, {ServerID: "vm-236", Port: 70, Weight: w(100)}}, "", false},
		{"NumbersAndTypeAnyCase", `[{"serverid":"i-1","PORT":80,"weight":5,"Type":" ENI "}]`, lb.KindVServer,
			[]lb.Spec{{ServerID: "i-1", Port: 80, Weight: w(5), Type: lb.TypeENI}}, "", false},
		{"NullMeansNotGiven", `[{"ServerId":"i-1","Port":80,"Weight":null,"Description":null}]`, lb.KindVServer, []lb.Spec{{ServerID: "i-1", Port: 80}}, "", false},
		{"ServerIpAccepted", `[{"ServerId":"i-1","ServerIp":"10.0.0.1"}]`, lb.KindDefault, []lb.Spec{{ServerID: "i-1"}}, "", false},
		{"SpacesAroundTheList", " \n[\"i-1\"]\t", lb.KindDefault, []lb.Spec{{ServerID: "i-1"}}, "", false},
		{"EmptyListIsForTheCallerToJudge", `[]`, lb.KindDefault, []lb.Spec{}, "", false},
		{"Empty", ``, lb.KindDefault, nil, "empty", false},
		{"NotJSON", `i-1,i-2`, lb.KindDefault, nil, "not a JSON array", false},
		{"Null", `null`, lb.KindDefault, nil, "not a JSON array", false},
		{"Object", `{"ServerId":"i-1"}`, lb.KindDefault, nil, "not a JSON array", false},
		{"TrailingGarbage", `["i-1"]]`, lb.KindDefault, nil, "not a JSON array", false},
		{"UnterminatedSingleQuote", `['i-1]`, lb.KindDefault, nil, "not a JSON array", false},
		{"NumberEntry", `[42]`, lb.KindDefault, nil, "neither", false},
		{"NoServerId", `[{"Weight":1}]`, lb.KindDefault, nil, "no ServerId", false},
		{"BlankServerId", `["  "]`, lb.KindDefault, nil, "no ServerId", false},
		{"ServerIdWithInnerSpace", `["i-1 i-2"]`, lb.KindDefault, nil, "spaces", false},
		{"ServerIdNotAString", `[{"ServerId":7}]`, lb.KindDefault, nil, "must be a string", false},
		{"WeightNotWhole", `[{"ServerId":"i-1","Weight":1.5}]`, lb.KindDefault, nil, "whole number", false},
		{"WeightExponent", `[{"ServerId":"i-1","Weight":1e2}]`, lb.KindDefault, nil, "whole number", false},
		{"WeightWord", `[{"ServerId":"i-1","Weight":"heavy"}]`, lb.KindDefault, nil, "whole number", false},
		{"WeightBool", `[{"ServerId":"i-1","Weight":true}]`, lb.KindDefault, nil, "whole number", false},
		{"WeightNegative", `[{"ServerId":"i-1","Weight":-1}]`, lb.KindDefault, nil, "out of range", false},
		{"WeightAbove100", `[{"ServerId":"i-1","Weight":"101"}]`, lb.KindDefault, nil, "out of range", false},
		{"WeightHuge", `[{"ServerId":"i-1","Weight":99999999999999999999999}]`, lb.KindDefault, nil, "whole number", false},
		{"PortMissingInVServerGroup", `["i-1"]`, lb.KindVServer, nil, "no Port", false},
		{"PortZero", `[{"ServerId":"i-1","Port":0}]`, lb.KindVServer, nil, "no Port", false},
		{"PortAbove65535", `[{"ServerId":"i-1","Port":65536}]`, lb.KindVServer, nil, "out of range", false},
		{"PortNegative", `[{"ServerId":"i-1","Port":"-80"}]`, lb.KindVServer, nil, "out of range", false},
		{"PortInDefaultList", `[{"ServerId":"i-1","Port":80}]`, lb.KindDefault, nil, "takes none", false},
		{"UnknownType", `[{"ServerId":"i-1","Type":"vm"}]`, lb.KindDefault, nil, "Type", false},
		{"UnknownKey", `[{"ServerId":"i-1","Wieght":1}]`, lb.KindDefault, nil, "unknown key", false},
		{"KeyTwice", `[{"ServerId":"i-1","Weight":1,"weight":2}]`, lb.KindDefault, nil, "given twice", false},
		{"ServerTwice", `["i-1"," i-1"]`, lb.KindDefault, nil, "listed twice", false},
		{"ServerAndPortTwice", `[{"ServerId":"i-1","Port":80},{"ServerId":"i-1","Port":"80"}]`, lb.KindVServer, nil, "listed twice", false},
		{"TwentyOne", "[" + strings.Repeat(`"i-x",`, 20) + `"i-y"]`, lb.KindDefault, nil, "at most 20", true},
		{"TooLong", `["` + strings.Repeat("x", maxServersParamLen) + `"]`, lb.KindDefault, nil, "bytes long", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBackendServers("BackendServers", tc.raw, tc.kind)
			if tc.err != "" {
				e, ok := lb.AsError(err)
				if !ok || e.Field != "BackendServers" || !strings.Contains(e.Message, tc.err) || !strings.Contains(e.Message, "BackendServers") {
					t.Fatalf("got %v, %v; want a refusal about BackendServers saying %q", got, err, tc.err)
				}
				if (e.Kind == lb.KindTooMany) != tc.many {
					t.Errorf("refusal kind %s", e.Kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d entries, want %d", len(got), len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.ServerID != w.ServerID || g.Port != w.Port || g.Type != w.Type || (g.Weight == nil) != (w.Weight == nil) ||
					(g.Weight != nil && *g.Weight != *w.Weight) {
					t.Errorf("entry %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
	t.Run("DescriptionKeptAsGiven", func(t *testing.T) {
		got, err := parseBackendServers("NewBackendServers", `[{'ServerId':'i-1','Port':80,'Description':'it\'s "blue"'}]`, lb.KindVServer)
		if err != nil || got[0].Description == nil || *got[0].Description != `it's "blue"` {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

// FuzzParseBackendServers checks that the parser never panics and that whatever it accepts
// keeps the promises the batch planning relies on.
func FuzzParseBackendServers(f *testing.F) {
	for _, seed := range []string{
		`[" vm-233"," vm-234"]`,
		`["i-2zej4lxhjoq1icue6kup","i-2ze1u9ywulp5pbvvc7hv"]`,
		`[{"ServerId":"i-2zej4lxhjoq1icue6kup","Weight":"100"},{"ServerId":"i-2ze1u9ywulp5pbvvc7hv","Weight":"100"}]`,
		`[{'ServerId':'vm-235','Port':'8080','Weight':'100'},{'ServerId':'vm-236','Port':'70','Weight':'100'}]`,
		`[{'ServerId':'vm-233','Port':'80'},{'ServerId':'vm-232','Port':'90'}]`,
		`[{"ServerId":"eni-1","Port":443,"Weight":0,"Type":"eni","Description":"drain"}]`,
		`[{'ServerId':'i-1','Description':'it\'s "x"'}]`,
		`[{"ServerId":"i-1","Weight":1.5}]`, `[{"ServerId":"i-1","Port":-1}]`, `[{"ServerId":"i-1","Port":"65536"}]`,
		`[{"ServerId":"i-1","weight":1,"Weight":2}]`, `["i-1","i-1"]`, `[null]`, `[[]]`, `[{}]`, `null`, `[`, `['`, `["\u0000"]`,
		"[" + strings.Repeat(`"i-1",`, 20) + `"i-2"]`, `[{"ServerId":"i-1","Weight":"  7 "}]`, `["é"]`, "[\"\xff\"]",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, raw string, vserver bool) {
		kind := lb.KindDefault
		if vserver {
			kind = lb.KindVServer
		}
		specs, err := parseBackendServers("BackendServers", raw, kind)
		if err != nil {
			if e, ok := lb.AsError(err); !ok || e.Field != "BackendServers" || e.Message == "" {
				t.Fatalf("refusal %v is not an *lb.Error about BackendServers", err)
			}
			return
		}
		if len(specs) > lb.MaxSLBEntries {
			t.Fatalf("accepted %d entries", len(specs))
		}
		seen := map[string]bool{}
		for _, s := range specs {
			if s.ServerID == "" || strings.TrimSpace(s.ServerID) != s.ServerID || strings.IndexFunc(s.ServerID, unicode.IsSpace) >= 0 {
				t.Fatalf("accepted ServerId %q", s.ServerID)
			}
			if vserver && (s.Port < 1 || s.Port > 65535) || !vserver && s.Port != 0 {
				t.Fatalf("accepted port %d in a %s group", s.Port, kind)
			}
			if s.Weight != nil && (*s.Weight < 0 || *s.Weight > 100) {
				t.Fatalf("accepted weight %d", *s.Weight)
			}
			if s.Type != "" && !s.Type.Valid() {
				t.Fatalf("accepted type %q", s.Type)
			}
			if seen[s.Label()] {
				t.Fatalf("accepted %s twice", s.Label())
			}
			seen[s.Label()] = true
		}
	})
}
