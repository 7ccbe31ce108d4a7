package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lbconsole/internal/testenv"
)

// On a phone (390 px) and a laptop, the group page of a load balancer driven by real haproxy
// shows a stopped backend DOWN with its reason, and the reason wraps under the badge, within
// 14rem, rather than widening the table.
func TestGroupHealthOnAPhoneAndALaptop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := testenv.NewRig(t, testenv.RigOptions{})
	r.Converged(t)
	e.base, e.store = r.Console.Server.URL, r.Console.Store
	r.Backends[0].Stop()
	down := r.Member(t, r.Backends[0])
	cell := `tr[data-member-id="` + down.ID + `"] [data-testid=member-health]`
	for _, width := range []int64{390, screenWidth} {
		p := e.signedIn(operatorUser)
		p.do("set the width", chromedp.EmulateViewport(width, screenHeight))
		p.open(r.GroupURL())
		p.waitVisible(`table[data-testid=member-table]`)
		testenv.Eventually(t, "DOWN on the page", func() string {
			p.open(r.GroupURL())
			p.waitVisible(`table[data-testid=member-table]`)
			if h := p.attrs(cell, "data-health"); len(h) != 1 || h[0] != "down" {
				return "health " + strings.Join(h, ",")
			}
			return ""
		})
		if reason := p.text(cell + ` [data-testid=health-reason]`); reason == "" {
			t.Errorf("at %d px the DOWN member shows no reason", width)
		}
		reason := cell + ` [data-testid=health-reason]`
		if w := evalAs[float64](p, `document.querySelector(`+js(reason)+`).getBoundingClientRect().width`); w > 14*15+1 {
			t.Errorf("at %d px the reason is %.0f px wide; want it wrapped within 14rem", width, w)
		}
		if dir := os.Getenv("LBCONSOLE_SCREENSHOTS"); dir != "" {
			p.screenshot(filepath.Join(dir, "group-health-"+strconv.FormatInt(width, 10)+".png"))
		}
	}
}
