package fleet

import (
	"sync"
	"testing"
)

// The benchmarks work on the fleet the issue sets as the bar: 10,000 load balancers and
// 100,000 servers (about 25,000 groups and 150,000 members), made once.
var (
	benchOnce sync.Once
	benchDoc  Document
	benchYAML []byte
	benchJSON []byte
)

func benchFleet(b *testing.B) Document {
	b.Helper()
	benchOnce.Do(func() {
		benchDoc = Generate(10000, 100000, 1)
		var err error
		if benchYAML, err = Marshal(benchDoc, FormatYAML); err != nil {
			b.Fatal(err)
		}
		if benchJSON, err = Marshal(benchDoc, FormatJSON); err != nil {
			b.Fatal(err)
		}
	})
	b.ResetTimer()
	return benchDoc
}

func benchParse(b *testing.B, data func() []byte) {
	benchFleet(b)
	b.SetBytes(int64(len(data())))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseYAML10kLBs(b *testing.B) { benchParse(b, func() []byte { return benchYAML }) }
func BenchmarkParseJSON10kLBs(b *testing.B) { benchParse(b, func() []byte { return benchJSON }) }

func BenchmarkValidate10kLBs(b *testing.B) {
	doc := benchFleet(b)
	b.ReportAllocs()
	for b.Loop() {
		if ps := Validate(doc, Document{}); len(ps) > 0 {
			b.Fatal(ps[0])
		}
	}
}

// BenchmarkPlan10kLBsOnEmpty plans the whole fleet into an empty database: everything is
// created and every member list goes through lb.Plan.
func BenchmarkPlan10kLBsOnEmpty(b *testing.B) {
	doc := benchFleet(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MakePlan(Document{}, doc, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan10kLBsUnchanged plans the fleet against itself, as a re-apply does.
func BenchmarkPlan10kLBsUnchanged(b *testing.B) {
	doc := benchFleet(b)
	b.ReportAllocs()
	for b.Loop() {
		if p, err := MakePlan(doc, doc, true); err != nil || !p.Empty() {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalYAML10kLBs(b *testing.B) {
	doc := benchFleet(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(doc, FormatYAML); err != nil {
			b.Fatal(err)
		}
	}
}
