package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// searchPicker types into the picker's search and waits until it lists the answer to the whole
// text.
func (p *tab) searchPicker(text string) {
	p.t.Helper()
	if !evalAs[bool](p, `document.querySelector("details[data-testid=picker]").open`) {
		p.click(`details[data-testid=picker] > summary`)
	}
	p.typeInto(`[data-testid=picker-search]`, text)
	p.waitUntil("the picker lists the servers matching "+text, fmt.Sprintf(
		`document.querySelector("#candidates caption")?.textContent.trim() === %s`, js("Servers matching "+text)))
	p.settled()
}

// memberOnARunningServer returns the group's first member (by id) whose server is running: a
// stopped server cannot be picked, and the picker says that instead of the port it holds.
func memberOnARunningServer(e *env, g lb.Group) lb.Member {
	e.t.Helper()
	ms := e.members(g.ID)
	ids := keys(ms)
	slices.Sort(ids)
	for _, id := range ids {
		s, err := e.store.GetServer(e.ctx, ms[id].ServerID)
		if err != nil {
			e.t.Fatalf("GetServer(%s): %v", ms[id].ServerID, err)
		}
		if s.Status == lb.StatusRunning {
			return ms[id]
		}
	}
	e.t.Fatalf("group %s has no member on a running server", g.ID)
	return lb.Member{}
}

func candidateSel(id string) string {
	return fmt.Sprintf(`#candidates tr[data-testid=candidate-row][data-server-id=%q]`, id)
}

// Bug 5: the picker offered servers that were already members (refused only at preview), let
// one server be picked twice, and stopped at 25 results without saying there were more.
func TestPickerOffersWhatCanJoinOnce(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		member := memberOnARunningServer(e, g)
		server := runningOutside(e, l, g)
		var list lb.Group // the load balancer's default server list
		for _, gs := range e.groups(l.ID) {
			if gs.Kind == lb.KindDefault && gs.Members > 0 {
				list = gs.Group
			}
		}
		if list.ID == "" {
			t.Fatalf("load balancer %s has no default server list with servers", l.ID)
		}
		listed := firstMember(e.members(list.ID))
		p := e.signedInAt(operatorUser, s)

		t.Run("a server of the default list cannot be picked for it again", func(t *testing.T) {
			p := p.on(t)
			p.openGroup(l, list)
			p.searchPicker(listed.ServerID)
			row := candidateSel(listed.ServerID)
			p.waitVisible(row)
			if p.exists(row + ` [data-testid=pick]`) {
				t.Errorf("%s, already in the list, has a Pick button", listed.ServerID)
			}
			if got := p.text(row + ` [data-testid=not-pickable]`); !strings.Contains(got, "already in this list") {
				t.Errorf("the picker says %q of %s, want that it is already in this list", got, listed.ServerID)
			}
		})
		p.openGroup(l, g)
		t.Run("a member of a VServer group says which port it holds", func(t *testing.T) {
			p := p.on(t)
			p.searchPicker(member.ServerID)
			row := candidateSel(member.ServerID)
			want := "in this group on port " + strconv.Itoa(member.Port)
			if got := p.text(row + ` [data-testid=in-group]`); got != want {
				t.Errorf("the picker says %q of %s, want %q", got, member.ServerID, want)
			}
			p.click(row + ` [data-testid=pick]`)
			picked := fmt.Sprintf(`#new-server-rows tr[data-server-id=%q] [data-testid=picked-port]`, member.ServerID)
			p.waitVisible(picked)
			if got := evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).value`, js(picked))); got == strconv.Itoa(member.Port) {
				t.Errorf("the picked row offers port %s, which %s holds already", got, member.ServerID)
			}
			p.click(fmt.Sprintf(`#new-server-rows tr[data-server-id=%q] [data-remove-row]`, member.ServerID))
		})
		t.Run("a server is picked once", func(t *testing.T) {
			p := p.on(t)
			p.pickServer(server.ID)
			pick := candidateSel(server.ID) + ` [data-testid=pick]`
			p.waitUntil("the Pick button says Picked", fmt.Sprintf(`document.querySelector(%s).disabled`, js(pick)))
			p.eval(fmt.Sprintf(`(document.querySelector(%s).click(), true)`, js(pick)))
			p.settled()
			if n := p.count(fmt.Sprintf(`#new-server-rows tr[data-server-id=%q]`, server.ID)); n != 1 {
				t.Errorf("%s is picked %d times", server.ID, n)
			}
			if got := p.text(`[data-testid=picked-count]`); got != "1" {
				t.Errorf("the picker says %s picked, want 1", got)
			}
		})
		t.Run("the picker says how many more servers match than it lists", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			page, err := e.store.ListServers(e.ctx, db.ServerFilter{Query: "-", Region: l.RegionID, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total <= 25 {
				t.Fatalf("only %d servers of %s match: want more than the picker lists", page.Total, l.RegionID)
			}
			p.searchPicker("-")
			listed := p.count(`#candidates tr[data-testid=candidate-row]`)
			want := fmt.Sprintf("%d more servers match", page.Total-listed)
			if got := p.text(`[data-testid=candidates-more]`); !strings.Contains(got, want) {
				t.Errorf("under %d servers the picker says %q, want %q", listed, got, want)
			}
		})
	})
}

// Bug 11: replacing 2 servers with 2 said "Replaced 4 servers", and the servers added from the
// inventory came without a description. The message says how many were replaced by how many,
// and a picked server's description starts as its name in the inventory.
func TestReplaceSaysWhatItDidAndKeepsDescriptions(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		before := e.members(g.ID)
		inGroup := map[string]bool{}
		for _, m := range before {
			inGroup[m.ServerID] = true
		}
		page, err := e.store.ListServers(e.ctx, db.ServerFilter{Region: l.RegionID, Status: lb.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		var fresh []lb.Server
		for _, sv := range page.Items {
			if sv.VpcID == l.VpcID && !inGroup[sv.ID] && len(fresh) < 2 {
				fresh = append(fresh, sv)
			}
		}
		if len(fresh) < 2 {
			t.Fatalf("fewer than 2 running servers outside the group in %s", l.VpcID)
		}
		p := e.signedInAt(operatorUser, s)
		p.openGroup(l, g)
		for _, sv := range fresh {
			p.pickServer(sv.ID)
		}
		old := []lb.Member{p.memberFor(1, before), p.memberFor(2, before)}
		p.checkRow(1)
		p.checkRow(2)
		p.preview("replace")
		if got, want := p.previewTitle(), "Replace 2 servers with 2"; got != want {
			t.Errorf("the preview's title is %q, want %q", got, want)
		}
		status, msg := p.apply()
		if status != 200 {
			t.Fatalf("the replacement answered %d: %s", status, msg)
		}
		if !strings.HasPrefix(msg, "Replaced 2 servers with 2:") {
			t.Errorf("the message says %q, want it to start \"Replaced 2 servers with 2:\"", msg)
		}
		for _, m := range old {
			if !strings.Contains(msg, memberLabel(m)) {
				t.Errorf("the message %q does not name %s", msg, memberLabel(m))
			}
		}
		now := e.members(g.ID)
		for _, sv := range fresh {
			for _, m := range now {
				if m.ServerID == sv.ID && m.Description != sv.Name {
					t.Errorf("%s joined with the description %q, want its name %q", sv.ID, m.Description, sv.Name)
				}
			}
		}
	})
}
