package main

import (
	"fmt"
	"net/url"
	"regexp"

	"lbconsole/fleet"
)

// searchRows time the load balancer list's search at 10k and the servers' at 100k, each
// beside a trivial handler: a search well done costs little more than a request.
func (b *bench) searchRows() []rowSpec {
	doc := b.f.doc
	l := doc.LoadBalancers[len(doc.LoadBalancers)*3/4]
	member := firstMemberServer(doc.LoadBalancers[len(doc.LoadBalancers)/3])
	s := doc.Servers[len(doc.Servers)*3/4]
	cases := []struct{ name, path string }{
		{"LB search by name", "/lbs?q=" + url.QueryEscape(l.Name)},
		{"LB search by id", "/lbs?q=" + url.QueryEscape(l.ID)},
		{"LB search by address", "/lbs?q=" + url.QueryEscape(l.Address)},
		{"LB search by server id", "/lbs?q=" + url.QueryEscape(member)},
		{"LB list, no query", "/lbs"},
		{"/servers search by name", "/servers?q=" + url.QueryEscape(s.Name)},
		{"/servers search by address", "/servers?q=" + url.QueryEscape(s.Address)},
		{"/servers, no query", "/servers"},
	}
	var out []rowSpec
	for _, c := range cases {
		out = append(out, rowSpec{c.name, func() (row, error) {
			app, err := measure(b.c.n, 1, func() (int, error) {
				a, err := b.user.get(c.path)
				return len(a.body), err
			})
			if err != nil {
				return row{}, err
			}
			floor, err := b.trivialFloor(1)
			return row{name: c.name, app: app, floorName: "trivial handler", floor: floor, goal: "p50 ≤ 5 ms"}, err
		}})
	}
	return out
}

// firstMemberServer is the server of the first member given by server of l's groups.
func firstMemberServer(l fleet.LoadBalancer) string {
	for _, g := range l.Groups {
		if g.Members == nil {
			continue
		}
		for _, m := range *g.Members {
			if m.Server != "" {
				return m.Server
			}
		}
	}
	return ""
}

// pageRows time the group page, its htmx fragment, the inline weight editor and the static
// files, each beside Echo serving the very bytes the app sent.
func (b *bench) pageRows() []rowSpec {
	group := fmt.Sprintf("/lbs/%s/groups/%s", b.f.lb.ID, b.f.big.ID)
	ms, _ := b.f.store.ListMembers(b.ctx, b.f.big.ID)
	var member string
	if len(ms) > 0 {
		member = ms[len(ms)/2].ID
	}
	css, js := b.assetURL(`rel="stylesheet" href="([^"]+)"`, "/static/app.css"), b.assetURL(`src="(/static/htmx[^"]+)"`, "/static/htmx-2.0.11.min.js")
	cases := []struct {
		name, path, goal string
		headers          []string
	}{
		{fmt.Sprintf("group page, %d members, full", b.c.members), group, "≤ 3×; ≤ 80 KB on the wire", nil},
		{fmt.Sprintf("group page, %d members, htmx fragment", b.c.members), group, "≤ 3×; ≤ 80 KB on the wire", []string{"HX-Request", "true"}},
		{"inline weight editor", group + "/members/" + member + "/weight", "≤ 5×", []string{"HX-Request", "true"}},
		{"static app.css", css, "compressed, immutable", nil},
		{"static htmx.min.js", js, "compressed, immutable", nil},
	}
	var out []rowSpec
	for i, c := range cases {
		out = append(out, rowSpec{c.name, func() (row, error) {
			var last answer
			app, err := measure(b.c.n, 1, func() (int, error) {
				a, err := b.user.get(c.path, c.headers...)
				last = a
				return len(a.body), err
			})
			if err != nil {
				return row{}, err
			}
			floor, err := b.sameBytesFloor(fmt.Sprintf("/same/%d", i), last)
			note := ""
			if enc := last.header.Get("Content-Encoding"); enc != "" {
				note = enc
			}
			if cc := last.header.Get("Cache-Control"); cc != "" && c.path[:8] == "/static/" {
				note += " " + cc
			}
			return row{name: c.name, app: app, floorName: "Echo, same bytes", floor: floor, goal: c.goal, note: note}, err
		}})
	}
	out = append(out, rowSpec{"group page fragment, 32 clients", func() (row, error) {
		h := []string{"HX-Request", "true"}
		app, err := measure(b.c.n, 32, func() (int, error) {
			a, err := b.user.get(group, h...)
			return len(a.body), err
		})
		if err != nil {
			return row{}, err
		}
		floor, err := b.trivialFloor(32)
		return row{name: "group page fragment, 32 clients", app: app, floorName: "trivial handler", floor: floor, goal: "flat memory",
			note: fmt.Sprintf("%.0f pages/s", app.perSec)}, err
	}})
	return out
}

// assetURL finds a static file's URL as the pages give it (content-hashed, where they are),
// or falls back to its plain URL.
func (b *bench) assetURL(pattern, plain string) string {
	a, err := b.user.get("/account")
	if err != nil {
		return plain
	}
	page, err := a.text()
	if err != nil {
		return plain
	}
	if m := regexp.MustCompile(pattern).FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return plain
}
