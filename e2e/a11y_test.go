package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// key presses one key on whatever has the focus.
func (p *tab) key(k string) {
	p.t.Helper()
	p.do("press "+k, chromedp.KeyEvent(k))
}

// luminance is the relative luminance (0 black to 1 white) of an element's computed colour.
const luminance = `((el, prop) => {
	const [r, g, b] = getComputedStyle(el)[prop].match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(c => {
		c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
})`

// A system set to dark gets a dark page with light text, inputs and tables included.
func TestDarkMode(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		p := e.signedInAt(operatorUser, s)
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
			t.Fatal(err)
		}
		p.openGroup(l, g)
		for _, c := range []struct{ sel, prop, want string }{
			{"body", "backgroundColor", "dark"}, {"main", "color", "light"}, {`[data-testid=filter-q]`, "backgroundColor", "dark"},
			{`[data-testid=member-table] th`, "backgroundColor", "dark"}, {`[data-testid=member-table] td`, "color", "light"},
		} {
			// The body's background is the root's, which paints it.
			expr := fmt.Sprintf(`%s(document.querySelector(%s), %s)`, luminance, js(c.sel), js(c.prop))
			if c.sel == "body" {
				expr = fmt.Sprintf(`%s(document.documentElement, "backgroundColor") || %s(document.body, %s)`, luminance, luminance, js(c.prop))
			}
			l := evalAs[float64](p, expr)
			if (c.want == "dark" && l > 0.2) || (c.want == "light" && l < 0.4) {
				t.Errorf("%s's %s has luminance %.2f, want it %s", c.sel, c.prop, l, c.want)
			}
		}
	})
}

// Tab first reaches a link that skips to the content; ? lists the keys, / goes to the search
// box, and j, k and x move through a group's servers and select them.
func TestKeyboard(t *testing.T) {
	t.Parallel()
	atEachWidth(t, func(t *testing.T, e *env, s screen) {
		l, g := e.smallGroup()
		p := e.signedInAt(operatorUser, s)
		focused := func(p *tab) string {
			return evalAs[string](p, `document.activeElement ? (document.activeElement.dataset.testid || document.activeElement.id || document.activeElement.tagName) : ""`)
		}
		t.Run("the skip link", func(t *testing.T) {
			p := p.on(t)
			p.open("/lbs")
			p.waitVisible(`main h1`)
			p.key(kb.Tab)
			if got := focused(p); got != "skip-link" {
				t.Fatalf("Tab first reaches %q, want the skip link", got)
			}
			if !evalAs[bool](p, `(r => r.top >= 0 && r.height > 0)(document.activeElement.getBoundingClientRect())`) {
				t.Error("the focused skip link is not on the screen")
			}
			p.key(kb.Enter)
			p.waitUntil("the content has the focus", `document.activeElement && document.activeElement.id === "main"`)
		})
		t.Run("? lists the keys and Escape closes the list", func(t *testing.T) {
			p := p.on(t)
			p.open("/lbs")
			p.waitVisible(`main h1`)
			p.key("?")
			p.waitUntil("the list is open", `document.querySelector("[data-testid=keys-help]").open`)
			for _, k := range []string{"/", "j", "x", "Esc"} {
				if got := p.text(`[data-testid=keys-help]`); !strings.Contains(got, k) {
					t.Errorf("the list of keys does not mention %s: %q", k, got)
				}
			}
			p.key(kb.Escape)
			p.waitUntil("the list is closed", `!document.querySelector("[data-testid=keys-help]").open`)
		})
		t.Run("/ goes to the search box", func(t *testing.T) {
			p := p.on(t)
			p.key("/")
			p.waitUntil("the search box has the focus", `document.activeElement && document.activeElement.dataset.testid === "lb-search"`)
		})
		t.Run("j, k and x select servers in a group", func(t *testing.T) {
			p := p.on(t)
			p.openGroup(l, g)
			ids := p.rowIDs()
			for _, k := range []string{"j", "j", "j", "k", "x", "j", "x"} {
				p.key(k)
			}
			p.selectedCount("2 servers selected")
			if got := p.checkedIDs(); !slices.Equal(got, ids[1:3]) {
				t.Errorf("j j j k x j x selected %v, want rows 2 and 3 %v", got, ids[1:3])
			}
		})
	})
}
