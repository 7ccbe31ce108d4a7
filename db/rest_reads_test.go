package db

import (
	"context"
	"slices"
	"testing"

	"lbconsole/lb"
)

func TestListPools(t *testing.T) {
	d, _ := seededDB(t, Options{})
	ctx := context.Background()
	a := smallGroup(t, d)
	b := smallGroup(t, d, a.LB.ID)
	groupsOf := func(lbID string) (ids []string) {
		gs, err := d.ListGroups(ctx, lbID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.Kind == lb.KindVServer {
				ids = append(ids, g.ID)
			}
		}
		return ids
	}
	ids := func(ps []PoolMembers) (out []string) {
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	t.Run("ByIDWithItsMembersInListOrder", func(t *testing.T) {
		got, err := d.ListPools(ctx, PoolSelect{IDs: []string{a.Group.ID}})
		if err != nil || len(got) != 1 || got[0].Group != a.Group.Group {
			t.Fatalf("ListPools(id) = %+v, %v; want %+v", got, err, a.Group.Group)
		}
		var want []string
		for _, m := range members(t, d, a.Group.ID) {
			want = append(want, m.ID)
		}
		if !slices.Equal(got[0].MemberIDs, want) {
			t.Errorf("member ids = %v; want %v", got[0].MemberIDs, want)
		}
	})
	t.Run("ByLoadBalancerLeavesOutTheDefaultList", func(t *testing.T) {
		got, err := d.ListPools(ctx, PoolSelect{LoadBalancerIDs: []string{a.LB.ID, b.LB.ID}})
		want := append(groupsOf(a.LB.ID), groupsOf(b.LB.ID)...)
		if err != nil || !slices.Equal(sorted(ids(got)), sorted(want)) {
			t.Errorf("ListPools(two load balancers) = %v, %v; want %v", ids(got), err, want)
		}
	})
	t.Run("ConditionsAllApply", func(t *testing.T) {
		got, err := d.ListPools(ctx, PoolSelect{Names: []string{a.Group.Name}, LoadBalancerIDs: []string{a.LB.ID}})
		if err != nil || !slices.Equal(ids(got), []string{a.Group.ID}) {
			t.Errorf("ListPools(name, load balancer) = %v, %v; want [%s]", ids(got), err, a.Group.ID)
		}
	})
	t.Run("NoMatchIsEmpty", func(t *testing.T) {
		got, err := d.ListPools(ctx, PoolSelect{IDs: []string{a.LB.ID + "-default", "rsp-nosuch"}})
		if err != nil || len(got) != 0 {
			t.Errorf("ListPools(unknown ids) = %v, %v; want none", ids(got), err)
		}
	})
	t.Run("EverythingWithoutConditions", func(t *testing.T) {
		got, err := d.ListPools(ctx, PoolSelect{})
		if err != nil || count(t, d, "SELECT count(*) FROM groups WHERE kind = 'vserver'") != len(got) {
			t.Errorf("ListPools() = %d pools, %v", len(got), err)
		}
	})
}

func TestListLoadBalancerPools(t *testing.T) {
	d, _ := seededDB(t, Options{})
	ctx := context.Background()
	a := smallGroup(t, d)
	got, err := d.ListLoadBalancerPools(ctx, LBSelect{Names: []string{a.LB.Name}})
	if err != nil || len(got) != 1 || got[0].LoadBalancer != a.LB {
		t.Fatalf("ListLoadBalancerPools(name) = %+v, %v; want %s", got, err, a.LB.ID)
	}
	gs, err := d.ListGroups(ctx, a.LB.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, g := range gs {
		if g.Kind == lb.KindVServer {
			want = append(want, g.ID)
		}
	}
	if !slices.Equal(got[0].PoolIDs, want) || len(want) == 0 {
		t.Errorf("pool ids = %v; want the VServer groups %v", got[0].PoolIDs, want)
	}
	all, err := d.ListLoadBalancerPools(ctx, LBSelect{})
	if err != nil || len(all) != count(t, d, "SELECT count(*) FROM load_balancers") {
		t.Errorf("ListLoadBalancerPools() = %d, %v", len(all), err)
	}
	none, err := d.ListLoadBalancerPools(ctx, LBSelect{IDs: []string{a.LB.ID}, Names: []string{"not " + a.LB.Name}})
	if err != nil || len(none) != 0 {
		t.Errorf("an id with another name's = %v, %v; want none", none, err)
	}
}
