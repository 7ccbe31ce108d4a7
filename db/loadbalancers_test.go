package db

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"lbconsole/lb"
)

func lbIDs(items []LBSummary) []string {
	out := []string{}
	for _, l := range items {
		out = append(out, l.ID)
	}
	sort.Strings(out)
	return out
}

func TestListLoadBalancersSearch(t *testing.T) {
	ctx := context.Background()
	d, _ := seededDB(t, Options{})
	all, err := d.ListLoadBalancers(ctx, LBFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// The load balancers for which keep is true, as the expected answer.
	where := func(keep func(LBSummary) bool) []string {
		var out []LBSummary
		for _, l := range all.Items {
			if keep(l) {
				out = append(out, l)
			}
		}
		return lbIDs(out)
	}
	one := all.Items[3]
	// A server that sits behind only a few load balancers, found through a small group.
	small := smallGroup(t, d)
	server := members(t, d, small.Group.ID)[0].ServerID
	behind := map[string]bool{}
	for _, l := range all.Items {
		groups, err := d.ListGroups(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			for _, m := range members(t, d, g.ID) {
				if m.ServerID == server {
					behind[l.ID] = true
				}
			}
		}
	}

	if len(behind) == 0 {
		t.Fatalf("server %s is behind no load balancer", server)
	}

	cases := []struct {
		name   string
		filter LBFilter
		want   []string
		none   bool // no match is the point of the case
	}{
		{"a name substring", LBFilter{Query: "checkout"}, where(func(l LBSummary) bool { return strings.Contains(l.Name, "checkout") }), false},
		{"a name substring, ignoring surrounding spaces", LBFilter{Query: "  api-gateway "}, where(func(l LBSummary) bool { return strings.Contains(l.Name, "api-gateway") }), false},
		{"a load balancer id", LBFilter{Query: one.ID}, []string{one.ID}, false},
		{"an address", LBFilter{Query: one.Address}, where(func(l LBSummary) bool { return strings.Contains(l.Address, one.Address) }), false},
		{"the id of a server behind it", LBFilter{Query: server}, where(func(l LBSummary) bool { return behind[l.ID] }), false},
		{"a part of a server id matches nothing", LBFilter{Query: server[:len(server)-3]}, []string{}, true},
		{"a region", LBFilter{Region: "cn-shanghai"}, where(func(l LBSummary) bool { return l.RegionID == "cn-shanghai" }), false},
		{"a status", LBFilter{Status: lb.LBLocked}, where(func(l LBSummary) bool { return l.Status == lb.LBLocked }), false},
		{"a region and a query", LBFilter{Region: "eu-central-1", Query: "web"}, where(func(l LBSummary) bool {
			return l.RegionID == "eu-central-1" && strings.Contains(l.Name, "web")
		}), false},
		{"% is a literal character", LBFilter{Query: "%"}, []string{}, true},
		{"_ is a literal character", LBFilter{Query: "_"}, []string{}, true},
		{"a backslash is a literal character", LBFilter{Query: `\`}, []string{}, true},
		{"an unknown region", LBFilter{Region: "mars-north-1"}, []string{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.want) == 0 && !tc.none {
				t.Fatal("the expected answer is empty: the demo data no longer fits this case")
			}
			page, err := d.ListLoadBalancers(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := lbIDs(page.Items); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
			if page.Total != len(tc.want) {
				t.Errorf("Total = %d, want %d", page.Total, len(tc.want))
			}
		})
	}

	t.Run("pages follow each other and Total counts every match", func(t *testing.T) {
		var got []string
		for offset := 0; offset < all.Total; offset += 4 {
			page, err := d.ListLoadBalancers(ctx, LBFilter{Offset: offset, Limit: 4})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != all.Total {
				t.Errorf("offset %d: Total = %d, want %d", offset, page.Total, all.Total)
			}
			if want := min(4, all.Total-offset); len(page.Items) != want {
				t.Errorf("offset %d: %d items, want %d", offset, len(page.Items), want)
			}
			for _, l := range page.Items {
				got = append(got, l.ID)
			}
		}
		var want []string
		for _, l := range all.Items {
			want = append(want, l.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages joined = %v, want %v", got, want)
		}
	})

	t.Run("a page past the end is empty but keeps Total", func(t *testing.T) {
		page, err := d.ListLoadBalancers(ctx, LBFilter{Offset: all.Total, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 0 || page.Total != all.Total {
			t.Errorf("%d items, Total %d; want 0, %d", len(page.Items), page.Total, all.Total)
		}
	})

	t.Run("the list is ordered by region then name", func(t *testing.T) {
		sorted := sort.SliceIsSorted(all.Items, func(i, j int) bool {
			a, b := all.Items[i], all.Items[j]
			if a.RegionID != b.RegionID {
				return a.RegionID < b.RegionID
			}
			return a.Name < b.Name
		})
		if !sorted {
			t.Error("load balancers are not ordered by region and name")
		}
	})

	t.Run("GetLoadBalancer of an unknown id is not found", func(t *testing.T) {
		if _, err := d.GetLoadBalancer(ctx, "lb-nope"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetLoadBalancer(lb-nope) = %v, want not found", err)
		}
	})
}
