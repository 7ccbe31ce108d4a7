package db

import (
	"context"
	"slices"
	"testing"

	"lbconsole/lb"
)

// TestServerPagesMatchTheSortedList: pages read region by region through the name index hold
// exactly the servers, in the order, that sorting the whole filtered inventory gives, with the
// same total, for every filter and page size, pages past the end included.
func TestServerPagesMatchTheSortedList(t *testing.T) {
	t.Parallel()
	d, _ := seededDB(t, Options{})
	ctx := context.Background()
	regions, err := d.ListRegions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	filters := []ServerFilter{{}, {Status: lb.StatusStopped}, {Status: lb.StatusRunning}, {Region: regions[len(regions)-1].ID},
		{Region: regions[0].ID, Status: lb.StatusRunning}, {Region: "no-such-region"}}
	for _, f := range filters {
		all, err := d.ListServers(ctx, f) // no limit: one sorted query over the whole inventory
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{13, 1000} {
			var got []lb.Server
			for off := 0; off <= len(all.Items)+size; off += size {
				f.Offset, f.Limit = off, size
				page, err := d.ListServers(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != all.Total {
					t.Fatalf("%+v: total %d; the whole list has %d", f, page.Total, all.Total)
				}
				got = append(got, page.Items...)
			}
			if !slices.EqualFunc(got, all.Items, func(a, b lb.Server) bool { return a == b }) {
				t.Errorf("%+v, pages of %d: %d servers paged; the sorted list has %d, or another order", f, size, len(got), len(all.Items))
			}
		}
	}
}
