package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The inline weight editor answers htmx with the one row it edits (and, after a save, the new
// version and the message out of band), and a plain request with the whole page.
func TestInlineWeightEditorAnswersItsRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, big := e.bigGroup()
	members := e.members(big.ID)
	mem := members[len(members)/2]
	path := groupPath(lbID, big.ID) + "/members/" + mem.ID + "/weight"
	c := e.signIn(operatorName)
	c.Get(groupPath(lbID, big.ID)) // the page's CSRF token

	t.Run("OpenShowsTheRowWithItsWeightInTheEditor", func(t *testing.T) {
		r := c.Get(path, htmx)
		wantStatus(t, r, http.StatusOK)
		d := rowDoc(t, r.Body)
		rows := memberRows(d)
		if len(rows) != 1 || rows[0].ID != mem.ID || rows[0].Weight != strconv.Itoa(mem.Weight) {
			t.Fatalf("rows %+v; want only member %s at weight %d", rows, mem.ID, mem.Weight)
		}
		if got := d.Find(`[data-testid=inline-weight]`).AttrOr("value", ""); got != strconv.Itoa(mem.Weight) {
			t.Errorf("editor holds %q; want the member's weight %d", got, mem.Weight)
		}
		if d.Find(`[data-testid=member-table]`).Length() != 0 {
			t.Error("the answer holds the member table; want the row alone")
		}
		if d.Find(`[data-testid=member-health]`).Length() != 1 {
			t.Error("the row has no health cell")
		}
	})

	t.Run("CancelShowsTheRowClosed", func(t *testing.T) {
		d := rowDoc(t, c.Get(path+"?cancel=1", htmx).Body)
		if d.Find(`[data-testid=inline-weight]`).Length() != 0 || d.Find(`[data-testid=edit-weight]`).Text() != strconv.Itoa(mem.Weight) {
			t.Errorf("after cancel: %s; want the weight as a button, no editor", strings.TrimSpace(d.Text()))
		}
	})

	t.Run("PlainRequestGetsTheWholePage", func(t *testing.T) {
		r := c.Get(path)
		wantStatus(t, r, http.StatusOK)
		d := r.Doc()
		if n := len(memberRows(d)); n != len(members) {
			t.Errorf("%d rows; want the whole table of %d", n, len(members))
		}
		if d.Find(`tr[data-member-id="`+mem.ID+`"] [data-testid=inline-weight]`).Length() != 1 {
			t.Error("the member's row has no open editor")
		}
	})

	t.Run("SaveAnswersTheRowTheVersionAndTheMessage", func(t *testing.T) {
		weight := (mem.Weight + 7) % 101
		version := e.groupVersion(lbID, big.ID)
		r := c.Post(path, c.WithCSRF(url.Values{"weight": {strconv.Itoa(weight)}, "version": {strconv.FormatInt(version, 10)}}), htmx)
		wantStatus(t, r, http.StatusOK)
		d := rowDoc(t, r.Body)
		if rows := memberRows(d); len(rows) != 1 || rows[0].Weight != strconv.Itoa(weight) {
			t.Errorf("rows %+v; want the member alone at weight %d", rows, weight)
		}
		if got, want := d.Find(`[data-testid=version][hx-swap-oob]`).AttrOr("value", ""), strconv.FormatInt(version+1, 10); got != want {
			t.Errorf("version out of band = %q; want %s", got, want)
		}
		if msg := text(d.Find(`[data-testid=flash]`)); !strings.Contains(msg, mem.ServerID) {
			t.Errorf("message %q; want it to name %s", msg, mem.ServerID)
		}
		for _, m := range e.members(big.ID) {
			if m.ID == mem.ID && m.Weight != weight {
				t.Errorf("stored weight %d; want %d", m.Weight, weight)
			}
		}
	})
}

// rowDoc parses an answer that starts with a table row, as htmx swaps it into the table.
func rowDoc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + body + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
