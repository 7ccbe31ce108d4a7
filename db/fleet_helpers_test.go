package db

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"lbconsole/fleet"
)

// fleetOrigin is who applies the files of the fleet tests.
var fleetOrigin = Origin{Actor: "ops", Source: SourceFleet, RequestID: "req-fleet"}

// fleetFile reads a fleet file of the fleet package's testdata.
func fleetFile(t *testing.T, name string) fleet.Document {
	t.Helper()
	data, err := os.ReadFile("../fleet/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := fleet.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// parseFleet reads a fleet file given as text.
func parseFleet(t *testing.T, text string) fleet.Document {
	t.Helper()
	doc, err := fleet.Parse([]byte(text))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, text)
	}
	return doc
}

func applyFleet(t *testing.T, d *DB, doc fleet.Document, opts ApplyOptions) fleet.Plan {
	t.Helper()
	p, err := d.ApplyFleet(context.Background(), fleetOrigin, doc, opts)
	if err != nil {
		t.Fatalf("ApplyFleet: %v", err)
	}
	return p
}

func exportFleetOf(t *testing.T, d *DB) fleet.Document {
	t.Helper()
	doc, err := d.ExportFleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// roundTrip writes doc in a format and reads it back, as a file kept in version control would be.
func roundTrip(t *testing.T, doc fleet.Document, format string) fleet.Document {
	t.Helper()
	data, err := fleet.Marshal(doc, format)
	if err != nil {
		t.Fatal(err)
	}
	back, err := fleet.Parse(data)
	if err != nil {
		t.Fatalf("the %s export does not parse: %v", format, err)
	}
	return back
}

// snapshot is what a refused change must leave as it was: the fleet and the audit log.
type snapshot struct {
	fleet fleet.Document
	audit int
}

func takeSnapshot(t *testing.T, d *DB) snapshot {
	t.Helper()
	return snapshot{exportFleetOf(t, d), auditTotal(t, d)}
}

func (s snapshot) unchanged(t *testing.T, d *DB) {
	t.Helper()
	now := takeSnapshot(t, d)
	if !reflect.DeepEqual(now.fleet, s.fleet) {
		t.Error("the fleet changed")
	}
	if now.audit != s.audit {
		t.Errorf("audit entries: %d, want %d as before", now.audit, s.audit)
	}
}

// wantProblem fails unless err holds a problem at where whose message says msg.
func wantProblem(t *testing.T, err error, where, msg string) {
	t.Helper()
	ps, ok := err.(fleet.Problems)
	if !ok {
		t.Fatalf("error %v (%T), want fleet.Problems", err, err)
	}
	for _, p := range ps {
		if p.Where() == where && strings.Contains(p.Message, msg) {
			return
		}
	}
	t.Errorf("no problem at %s saying %q in:\n%v", where, msg, ps)
}

// fleetAudit returns the fleet entries, oldest first.
func fleetAudit(t *testing.T, d *DB, f AuditFilter) []AuditEntry {
	t.Helper()
	f.Ascending = true
	page, err := d.ListAudit(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func actions(entries []AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

func verifyChain(t *testing.T, d *DB) {
	t.Helper()
	res, err := d.VerifyAudit(context.Background())
	if err != nil || !res.OK() {
		t.Errorf("audit chain: %+v, %v; want intact", res, err)
	}
}

// lbOf and groupOf find objects of a document, for editing.
func lbOf(doc *fleet.Document, id string) *fleet.LoadBalancer {
	for i := range doc.LoadBalancers {
		if doc.LoadBalancers[i].ID == id {
			return &doc.LoadBalancers[i]
		}
	}
	panic("no load balancer " + id)
}

func groupOf(doc *fleet.Document, id string) *fleet.Group {
	for i := range doc.LoadBalancers {
		for j := range doc.LoadBalancers[i].Groups {
			if doc.LoadBalancers[i].Groups[j].ID == id {
				return &doc.LoadBalancers[i].Groups[j]
			}
		}
	}
	panic("no group " + id)
}

func intp(n int) *int { return &n }

// memberWeights maps each member of a group to its weight, by server (or address) and port.
func memberWeights(t *testing.T, d *DB, groupID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range members(t, d, groupID) {
		out[serverLabel(m.ServerID, m.Address, m.Port)] = m.Weight
	}
	return out
}
