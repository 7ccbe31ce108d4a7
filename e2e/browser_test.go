package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"lbconsole/db"
	"lbconsole/lb"
)

const (
	lbRowSel    = `tr[data-testid=lb-row]`
	auditRowSel = `tr[data-testid=audit-row]`
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("a wrong password shows an error and opens nothing", func(t *testing.T) {
		p := e.on(t).newTab()
		p.signIn(operatorUser, "not-the-password")
		p.waitVisible(`[data-testid=login-error]`)
		if got := p.location().Path; got != "/login" {
			t.Errorf("after a wrong password the tab is at %s, want /login", got)
		}
		if p.exists(lbRowSel) {
			t.Error("a wrong password shows load balancers")
		}
		// Without a session the list sends the browser back to sign in.
		p.open("/lbs")
		p.waitVisible(`form[data-testid=login-form]`)
		if p.exists(lbRowSel) {
			t.Error("/lbs shows load balancers to a browser that is not signed in")
		}
	})

	t.Run("the right password lands on the load balancer list", func(t *testing.T) {
		e := e.on(t)
		p := e.newTab()
		p.signIn(operatorUser, password)
		p.waitVisible(lbRowSel)
		if got := p.location().Path; got != "/lbs" {
			t.Errorf("after signing in the tab is at %s, want /lbs", got)
		}
		if got, want := p.count(lbRowSel), len(e.loadBalancers()); got != want {
			t.Errorf("the list shows %d load balancers, want all %d", got, want)
		}
		if got := p.text(`[data-testid=whoami]`); !strings.Contains(got, operatorUser) {
			t.Errorf("the top bar says %q, want the user's name %q", got, operatorUser)
		}
	})
}

func TestLiveSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.signedIn(viewerUser)
	page, err := e.store.ListLoadBalancers(e.ctx, db.LBFilter{Query: "checkout"})
	if err != nil || page.Total == 0 || page.Total >= len(e.loadBalancers()) {
		t.Fatalf("ListLoadBalancers(checkout) = %d, %v; want some but not all", page.Total, err)
	}
	var want []string
	for _, l := range page.Items {
		want = append(want, l.ID)
	}

	// A page load would drop this; an htmx swap keeps it.
	p.eval(`(window.e2eSamePage = true)`)
	p.typeInto(`[data-testid=lb-search]`, "checkout")
	p.waitUntil("the list narrows to the matches",
		fmt.Sprintf(`document.querySelectorAll(%s).length === %d`, js(lbRowSel), len(want)))

	t.Run("only the matching load balancers are listed", func(t *testing.T) {
		p := p.on(t)
		if got := p.attrs(lbRowSel, "data-id"); !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("rows %v, want %v", got, want)
		}
		for _, name := range p.texts(lbRowSel + ` td:first-child`) {
			if !strings.Contains(name, "checkout") {
				t.Errorf("row %q does not match the search", name)
			}
		}
	})
	t.Run("the page was not reloaded", func(t *testing.T) {
		if !evalAs[bool](p.on(t), `window.e2eSamePage === true`) {
			t.Error("the search reloaded the whole page")
		}
	})
	t.Run("the address bar keeps the search", func(t *testing.T) {
		p := p.on(t)
		p.waitUntil("the address has ?q=checkout", `new URLSearchParams(location.search).get("q") === "checkout"`)
	})
}

func TestShiftClickSelectsARange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.bigGroup()
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	ids := p.rowIDs()
	if want := len(e.members(g.ID)); len(ids) != want {
		t.Fatalf("the page shows %d rows, want all %d members", len(ids), want)
	}

	step(t, "shift-click selects the rows between two clicks", func(t *testing.T) {
		p := p.on(t)
		p.checkRow(2)
		p.shiftClick(rowSel(6) + ` input[name=member]`)
		p.waitUntil("the count says 5", `document.querySelector("[data-testid=selected-count]").innerText.trim() === "5 servers selected"`)
		if got, want := p.checkedIDs(), ids[1:6]; !slices.Equal(got, want) {
			t.Errorf("checked %v, want rows 2 to 6 %v", got, want)
		}
	})
	t.Run("select all ticks every row shown", func(t *testing.T) {
		p := p.on(t)
		p.click(`[data-testid=select-all]`)
		want := fmt.Sprintf("%d servers selected", len(ids))
		p.waitUntil("the count says "+want,
			fmt.Sprintf(`document.querySelector("[data-testid=selected-count]").innerText.trim() === %s`, js(want)))
		if got := p.checkedIDs(); !slices.Equal(got, ids) {
			t.Errorf("%d of %d rows are checked", len(got), len(ids))
		}
		// More than one batch may hold: the page says so before anything is sent.
		if len(ids) > lb.MaxConsoleEntries {
			if got := p.text(`[data-testid=selection-warning]`); !strings.Contains(got, strconv.Itoa(lb.MaxConsoleEntries)) {
				t.Errorf("the selection warning says %q, want the limit %d", got, lb.MaxConsoleEntries)
			}
			if !evalAs[bool](p, `document.querySelector("[data-testid=op-remove]").disabled`) {
				t.Errorf("Remove stays enabled with %d servers selected", len(ids))
			}
		}
	})
}

func TestRemoveWithPreview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	var chosen []lb.Member
	for n := 1; n <= 3; n++ {
		p.checkRow(n)
		chosen = append(chosen, p.memberFor(n, before))
	}

	step(t, "the preview lists the 3 servers and changes nothing", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.preview("remove")
		if got := p.text(previewSel + ` h2`); got != "Remove 3 servers" {
			t.Errorf("the preview's title is %q", got)
		}
		got := p.attrs(previewSel+` [data-testid=diff-removed]`, "data-server-id")
		var want []string
		for _, m := range chosen {
			want = append(want, m.ServerID)
		}
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("the preview removes %v, want %v", got, want)
		}
		if now := e.members(g.ID); len(now) != len(before) {
			t.Errorf("the preview changed the group: %d members, was %d", len(now), len(before))
		}
		if v := e.group(l, g).Version; v != g.Version {
			t.Errorf("the preview moved the group to version %d", v)
		}
	})
	step(t, "apply removes them and says which", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		status, msg := p.apply()
		if status != 200 {
			t.Errorf("apply answered %d, want 200", status)
		}
		for _, m := range chosen {
			if !strings.Contains(msg, memberLabel(m)) {
				t.Errorf("the message %q does not name %s", msg, memberLabel(m))
			}
			if p.exists(memberSel(m.ID)) {
				t.Errorf("the table still shows %s", memberLabel(m))
			}
			if _, ok := e.members(g.ID)[m.ID]; ok {
				t.Errorf("the database still holds %s", memberLabel(m))
			}
		}
		if got, want := len(p.rowIDs()), len(before)-3; got != want {
			t.Errorf("the table shows %d rows, want %d", got, want)
		}
		p.waitGone(previewSel)
	})
	t.Run("the audit log shows the removal", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		entry := e.newestAudit()
		p.open("/audit")
		p.waitVisible(auditRowSel)
		first := auditRowSel + `:first-child`
		if got := p.attrs(first, "data-seq"); len(got) != 1 || got[0] != strconv.FormatInt(entry.Seq, 10) {
			t.Errorf("the newest row is entry %v, want %d", got, entry.Seq)
		}
		row := p.text(first)
		for _, want := range []string{"remove", operatorUser, l.ID, g.ID} {
			if !strings.Contains(row, want) {
				t.Errorf("the newest row %q does not say %q", row, want)
			}
		}
		servers := p.text(first + ` [data-testid=audit-servers]`)
		for _, m := range chosen {
			if !strings.Contains(servers, memberLabel(m)) {
				t.Errorf("the row's servers %q do not name %s", servers, memberLabel(m))
			}
		}
	})
}

func TestReplaceFromThePicker(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	running, stopped := pickerServers(e, l, before)
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	p.click(`details[data-testid=picker] > summary`)
	candidate := func(id string) string {
		return fmt.Sprintf(`#candidates tr[data-testid=candidate-row][data-server-id=%q]`, id)
	}
	// search types into the picker and waits until the answer to the whole text has settled:
	// an answer to part of it may come first.
	search := func(p *tab, text string) {
		p.typeInto(`[data-testid=picker-search]`, text)
		p.waitUntil("the picker lists the servers matching "+text, fmt.Sprintf(
			`document.querySelector("#candidates caption")?.textContent.trim() === %s`, js("Servers matching "+text)))
		p.settled()
	}

	t.Run("a stopped server shows why it cannot be picked", func(t *testing.T) {
		p := p.on(t)
		search(p, stopped.ID)
		p.waitVisible(candidate(stopped.ID) + ` [data-testid=not-pickable]`)
		if got := p.text(candidate(stopped.ID) + ` [data-testid=not-pickable]`); !strings.Contains(got, string(lb.StatusStopped)) {
			t.Errorf("the reason is %q, want it to say the server is %s", got, lb.StatusStopped)
		}
		if p.exists(candidate(stopped.ID) + ` [data-testid=pick]`) {
			t.Error("a stopped server has a Pick button")
		}
	})
	picked := fmt.Sprintf(`#new-server-rows tr[data-testid=picked-row][data-server-id=%q]`, running.ID)
	step(t, "a running server of the VPC is picked with port 9090", func(t *testing.T) {
		p := p.on(t)
		search(p, running.ID)
		p.click(candidate(running.ID) + ` [data-testid=pick]`)
		p.waitVisible(picked)
		p.settled()
		p.typeInto(picked+` [data-testid=picked-port]`, "9090")
		if got := p.text(`[data-testid=picked-count]`); got != "1" {
			t.Errorf("the picker says %s picked, want 1", got)
		}
	})
	var old lb.Member
	step(t, "the preview swaps the selected server for the picked one", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.checkRow(1)
		old = p.memberFor(1, before)
		p.preview("replace")
		if got := p.attrs(previewSel+` [data-testid=diff-removed]`, "data-server-id"); !slices.Equal(got, []string{old.ServerID}) {
			t.Errorf("the preview removes %v, want [%s]", got, old.ServerID)
		}
		if got := p.attrs(previewSel+` [data-testid=diff-added]`, "data-server-id"); !slices.Equal(got, []string{running.ID}) {
			t.Errorf("the preview adds %v, want [%s]", got, running.ID)
		}
		if now := e.members(g.ID); !sameKeys(now, keys(before)) {
			t.Error("the preview changed the group")
		}
	})
	t.Run("apply puts the picked server in on port 9090 with weight 100", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		status, msg := p.apply()
		if status != 200 {
			t.Errorf("apply answered %d, want 200", status)
		}
		if !strings.Contains(msg, memberLabel(old)) || !strings.Contains(msg, running.ID+":9090") {
			t.Errorf("the message %q does not name %s and %s:9090", msg, memberLabel(old), running.ID)
		}
		now := e.members(g.ID)
		if _, ok := now[old.ID]; ok {
			t.Errorf("the database still holds %s", memberLabel(old))
		}
		var added []lb.Member
		for _, m := range now {
			if m.ServerID == running.ID {
				added = append(added, m)
			}
		}
		if len(added) != 1 || added[0].Port != 9090 || added[0].Weight != lb.DefaultWeight {
			t.Errorf("the database holds %+v for %s, want one member on port 9090 with weight %d", added, running.ID, lb.DefaultWeight)
		}
		if len(now) != len(before) {
			t.Errorf("the group has %d members, want %d as before", len(now), len(before))
		}
		if a := e.newestAudit(); a.Action != string(lb.ActionReplace) || a.Outcome != db.OutcomeOK {
			t.Errorf("the audit entry is %s/%s, want replace/ok", a.Action, a.Outcome)
		}
		p.waitVisible(fmt.Sprintf(`%s[data-server-id=%q][data-port="9090"]`, memberRowSel, running.ID))
	})
}

// pickerServers returns, from the inventory, a running server of the load balancer's VPC that
// is not in the group, and a stopped one of its region.
func pickerServers(e *env, l lb.LoadBalancer, members map[string]lb.Member) (running, stopped lb.Server) {
	e.t.Helper()
	inGroup := map[string]bool{}
	for _, m := range members {
		inGroup[m.ServerID] = true
	}
	list := func(status lb.ServerStatus) []lb.Server {
		page, err := e.store.ListServers(e.ctx, db.ServerFilter{Region: l.RegionID, Status: status})
		if err != nil {
			e.t.Fatalf("ListServers(%s, %s): %v", l.RegionID, status, err)
		}
		return page.Items
	}
	for _, s := range list(lb.StatusRunning) {
		if s.VpcID == l.VpcID && !inGroup[s.ID] {
			running = s
			break
		}
	}
	for _, s := range list(lb.StatusStopped) {
		if s.VpcID == l.VpcID {
			stopped = s
			break
		}
	}
	if running.ID == "" || stopped.ID == "" {
		e.t.Fatalf("no running server outside the group (%q) or no stopped server (%q) in %s", running.ID, stopped.ID, l.VpcID)
	}
	return running, stopped
}

func TestInlineWeightEdit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	first, second := p.memberFor(1, before), p.memberFor(2, before)
	row, editor := memberSel(first.ID), memberSel(first.ID)+` [data-testid=inline-weight]`

	step(t, "the editor opens in the row with the focus", func(t *testing.T) {
		p := p.on(t)
		p.click(row + ` [data-testid=edit-weight]`)
		p.waitVisible(editor)
		p.waitUntil("the editor has the focus", `document.activeElement && document.activeElement.dataset.testid === "inline-weight"`)
		if got := evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).value`, js(editor))); got != strconv.Itoa(first.Weight) {
			t.Errorf("the editor starts at %q, want the weight %d", got, first.Weight)
		}
	})
	step(t, "101 is refused next to the field and nothing changes", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.typeInto(editor, "101"+kb.Enter)
		p.waitVisible(row + ` [data-testid=inline-weight-error]`)
		if got := e.members(g.ID)[first.ID].Weight; got != first.Weight {
			t.Errorf("the database has weight %d, want %d unchanged", got, first.Weight)
		}
		if v := e.group(l, g).Version; v != g.Version {
			t.Errorf("a refused weight moved the group to version %d", v)
		}
	})
	step(t, "42 and Enter saves the weight", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.markOld(flashSel)
		p.typeInto(editor, "42"+kb.Enter)
		p.waitUntil("the row shows weight 42 without the editor",
			fmt.Sprintf(`document.querySelector(%s) && !document.querySelector(%s)`, js(row+`[data-weight="42"]`), js(editor)))
		if got := e.members(g.ID)[first.ID].Weight; got != 42 {
			t.Errorf("the database has weight %d, want 42", got)
		}
		fresh := flashSel + `:not([data-e2e-old])`
		p.waitVisible(fresh)
		if msg := p.text(fresh); !strings.Contains(msg, memberLabel(first)) || !strings.Contains(msg, "weight") {
			t.Errorf("the message %q does not say the weight of %s was set", msg, memberLabel(first))
		}
		// The next batch from this page must carry the version the save produced.
		version := e.group(l, g).Version
		if got := evalAs[string](p, `document.getElementById("group-version").value`); got != strconv.FormatInt(version, 10) {
			t.Errorf("the page holds version %s, the group is at %d", got, version)
		}
	})
	t.Run("Escape closes the editor and keeps the weight", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		row := memberSel(second.ID)
		version := e.group(l, g).Version
		p.click(row + ` [data-testid=edit-weight]`)
		p.waitVisible(row + ` [data-testid=inline-weight]`)
		p.sendKeys(row+` [data-testid=inline-weight]`, kb.Escape)
		p.waitGone(row + ` [data-testid=inline-weight]`)
		p.waitVisible(row + ` [data-testid=edit-weight]`)
		if got := p.attrs(row, "data-weight"); !slices.Equal(got, []string{strconv.Itoa(second.Weight)}) {
			t.Errorf("the row shows weight %v, want %d", got, second.Weight)
		}
		if got := e.members(g.ID)[second.ID].Weight; got != second.Weight {
			t.Errorf("the database has weight %d, want %d", got, second.Weight)
		}
		if v := e.group(l, g).Version; v != version {
			t.Errorf("Escape moved the group from version %d to %d", version, v)
		}
	})
}

func TestConflictBetweenTabs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	a, b := e.signedIn(adminUser), e.signedIn(operatorUser)
	a.openGroup(l, g)
	b.openGroup(l, g)
	x, y := a.memberFor(1, before), b.memberFor(2, before)

	// B plans the removal of y on the group as it loaded it; meanwhile A removes x.
	b.checkRow(2)
	b.preview("remove")
	a.checkRow(1)
	a.preview("remove")
	if status, msg := a.apply(); status != 200 {
		t.Fatalf("tab A's removal answered %d: %s", status, msg)
	}
	changeOfA := e.newestAudit()

	step(t, "B's apply is refused with 409 and shows A's change", func(t *testing.T) {
		b := b.on(t)
		status, msg := b.apply()
		if status != 409 {
			t.Errorf("tab B's apply answered %d, want 409", status)
		}
		if !strings.Contains(msg, "changed") {
			t.Errorf("the message %q does not say the group changed", msg)
		}
		b.waitVisible(`[data-testid=changes]`)
		changes := b.text(`[data-testid=changes]`)
		for _, want := range []string{"#" + strconv.FormatInt(changeOfA.Seq, 10), adminUser, memberLabel(x)} {
			if !strings.Contains(changes, want) {
				t.Errorf("the list of changes %q does not say %q", changes, want)
			}
		}
		if b.exists(memberSel(x.ID)) {
			t.Errorf("tab B's table still shows %s, which A removed", memberLabel(x))
		}
		if !slices.Equal(b.checkedIDs(), []string{y.ID}) {
			t.Errorf("tab B's selection is %v, want %s kept", b.checkedIDs(), y.ID)
		}
	})
	t.Run("nothing of B's was applied", func(t *testing.T) {
		e := e.on(t)
		now := e.members(g.ID)
		if _, ok := now[y.ID]; !ok {
			t.Errorf("the refused batch removed %s", memberLabel(y))
		}
		if len(now) != len(before)-1 {
			t.Errorf("the group has %d members, want %d", len(now), len(before)-1)
		}
		if last := e.newestAudit(); last.Outcome == db.OutcomeOK || last.Actor != operatorUser {
			t.Errorf("the newest audit entry is %s by %s, want B's refused attempt", last.Outcome, last.Actor)
		}
	})
	step(t, "B previews again and the removal applies", func(t *testing.T) {
		b, e := b.on(t), e.on(t)
		b.preview("remove")
		if got := b.attrs(previewSel+` [data-testid=diff-removed]`, "data-server-id"); !slices.Equal(got, []string{y.ServerID}) {
			t.Errorf("the preview removes %v, want [%s]", got, y.ServerID)
		}
		status, msg := b.apply()
		if status != 200 || !strings.Contains(msg, memberLabel(y)) {
			t.Errorf("the second apply answered %d %q, want 200 naming %s", status, msg, memberLabel(y))
		}
		if _, ok := e.members(g.ID)[y.ID]; ok {
			t.Errorf("the database still holds %s", memberLabel(y))
		}
	})
	t.Run("a preview on an out-of-date table says the group changed", func(t *testing.T) {
		a, e := a.on(t), e.on(t)
		// A's table still shows y, which B removed; A picks another server.
		var z string
		for _, id := range a.rowIDs() {
			if id != x.ID && id != y.ID {
				z = id
				break
			}
		}
		a.click(memberSel(z) + ` input[name=member]`)
		a.preview("remove")
		if got := a.text(previewSel); !strings.Contains(got, "changed") {
			t.Errorf("the preview says %q, want that the group changed", got)
		}
		if a.exists(previewSel + ` [data-testid=apply]`) {
			t.Error("a preview planned on an out-of-date table offers Apply")
		}
		if got := len(e.members(g.ID)); got != len(before)-2 {
			t.Errorf("the group has %d members, want %d", got, len(before)-2)
		}
	})
}

func TestAuditDetailAndRevert(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	gone := []lb.Member{p.memberFor(1, before), p.memberFor(2, before)}
	p.checkRow(1)
	p.checkRow(2)
	p.preview("remove")
	if status, msg := p.apply(); status != 200 {
		t.Fatalf("the removal answered %d: %s", status, msg)
	}
	removal := e.newestAudit()

	step(t, "the newest audit link opens the removal and its diff", func(t *testing.T) {
		p := p.on(t)
		p.open("/audit")
		p.waitVisible(auditRowSel)
		p.click(auditRowSel + `:first-child a[data-testid=audit-link]`)
		p.waitVisible(`[data-testid=audit-entry]`)
		if got, want := p.location().Path, fmt.Sprintf("/audit/%d", removal.Seq); got != want {
			t.Errorf("the link opened %s, want %s", got, want)
		}
		got := p.attrs(`[data-testid=diff-removed]`, "data-server-id")
		if want := []string{gone[0].ServerID, gone[1].ServerID}; !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("the diff removes %v, want %v", got, want)
		}
	})
	step(t, "revert, once confirmed, puts the servers back with their ids", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.click(`[data-testid=revert]`)
		p.waitVisible(`[data-testid=revert-confirm]`)
		got := p.attrs(`[data-testid=diff-added]`, "data-server-id")
		if want := []string{gone[0].ServerID, gone[1].ServerID}; !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("the revert's preview adds %v, want %v", got, want)
		}
		p.click(`[data-testid=revert-confirm]`)
		p.waitVisible(`[data-testid=reverts-link]`)
		if got := p.attrs(`[data-testid=reverts-link]`, "href"); !slices.Equal(got, []string{fmt.Sprintf("/audit/%d", removal.Seq)}) {
			t.Errorf("the new entry links to %v, want /audit/%d", got, removal.Seq)
		}
		if got := p.text(`[data-testid=flash]`); !strings.Contains(got, "reverted") {
			t.Errorf("the message %q does not say the entry was reverted", got)
		}
		now := e.members(g.ID)
		for _, m := range gone {
			back, ok := now[m.ID]
			if !ok || back.Port != m.Port || back.Weight != m.Weight || back.ServerID != m.ServerID {
				t.Errorf("after the revert the database holds %+v for member %s, want %+v", back, m.ID, m)
			}
		}
		if a := e.newestAudit(); a.Reverts != removal.Seq || a.Outcome != db.OutcomeOK {
			t.Errorf("the newest entry reverts %d with outcome %s, want %d ok", a.Reverts, a.Outcome, removal.Seq)
		}
	})
	t.Run("the reverted entry links to its revert and offers no second one", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		revert := e.newestAudit()
		p.open(fmt.Sprintf("/audit/%d", removal.Seq))
		p.waitVisible(`[data-testid=reverted-by-link]`)
		if got := p.attrs(`[data-testid=reverted-by-link]`, "href"); !slices.Equal(got, []string{fmt.Sprintf("/audit/%d", revert.Seq)}) {
			t.Errorf("the reverted-by link goes to %v, want /audit/%d", got, revert.Seq)
		}
		if p.exists(`[data-testid=revert]`) {
			t.Error("a reverted entry still offers Revert")
		}
	})
	t.Run("a revert is refused when the server changed since", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		p.openGroup(l, g)
		drained := p.memberFor(1, e.members(g.ID))
		p.checkRow(1)
		p.preview("drain")
		if status, msg := p.apply(); status != 200 {
			t.Fatalf("the drain answered %d: %s", status, msg)
		}
		drain := e.newestAudit()
		p.open(fmt.Sprintf("/audit/%d", drain.Seq))
		p.click(`[data-testid=revert]`)
		p.waitVisible(`[data-testid=revert-confirm]`)
		// Between the confirmation and the click, a script changes the server.
		e.setWeight(l, g, drained.ID, 30)
		version := e.group(l, g).Version
		p.click(`[data-testid=revert-confirm]`)
		p.waitVisible(`[data-testid=flash]`)
		if got := p.text(`[data-testid=flash]`); !strings.HasPrefix(got, "Revert refused (conflict)") {
			t.Errorf("the message is %q, want it to start with Revert refused (conflict)", got)
		}
		if got := e.members(g.ID)[drained.ID].Weight; got != 30 {
			t.Errorf("the refused revert left weight %d, want 30", got)
		}
		if v := e.group(l, g).Version; v != version {
			t.Errorf("the refused revert moved the group from version %d to %d", version, v)
		}
		if by, err := e.store.RevertedBy(e.ctx, drain.Seq); err != nil || by != 0 {
			t.Errorf("RevertedBy(%d) = %d, %v; want 0", drain.Seq, by, err)
		}
	})
}

func TestAuditCSVDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	p := e.signedIn(operatorUser)
	p.openGroup(l, g)
	gone := []lb.Member{p.memberFor(1, before), p.memberFor(2, before)}
	p.checkRow(1)
	p.checkRow(2)
	p.preview("remove")
	if status, msg := p.apply(); status != 200 {
		t.Fatalf("the removal answered %d: %s", status, msg)
	}
	removal := e.newestAudit()

	p.open("/audit")
	p.waitVisible(`[data-testid=audit-csv]`)
	name, data := p.download(`[data-testid=audit-csv]`)
	if !strings.HasPrefix(name, "lbconsole-audit-") || !strings.HasSuffix(name, ".csv") {
		t.Errorf("the download is named %q, want lbconsole-audit-….csv", name)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("the download is not a CSV with rows (%d rows, %v):\n%s", len(rows), err, data)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"seq", "time", "actor", "source", "action", "load_balancer", "group", "outcome", "servers", "request_id"} {
		if _, ok := col[name]; !ok {
			t.Errorf("the header %v has no %s", rows[0], name)
		}
	}
	if t.Failed() {
		return
	}
	var found []string
	for _, r := range rows[1:] {
		if r[col["seq"]] == strconv.FormatInt(removal.Seq, 10) {
			found = r
		}
	}
	if found == nil {
		t.Fatalf("the CSV has no row for entry %d", removal.Seq)
	}
	for name, want := range map[string]string{"actor": operatorUser, "source": db.SourceConsole, "action": "remove",
		"load_balancer": l.ID, "group": g.ID, "outcome": db.OutcomeOK, "request_id": removal.RequestID} {
		if got := found[col[name]]; got != want {
			t.Errorf("the row's %s is %q, want %q", name, got, want)
		}
	}
	servers := strings.Fields(found[col["servers"]])
	for _, m := range gone {
		if !slices.Contains(servers, memberLabel(m)) {
			t.Errorf("the row's servers %v do not name %s", servers, memberLabel(m))
		}
	}
}

func TestViewerCannotChangeAnything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, g := e.smallGroup()
	before := e.members(g.ID)
	someone := firstMember(before)
	// An entry with a change that an operator could revert.
	changed := e.setWeight(l, g, someone.ID, 77)
	g = e.group(l, g)
	p := e.signedIn(viewerUser)
	p.openGroup(l, g)

	t.Run("the group page has no checkbox, batch button or weight editor", func(t *testing.T) {
		p := p.on(t)
		if got := p.count(memberRowSel); got != len(before) {
			t.Errorf("the viewer sees %d rows, want all %d", got, len(before))
		}
		for _, sel := range []string{`input[name=member]`, `[data-testid=select-all]`, `[data-testid=op-remove]`,
			`[data-testid=op-drain]`, `[data-testid=edit-weight]`, `[data-testid=picker]`} {
			if n := p.count(sel); n != 0 {
				t.Errorf("the viewer's group page has %d of %s", n, sel)
			}
		}
	})
	t.Run("a batch posted from the page is refused with 403 and changes nothing", func(t *testing.T) {
		p, e := p.on(t), e.on(t)
		for _, path := range []string{"/preview", "/batch"} {
			status := evalAs[int](p, fmt.Sprintf(`(async () => {
				const token = document.querySelector('meta[name="csrf-token"]').content;
				const body = new URLSearchParams({op: "remove", member: %s, _csrf: token,
					version: document.getElementById("group-version").value});
				const r = await fetch(location.pathname + %s, {method: "POST", headers: {"X-CSRF-Token": token}, body});
				return r.status;
			})()`, js(someone.ID), js(path)))
			if status != 403 {
				t.Errorf("POST …%s as a viewer answered %d, want 403", path, status)
			}
		}
		if now := e.members(g.ID); !sameKeys(now, keys(before)) {
			t.Error("the viewer's batch changed the group")
		}
		if v := e.group(l, g).Version; v != g.Version {
			t.Errorf("the viewer's batch moved the group to version %d", v)
		}
	})
	t.Run("the audit entry offers no revert", func(t *testing.T) {
		p := p.on(t)
		p.open(fmt.Sprintf("/audit/%d", changed.Seq))
		p.waitVisible(`[data-testid=audit-entry]`)
		p.waitVisible(`[data-testid=diff-changed]`)
		if p.exists(`[data-testid=revert]`) {
			t.Error("a viewer is offered Revert")
		}
	})
}

// TestScreenshots refreshes the README's screenshots when LBCONSOLE_SCREENSHOTS names a
// directory: at a laptop's width, and two at a phone's (lbs-phone.png, group-phone.png).
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("LBCONSOLE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set LBCONSOLE_SCREENSHOTS to a directory to write the screenshots")
	}
	e := newEnv(t)
	l, g := e.bigGroup()
	p := e.signedIn(adminUser)
	p.screenshot(filepath.Join(dir, "lb-list.png"))

	p.openGroup(l, g)
	for _, n := range []int{2, 3, 5} {
		p.checkRow(n)
	}
	p.preview("remove")
	p.eval(`(window.scrollTo(0, 0), true)`)
	p.screenshot(filepath.Join(dir, "group-preview.png"))
	if status, msg := p.apply(); status != 200 {
		t.Fatalf("the removal answered %d: %s", status, msg)
	}
	removal := e.newestAudit()

	// A few more entries, so that the log looks lived in: a script's weight change and a
	// batch refused because it was planned on an old version.
	someone := firstMember(e.members(g.ID))
	e.setWeight(l, g, someone.ID, 40)
	if _, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: l.ID, GroupRef: g.ID, ExpectedVersion: g.Version,
		Actor: operatorUser, Source: db.SourceConsole, RequestID: "e2e-stale",
		Batch: lb.Batch{Action: lb.ActionRemove, Old: []lb.Spec{{MemberID: someone.ID}}}, Request: `{"op":"remove"}`}); !lb.IsStale(err) {
		t.Fatalf("a batch on version %d applied: %v", g.Version, err)
	}

	p.open("/audit")
	p.waitVisible(auditRowSel)
	p.screenshot(filepath.Join(dir, "audit.png"))
	p.open(fmt.Sprintf("/audit/%d", removal.Seq))
	p.waitVisible(`[data-testid=diff-removed]`)
	p.screenshot(filepath.Join(dir, "audit-detail.png"))

	// The same console on a phone: the list, and a group with servers selected.
	phoneTab := e.signedInAt(adminUser, phone)
	phoneTab.screenshot(filepath.Join(dir, "lbs-phone.png"))
	small, sg := e.smallGroup()
	phoneTab.openGroup(small, sg)
	phoneTab.checkRow(1)
	phoneTab.checkRow(2)
	phoneTab.eval(`(window.scrollTo(0, 0), true)`)
	phoneTab.screenshot(filepath.Join(dir, "group-phone.png"))
}
