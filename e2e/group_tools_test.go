package e2e

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lbconsole/lb"
)

// The group page's table sorts by server, address, port and weight, from a column's header: a
// second click sorts the other way, the address keeps the sort, and a filter keeps it too.
func TestGroupTableSortsByItsColumns(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.bigGroup()
		members := e.members(g.ID)
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		sortBy := func(t *testing.T, p *tab, key, dir string) {
			t.Helper()
			p.markOld(memberRowSel)
			p.click(`[data-testid=sort-` + key + `]`)
			p.waitUntil("the table is sorted by "+key, fmt.Sprintf(`new URLSearchParams(location.search).get("sort") === %s && (new URLSearchParams(location.search).get("dir") || "asc") === %s && !document.querySelector(%s)`,
				js(key), js(dir), js(memberRowSel+`[data-e2e-old]`)))
			p.settled()
		}
		want := func(by func(a, b lb.Member) int) []string {
			ms := make([]lb.Member, 0, len(members))
			for _, m := range members {
				ms = append(ms, m)
			}
			slices.SortStableFunc(ms, func(a, b lb.Member) int {
				return cmp.Or(by(a, b), cmp.Compare(a.ServerID, b.ServerID), cmp.Compare(a.Address, b.Address), cmp.Compare(a.Port, b.Port))
			})
			var out []string
			for _, m := range ms {
				out = append(out, strconv.Itoa(m.Weight)+" "+m.Address)
			}
			return out
		}
		shown := func(p *tab) []string {
			return evalAs[[]string](p, `Array.from(document.querySelectorAll("tr[data-testid=member-row]"), r => r.dataset.weight + " " + r.dataset.address)`)
		}
		byWeight := func(a, b lb.Member) int { return cmp.Compare(a.Weight, b.Weight) }
		t.Run("weight, lightest first, then heaviest first", func(t *testing.T) {
			p := p.on(t)
			sortBy(t, p, "weight", "asc")
			if got := shown(p); !slices.Equal(got, want(byWeight)) {
				t.Errorf("sorted by weight the table starts %v", got[:min(5, len(got))])
			}
			if got := p.attrs(`th[aria-sort=ascending] a`, "data-testid"); !slices.Equal(got, []string{"sort-weight"}) {
				t.Errorf("the header says the sort is %v", got)
			}
			sortBy(t, p, "weight", "desc")
			if got := shown(p); !slices.Equal(got, want(func(a, b lb.Member) int { return byWeight(b, a) })) {
				t.Errorf("sorted by weight, heaviest first, the table starts %v", got[:min(5, len(got))])
			}
		})
		t.Run("address, as addresses", func(t *testing.T) {
			p := p.on(t)
			sortBy(t, p, "address", "asc")
			got := shown(p)
			if !slices.Equal(got, want(func(a, b lb.Member) int {
				return netip.MustParseAddr(a.Address).Compare(netip.MustParseAddr(b.Address))
			})) {
				t.Errorf("sorted by address the table starts %v", got[:min(5, len(got))])
			}
		})
		t.Run("a filter keeps the sort", func(t *testing.T) {
			p := p.on(t)
			sortBy(t, p, "weight", "asc")
			p.typeInto(`[data-testid=filter-q]`, "10.")
			p.waitUntil("the filter is in the address", `new URLSearchParams(location.search).get("q") === "10."`)
			p.settled()
			if got := p.location().Query().Get("sort"); got != "weight" {
				t.Errorf("after filtering the address sorts by %q, want weight", got)
			}
		})
	})
}

// The weight filter takes a range: from, to, or both.
func TestGroupFilterByWeightRange(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.bigGroup()
		var light []string
		for id, m := range e.members(g.ID) {
			if m.Weight <= 50 {
				light = append(light, id)
			}
		}
		if len(light) == 0 {
			t.Fatal("no member of the group weighs 50 or less")
		}
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		p.typeInto(`[data-testid=filter-weight-max]`, "50")
		p.waitUntil("the table shows the light servers", fmt.Sprintf(`document.querySelectorAll(%s).length === %d`, js(memberRowSel), len(light)))
		if got := sorted(p.rowIDs()); !slices.Equal(got, sorted(light)) {
			t.Errorf("weights up to 50 show %d rows, want %d", len(got), len(light))
		}
		if got := p.location().Query().Get("weight_max"); got != "50" {
			t.Errorf("the address says weight_max=%q", got)
		}
	})
}

// A pasted list of server ids and addresses selects their rows, and says what it could not find.
func TestPasteAListToSelect(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		a, b := p.memberFor(2, before), p.memberFor(4, before)
		p.click(`details[data-testid=paste-select] > summary`)
		list := a.ServerID + "\n" + b.Address + ":" + strconv.Itoa(b.Port) + ", 10.255.255.254"
		p.typeInto(`[data-testid=paste-list]`, list)
		p.click(`[data-testid=paste-select-button]`)
		p.selectedCount("2 servers selected")
		if got := p.checkedIDs(); !slices.Equal(sorted(got), sorted([]string{a.ID, b.ID})) {
			t.Errorf("the list selected %v, want %s and %s", got, a.ID, b.ID)
		}
		if got := p.text(`[data-testid=paste-result]`); !strings.Contains(got, "Selected 2 servers") || !strings.Contains(got, "10.255.255.254") {
			t.Errorf("the picker says %q, want 2 selected and 10.255.255.254 not found", got)
		}
	})
}
