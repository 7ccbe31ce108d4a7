package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestGroupPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, big := e.bigGroup()
	path := groupPath(lbID, big.ID)
	want := e.members(big.ID)

	t.Run("OperatorSeesBatchFormAndEveryMemberWithACheckbox", func(t *testing.T) {
		c := e.signIn(operatorName)
		r := c.Get(path)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		version, csrf := batchFormValues(t, d)
		if version != strconv.FormatInt(big.Version, 10) {
			t.Errorf("form version = %s; want %d", version, big.Version)
		}
		if csrf != c.CSRF {
			t.Errorf("form _csrf = %q; want the page's token %q", csrf, c.CSRF)
		}
		rows := memberRows(d)
		if len(rows) != len(want) || len(rows) < 250 {
			t.Fatalf("%d member rows; want all %d", len(rows), len(want))
		}
		byID := rowsByID(rows)
		for _, m := range want {
			r, ok := byID[m.ID]
			if !ok {
				t.Errorf("member %s has no row", m.ID)
				continue
			}
			if r.ServerID != m.ServerID || r.Port != strconv.Itoa(m.Port) || r.Weight != strconv.Itoa(m.Weight) {
				t.Errorf("row %s = server %s port %s weight %s; want %s %d %d", m.ID, r.ServerID, r.Port, r.Weight, m.ServerID, m.Port, m.Weight)
			}
			if !r.HasBox {
				t.Errorf("row %s has no checkbox input[name=member][value=%s]", m.ID, m.ID)
			}
		}
		if n := d.Find(`form[data-testid="batch-form"] input[name="member"]`).Length(); n != len(want) {
			t.Errorf("%d checkboxes inside the batch form; want %d", n, len(want))
		}
		for _, op := range []string{"op-remove", "op-drain", "op-weights"} {
			if d.Find(`[data-testid="`+op+`"]`).Length() != 1 {
				t.Errorf("no %s button", op)
			}
		}
	})

	t.Run("ViewerSeesMembersButNoCheckboxesOrRemove", func(t *testing.T) {
		c := e.signIn(viewerName)
		r := c.Get(path)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if n := len(memberRows(d)); n != len(want) {
			t.Errorf("%d member rows; want %d", n, len(want))
		}
		if n := d.Find(`input[name="member"]`).Length(); n != 0 {
			t.Errorf("a viewer sees %d member checkboxes; want none", n)
		}
		for _, op := range []string{"op-remove", "op-drain", "op-weights", "select-all"} {
			if d.Find(`[data-testid="`+op+`"]`).Length() != 0 {
				t.Errorf("a viewer sees %s", op)
			}
		}
	})

	t.Run("LockedLoadBalancerOffersNoChanges", func(t *testing.T) {
		var lockedID string
		for _, l := range allLBs(e) {
			if l.Status == "locked" {
				lockedID = l.ID
			}
		}
		c := e.signIn(adminName)
		r := c.Get(groupPath(lockedID, "default"))
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if d.Find(`[data-testid="locked"]`).Length() != 1 {
			t.Error("no locked notice")
		}
		if n := d.Find(`input[name="member"]`).Length(); n != 0 {
			t.Errorf("%d checkboxes on a locked load balancer; want none", n)
		}
	})

	t.Run("DefaultListRowsHavePortZero", func(t *testing.T) {
		c := e.signIn(operatorName)
		r := c.Get(groupPath(lbID, "default"))
		wantStatus(t, r, http.StatusOK)
		rows := memberRows(r.Doc())
		if len(rows) == 0 {
			t.Fatal("the default list shows no members")
		}
		for _, row := range rows {
			if row.Port != "0" {
				t.Errorf("default-list row %s has port %s; want 0", row.ID, row.Port)
			}
		}
	})

	t.Run("HTMXGetsOnlyTheMemberRows", func(t *testing.T) {
		c := e.signIn(operatorName)
		r := c.Get(path, htmx)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(strings.ToLower(r.Body), "<html") {
			t.Errorf("the htmx answer has <html>:\n%s", r.Snippet())
		}
		d := r.Doc()
		if n := len(memberRows(d)); n != len(want) {
			t.Errorf("the fragment has %d member rows; want %d", n, len(want))
		}
		if d.Find(`input[name="version"]`).AttrOr("value", "") != strconv.FormatInt(big.Version, 10) {
			t.Error("the fragment lacks the group's version")
		}
		if d.Find(`[data-testid="op-remove"]`).Length() != 0 {
			t.Error("the fragment repeats the toolbar")
		}
	})

	t.Run("WithoutHTMXTheWholePage", func(t *testing.T) {
		c := e.signIn(operatorName)
		r := c.Get(path)
		d := r.Doc()
		if !strings.Contains(strings.ToLower(r.Body), "<html") || d.Find("head title").Length() != 1 {
			t.Error("the page lacks <html> or its title")
		}
		if d.Find(`form[data-testid="batch-form"]`).Length() != 1 || len(memberRows(d)) != len(want) {
			t.Error("the page lacks the batch form or the member rows")
		}
	})

	t.Run("HistoryRestoreGetsTheWholePage", func(t *testing.T) {
		c := e.signIn(operatorName)
		r := c.Get(path, htmx, header("HX-History-Restore-Request", "true"))
		if !strings.Contains(strings.ToLower(r.Body), "<html") {
			t.Error("a history restore got a fragment; want the whole page")
		}
	})

	t.Run("UnknownLoadBalancerOrGroupIs404", func(t *testing.T) {
		c := e.signIn(operatorName)
		other := ""
		for _, l := range allLBs(e) {
			if l.ID != lbID {
				other = l.ID
				break
			}
		}
		for _, p := range []string{
			groupPath("lb-doesnotexist", big.ID),
			groupPath(lbID, "rsp-doesnotexist"),
			groupPath(other, big.ID), // a real group, but of another load balancer
		} {
			r := c.Get(p)
			if r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d; want 404", p, r.StatusCode)
			}
		}
	})
}
