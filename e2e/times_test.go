package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Times read in the viewer's time zone, with the UTC time on hover; lists say how long ago.
func TestTimesInTheViewersTimeZone(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		changed := e.setWeight(l, g, firstMember(e.members(g.ID)).ID, 44)
		entry, err := e.store.GetAudit(e.ctx, changed.Seq)
		if err != nil {
			t.Fatal(err)
		}
		p := e.signedInAt(viewerUser, s)
		if _, err := chromedp.Call(p.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"}); err != nil {
			t.Fatal(err)
		}
		utc := entry.Time.UTC().Format("2006-01-02 15:04:05") + " UTC"
		tokyo := entry.Time.In(time.FixedZone("JST", 9*3600)).Format("15:04:05")

		t.Run("the entry's page shows Tokyo's time, and UTC on hover", func(t *testing.T) {
			p := p.on(t)
			p.open(fmt.Sprintf("/audit/%d", changed.Seq))
			sel := `[data-testid=audit-entry] time`
			p.waitUntil("the time is local", fmt.Sprintf(`document.querySelector(%s).dataset.utc !== undefined`, js(sel)))
			if got := p.text(sel); !strings.Contains(got, tokyo) {
				t.Errorf("the entry's time reads %q, want Tokyo's %s", got, tokyo)
			}
			if got := evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).title`, js(sel))); !strings.Contains(got, utc) || !strings.Contains(got, tokyo) {
				t.Errorf("on hover the time says %q, want %s and Tokyo's %s", got, utc, tokyo)
			}
		})
		t.Run("the audit log says how long ago", func(t *testing.T) {
			p := p.on(t)
			p.open("/audit")
			sel := fmt.Sprintf(`tr[data-testid=audit-row][data-seq="%d"] time`, changed.Seq)
			p.waitUntil("the time is local", fmt.Sprintf(`document.querySelector(%s).dataset.utc !== undefined`, js(sel)))
			if got := p.text(sel); !strings.Contains(got, "ago") && !strings.Contains(got, "now") {
				t.Errorf("the row's time reads %q, want how long ago", got)
			}
			if got := evalAs[string](p, fmt.Sprintf(`document.querySelector(%s).title`, js(sel))); !strings.Contains(got, utc) {
				t.Errorf("on hover the row's time says %q, want %s", got, utc)
			}
		})
	})
}
