package fleet

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }

// loadFleet parses a file of testdata, failing the test on any problem.
func loadFleet(t testing.TB, name string) Document {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// validFleet is testdata/fleet.yaml, which must have no problem.
func validFleet(t testing.TB) Document {
	t.Helper()
	doc := loadFleet(t, "fleet.yaml")
	if ps := Validate(doc, Document{}); len(ps) > 0 {
		t.Fatalf("testdata/fleet.yaml is not valid:\n%v", Problems(ps))
	}
	return doc
}

// exported is doc as the store would export it: sorted, every member with its address as well
// as its server, descriptions only when set.
func exported(doc Document) Document {
	doc = Sorted(clone(doc))
	servers := map[string]Server{}
	for _, s := range doc.Servers {
		servers[s.ID] = s
	}
	for i := range doc.LoadBalancers {
		for j := range doc.LoadBalancers[i].Groups {
			g := &doc.LoadBalancers[i].Groups[j]
			if g.Members == nil {
				g.Members = &[]Member{}
			}
			for k := range *g.Members {
				m := &(*g.Members)[k]
				if m.Address == "" {
					m.Address = servers[m.Server].Address
				}
				if m.Weight == nil {
					m.Weight = intp(100)
				}
				if m.Description != nil && *m.Description == "" {
					m.Description = nil
				}
			}
		}
	}
	return doc
}

// clone copies doc deeply enough that changing the copy leaves doc alone.
func clone(doc Document) Document {
	data, err := json.Marshal(doc) // not Marshal, which sorts
	if err != nil {
		panic(err)
	}
	out, err := Parse(data)
	if err != nil {
		panic(err)
	}
	return out
}

func lb0(doc *Document, id string) *LoadBalancer {
	for i := range doc.LoadBalancers {
		if doc.LoadBalancers[i].ID == id {
			return &doc.LoadBalancers[i]
		}
	}
	panic("no load balancer " + id)
}

func group(doc *Document, id string) *Group {
	for i := range doc.LoadBalancers {
		for j := range doc.LoadBalancers[i].Groups {
			if doc.LoadBalancers[i].Groups[j].ID == id {
				return &doc.LoadBalancers[i].Groups[j]
			}
		}
	}
	panic("no group " + id)
}

func server(doc *Document, id string) *Server {
	for i := range doc.Servers {
		if doc.Servers[i].ID == id {
			return &doc.Servers[i]
		}
	}
	panic("no server " + id)
}

// planText is the plan as Write prints it.
func planText(t *testing.T, p Plan) string {
	t.Helper()
	var b strings.Builder
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
