package fleet

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes. It must never panic; a refusal must say something; and
// whatever it accepts must survive Marshal and Parse again unchanged, in both formats, and be
// validated and planned without a panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"example.yaml", "example.json", "fleet.yaml"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		"", "{}", "[]", "null", "regions: [{id: a, name: b, nmae: c}]",
		"servers:\n  - id: i-1\n    id: i-2\n",
		"regions: &a [{id: x}]\nvpcs: *a\n",
		"load_balancers: [{id: l, groups: [{id: g, members: [{port: 0x50}], drain_timeout: 3}]}]",
		"{\"regions\": [{\"id\": \"a\\/b\", \"name\": \"\\u00e9\"}]}",
		"a: 1\n---\nb: 2\n", "\xef\xbb\xbfregions: []\n", "regions: [{id: \"\\x01\"}]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			for _, p := range AsProblems(err) {
				if p.Message == "" {
					t.Fatalf("a problem without a message: %+v", p)
				}
			}
			return
		}
		for _, format := range []string{FormatYAML, FormatJSON} {
			out, err := Marshal(doc, format)
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			again, err := Parse(out)
			if err != nil {
				t.Fatalf("%s: the export of an accepted file is refused: %v\n%s", format, err, out)
			}
			if out2, _ := Marshal(again, format); !bytes.Equal(out, out2) {
				t.Fatalf("%s: export, parse, export differs:\n%s\n%s", format, out, out2)
			}
		}
		Validate(doc, doc)
		MakePlan(Document{}, doc, true)
		MakePlan(doc, doc, true)
	})
}
