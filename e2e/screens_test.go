package e2e

import (
	"fmt"
	"testing"

	"lbconsole/lb"
)

// screen is the size of a tab's window.
type screen struct {
	name          string
	width, height int64
}

var (
	// laptop is the screen of the tests written before phones were looked at.
	laptop = screen{"laptop", screenWidth, screenHeight}
	// wide and phone are the two screens every test of layout or interaction runs on: a desktop
	// monitor and a phone held upright (390 px is an iPhone 12 to 15's CSS width).
	wide  = screen{"1400px", 1400, 900}
	phone = screen{"390px", 390, 844}
)

// atEachWidth runs f once on a wide screen and once on a phone, in parallel subtests, each on a
// console of its own, so that what one changes the other never sees.
func atEachWidth(t *testing.T, f func(t *testing.T, e *env, s screen)) {
	t.Helper()
	for _, s := range []screen{wide, phone} {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t), s)
		})
	}
}

// pickServer opens the picker, searches for a server by id and picks it; it waits until its row
// is in the batch form.
func (p *tab) pickServer(id string) string {
	p.t.Helper()
	if !evalAs[bool](p, `document.querySelector("details[data-testid=picker]").open`) {
		p.click(`details[data-testid=picker] > summary`)
	}
	p.typeInto(`[data-testid=picker-search]`, id)
	candidate := fmt.Sprintf(`#candidates tr[data-testid=candidate-row][data-server-id=%q]`, id)
	p.waitUntil("the picker lists "+id, fmt.Sprintf(
		`document.querySelector("#candidates caption")?.textContent.trim() === %s && document.querySelector(%s)`,
		js("Servers matching "+id), js(candidate)))
	p.settled()
	p.click(candidate + ` [data-testid=pick]`)
	picked := fmt.Sprintf(`#new-server-rows tr[data-testid=picked-row][data-server-id=%q]`, id)
	p.waitVisible(picked)
	p.settled()
	return picked
}

// previewTitle waits for a preview and returns its title.
func (p *tab) previewTitle() string {
	p.t.Helper()
	p.waitVisible(previewSel + ` h2`)
	p.settled()
	return p.text(previewSel + ` h2`)
}

// runningOutside returns a running server of the load balancer's VPC that is not in the group.
func runningOutside(e *env, l lb.LoadBalancer, g lb.Group) lb.Server {
	e.t.Helper()
	running, _ := pickerServers(e, l, e.members(g.ID))
	return running
}
