package e2e

import (
	"fmt"
	"testing"
)

// widestElement names the element that sticks out furthest right, for the failure message.
const widestElement = `(() => {
	let worst = null, right = 0;
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > right) { right = r.right; worst = el; }
	}
	return worst ? worst.tagName.toLowerCase() + (worst.className ? "." + worst.className : "") + " " + (worst.dataset.testid || "") + " to " + Math.round(right) + " px" : "";
})()`

// Bug 13: at 390 px the pages scrolled sideways (772 px on /lbs), the navigation ran off the
// screen, and the group page's sticky toolbar (223 px tall) hid the table's header.
func TestPagesFitTheScreen(t *testing.T) {
	t.Parallel()
	atEachWidth(t, pagesFit)
	t.Run(tablet.name, func(t *testing.T) {
		t.Parallel()
		pagesFit(t, newEnv(t), tablet)
	})
}

// tablet is a tablet held upright: between the phone's layout and the wide screen's.
var tablet = screen{"768px", 768, 1024}

// pagesFit checks every page, the navigation and the group page's header on one screen.
func pagesFit(t *testing.T, e *env, s screen) {
	{
		l, g := e.smallGroup()
		changed := e.setWeight(l, g, firstMember(e.members(g.ID)).ID, 61)
		p := e.signedInAt(adminUser, s)
		for _, path := range []string{"/lbs", "/lbs/" + l.ID, groupPath(l, g), "/servers", "/audit",
			fmt.Sprintf("/audit/%d", changed.Seq), fmt.Sprintf("/audit/%d/revert", changed.Seq), "/users", "/users/keys",
			"/users/sign-ins", "/keys", "/account"} {
			t.Run(path, func(t *testing.T) {
				p := p.on(t)
				p.open(path)
				p.waitVisible(`main h1`)
				width, screen := evalAs[int](p, `document.documentElement.scrollWidth`), evalAs[int](p, `window.innerWidth`)
				if width > screen {
					t.Errorf("%s is %d px wide on a %d px screen: it scrolls sideways (the widest part: %s)",
						path, width, screen, evalAs[string](p, widestElement))
				}
			})
		}
		t.Run("every link of the navigation can be tapped", func(t *testing.T) {
			p := p.on(t)
			p.open("/lbs")
			bad := evalAs[[]string](p, `Array.from(document.querySelectorAll("header nav a, header [data-testid=logout]")).filter(a => {
				const r = a.getBoundingClientRect();
				const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
				return r.width === 0 || r.left < 0 || r.right > window.innerWidth || !(hit === a || a.contains(hit));
			}).map(a => a.innerText)`)
			if len(bad) > 0 {
				t.Errorf("these links of the navigation are off the screen or covered: %q", bad)
			}
		})
		t.Run("the toolbar never covers the member table's header", func(t *testing.T) {
			p, e := p.on(t), e.on(t)
			l, g := e.bigGroup() // long enough to scroll into
			p.openGroup(l, g)
			for _, below := range []int{0, 120} {
				// Scroll the table's top to the top of the window, then a little further.
				p.eval(fmt.Sprintf(`(window.scrollTo(0, document.querySelector("[data-testid=member-table]").getBoundingClientRect().top + scrollY + %d), true)`, below))
				p.waitUntil("the window scrolled", fmt.Sprintf(`Math.abs(document.querySelector("[data-testid=member-table]").getBoundingClientRect().top + %d) < 2`, below))
				// A cell scrolled out of the window, or out of the table's own sideways scroll, is
				// not covered: the part of each cell that shows must be the cell.
				covered := evalAs[[]string](p, `(() => {
					const box = document.querySelector("[data-testid=member-table]").getBoundingClientRect();
					return Array.from(document.querySelectorAll("[data-testid=member-table] thead th")).filter(th => {
						const r = th.getBoundingClientRect();
						const left = Math.max(r.left, box.left, 0), right = Math.min(r.right, box.right, window.innerWidth);
						if (r.bottom <= 0 || r.top >= window.innerHeight || right - left < 4) { return false; }
						const hit = document.elementFromPoint((left + right) / 2, r.top + r.height / 2);
						return !(hit === th || th.contains(hit));
					}).map(th => th.innerText || "select all");
				})()`)
				if len(covered) > 0 {
					t.Errorf("scrolled %d px into the table, something covers the header cells %q", below, covered)
				}
			}
		})
	}
}
