package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
)

func openStore(t *testing.T) *db.DB {
	t.Helper()
	store, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"), db.Options{Key: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func seeded(t *testing.T) *db.DB {
	t.Helper()
	store := openStore(t)
	if ok, err := Seed(context.Background(), store); err != nil || !ok {
		t.Fatalf("Seed on an empty database = %v, %v; want true, nil", ok, err)
	}
	return store
}

func export(t *testing.T, store *db.DB) fleet.Document {
	t.Helper()
	doc, err := store.ExportFleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	store := seeded(t)
	doc := export(t, store)

	t.Run("three regions", func(t *testing.T) {
		var got []string
		for _, r := range doc.Regions {
			got = append(got, r.ID)
		}
		if want := []string{"cn-hangzhou", "cn-shanghai", "eu-central-1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("regions = %v, want %v", got, want)
		}
	})

	t.Run("15 load balancers, exactly one locked and one inactive", func(t *testing.T) {
		byStatus := map[lb.LBStatus][]string{}
		for _, l := range doc.LoadBalancers {
			byStatus[l.Status] = append(byStatus[l.Status], l.Name)
		}
		if len(doc.LoadBalancers) != 15 || !reflect.DeepEqual(byStatus[lb.LBLocked], []string{"checkout-hz"}) ||
			!reflect.DeepEqual(byStatus[lb.LBInactive], []string{"static-assets-sh"}) {
			t.Errorf("%d load balancers, by status %v; want 15, checkout-hz locked, static-assets-sh inactive", len(doc.LoadBalancers), byStatus)
		}
	})

	t.Run("480 servers, some stopped and some of those members", func(t *testing.T) {
		stopped := map[string]bool{}
		for _, s := range doc.Servers {
			if s.Status == lb.StatusStopped {
				stopped[s.ID] = true
			}
		}
		stoppedMembers := 0
		for _, l := range doc.LoadBalancers {
			for _, g := range l.Groups {
				for _, m := range *g.Members {
					if stopped[m.Server] {
						stoppedMembers++
					}
				}
			}
		}
		if len(doc.Servers) != 480 || len(stopped) == 0 || stoppedMembers == 0 {
			t.Errorf("%d servers, %d stopped, %d members on stopped servers; want 480, some, some", len(doc.Servers), len(stopped), stoppedMembers)
		}
	})

	t.Run("each load balancer has a default list and 2 to 4 VServer groups, one group 263 members", func(t *testing.T) {
		biggest := 0
		for _, l := range doc.LoadBalancers {
			kinds := map[lb.GroupKind]int{}
			for _, g := range l.Groups {
				kinds[g.Kind]++
				biggest = max(biggest, len(*g.Members))
			}
			if kinds[lb.KindDefault] != 1 || kinds[lb.KindVServer] < 2 || kinds[lb.KindVServer] > 4 {
				t.Errorf("%s: group kinds %v, want 1 default and 2-4 vserver", l.Name, kinds)
			}
		}
		if biggest != 263 {
			t.Errorf("the biggest group has %d members, want 263", biggest)
		}
	})

	t.Run("the database holds exactly the demo fleet", func(t *testing.T) {
		if want := exported(Fleet()); !reflect.DeepEqual(doc, want) {
			t.Errorf("the export differs from the demo fleet")
		}
	})

	t.Run("seeding writes no audit entry", func(t *testing.T) {
		page, err := store.ListAudit(ctx, db.AuditFilter{})
		if err != nil || page.Total != 0 {
			t.Errorf("audit entries after seeding: %d (%v), want 0", page.Total, err)
		}
	})

	t.Run("seeding again reports false and changes nothing", func(t *testing.T) {
		if ok, err := Seed(ctx, store); err != nil || ok {
			t.Fatalf("second Seed = %v, %v; want false, nil", ok, err)
		}
		if again := export(t, store); !reflect.DeepEqual(again, doc) {
			t.Error("a second Seed changed the fleet")
		}
	})

	t.Run("two fresh databases get the same fleet", func(t *testing.T) {
		if other := export(t, seeded(t)); !reflect.DeepEqual(other, doc) {
			t.Error("two seeded databases differ")
		}
	})
}

// A database that holds anything is not seeded, not even a region.
func TestSeedLeavesADatabaseWithDataAlone(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	if _, err := store.PutRegion(ctx, db.Origin{Actor: "test"}, fleet.Region{ID: "eu-west-1", Name: "Europe West"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := Seed(ctx, store); err != nil || ok {
		t.Fatalf("Seed = %v, %v; want false, nil", ok, err)
	}
	if doc := export(t, store); len(doc.Regions) != 1 || len(doc.LoadBalancers) != 0 {
		t.Errorf("after a refused seed: %d regions, %d load balancers; want 1, 0", len(doc.Regions), len(doc.LoadBalancers))
	}
}

// exported is doc as the store exports it: every member with its server's address.
func exported(doc fleet.Document) fleet.Document {
	addr := map[string]string{}
	for _, s := range doc.Servers {
		addr[s.ID] = s.Address
	}
	for i := range doc.LoadBalancers {
		for j := range doc.LoadBalancers[i].Groups {
			for k := range *doc.LoadBalancers[i].Groups[j].Members {
				m := &(*doc.LoadBalancers[i].Groups[j].Members)[k]
				m.Address = addr[m.Server]
			}
		}
	}
	return fleet.Sorted(doc)
}
