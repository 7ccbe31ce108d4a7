package db

import (
	"context"
	"reflect"
	"testing"

	"lbconsole/lb"
)

// tableCounts counts the rows of every table the demo writes.
func tableCounts(t *testing.T, d *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"regions", "vpcs", "subnets", "servers", "load_balancers", "groups", "members"} {
		out[table] = count(t, d, "SELECT count(*) FROM "+table)
	}
	return out
}

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	d, _ := emptyDB(t, Options{})
	seeded, err := d.SeedDemo(ctx)
	if err != nil || !seeded {
		t.Fatalf("SeedDemo on an empty database = %v, %v; want true, nil", seeded, err)
	}

	t.Run("three regions", func(t *testing.T) {
		regions, err := d.ListRegions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range regions {
			got = append(got, r.ID)
		}
		want := []string{"cn-hangzhou", "cn-shanghai", "eu-central-1"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("regions = %v, want %v", got, want)
		}
	})

	page, err := d.ListLoadBalancers(ctx, LBFilter{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("at least 12 load balancers, exactly one locked and one inactive", func(t *testing.T) {
		if page.Total < 12 || len(page.Items) != page.Total {
			t.Errorf("load balancers: %d listed, Total %d; want at least 12, all listed", len(page.Items), page.Total)
		}
		byStatus := map[lb.LBStatus]int{}
		for _, l := range page.Items {
			byStatus[l.Status]++
		}
		if byStatus[lb.LBLocked] != 1 || byStatus[lb.LBInactive] != 1 {
			t.Errorf("statuses = %v, want exactly 1 locked and 1 inactive", byStatus)
		}
	})

	t.Run("at least 400 servers, some stopped", func(t *testing.T) {
		total := count(t, d, "SELECT count(*) FROM servers")
		stopped := count(t, d, "SELECT count(*) FROM servers WHERE status = 'Stopped'")
		if total < 400 {
			t.Errorf("servers = %d, want at least 400", total)
		}
		if stopped == 0 || stopped == total {
			t.Errorf("stopped servers = %d of %d, want some but not all", stopped, total)
		}
	})

	t.Run("each load balancer has a default list and 2 to 4 VServer groups", func(t *testing.T) {
		for _, l := range page.Items {
			groups, err := d.ListGroups(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[lb.GroupKind]int{}
			for _, g := range groups {
				kinds[g.Kind]++
			}
			if kinds[lb.KindDefault] != 1 || kinds[lb.KindVServer] < 2 || kinds[lb.KindVServer] > 4 {
				t.Errorf("%s (%s): group kinds = %v, want 1 default and 2-4 vserver", l.ID, l.Name, kinds)
			}
			if len(groups) > 0 && groups[0].Kind != lb.KindDefault {
				t.Errorf("%s: first group is %s, want the default list first", l.ID, groups[0].Kind)
			}
			if l.Groups != kinds[lb.KindVServer] {
				t.Errorf("%s: summary says %d VServer groups, ListGroups has %d", l.ID, l.Groups, kinds[lb.KindVServer])
			}
		}
	})

	t.Run("one group has at least 250 members", func(t *testing.T) {
		big := bigGroup(t, d)
		if got := len(members(t, d, big.Group.ID)); got != big.Group.Members || got < 250 {
			t.Errorf("big group %s: ListMembers has %d, summary %d; want the same, at least 250", big.Group.ID, got, big.Group.Members)
		}
	})

	t.Run("seeding again reports false and changes nothing", func(t *testing.T) {
		before := tableCounts(t, d)
		seeded, err := d.SeedDemo(ctx)
		if err != nil || seeded {
			t.Fatalf("second SeedDemo = %v, %v; want false, nil", seeded, err)
		}
		if after := tableCounts(t, d); !reflect.DeepEqual(after, before) {
			t.Errorf("rows after a second SeedDemo = %v, want %v", after, before)
		}
	})

	t.Run("two fresh databases get the same ids", func(t *testing.T) {
		other, _ := emptyDB(t, Options{})
		if _, err := other.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		otherPage, err := other.ListLoadBalancers(ctx, LBFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(otherPage, page) {
			t.Errorf("load balancers differ between two seeded databases:\n got %+v\nwant %+v", otherPage.Items, page.Items)
		}
		big, otherBig := bigGroup(t, d), bigGroup(t, other)
		if got, want := memberIDs(members(t, other, otherBig.Group.ID)), memberIDs(members(t, d, big.Group.ID)); otherBig.Group.ID != big.Group.ID || !reflect.DeepEqual(got, want) {
			t.Errorf("big group %s with %d member ids, want %s with the same ids as the first database", otherBig.Group.ID, len(got), big.Group.ID)
		}
	})
}
