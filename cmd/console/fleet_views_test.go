package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// A view is the fleet's load balancers, groups and members as one interface shows them, in a
// form the three interfaces and the file can be compared in. What an interface does not show
// stays empty on both sides of its comparison.
type lbView struct {
	ID, Name, Region, Address, Status string
	Groups                            []groupView
}

type groupView struct {
	ID, Name string
	Kind     lb.GroupKind
	Members  []memberView
}

type memberView struct {
	Server, Address string
	Port, Weight    int
	Description     string
}

func (m memberView) String() string {
	return fmt.Sprintf("%s/%s:%d w%d %q", m.Server, m.Address, m.Port, m.Weight, m.Description)
}

func sortView(v []lbView) []lbView {
	slices.SortFunc(v, func(a, b lbView) int { return strings.Compare(a.ID, b.ID) })
	for i := range v {
		slices.SortFunc(v[i].Groups, func(a, b groupView) int { return strings.Compare(a.ID, b.ID) })
		for j := range v[i].Groups {
			slices.SortFunc(v[i].Groups[j].Members, func(a, b memberView) int { return strings.Compare(a.String(), b.String()) })
		}
	}
	return v
}

// fileView is what a fleet file says the interfaces must show.
func fileView(doc fleet.Document) []lbView {
	addr := map[string]string{}
	for _, s := range doc.Servers {
		addr[s.ID] = s.Address
	}
	var out []lbView
	for _, l := range doc.LoadBalancers {
		l = l.Effective()
		v := lbView{ID: l.ID, Name: l.Name, Region: l.Region, Address: l.Address, Status: string(l.Status)}
		for _, g := range l.Groups {
			gv := groupView{ID: g.ID, Name: g.Name, Kind: g.Kind, Members: []memberView{}}
			for _, m := range *g.Members {
				mv := memberView{Server: m.Server, Address: m.Address, Port: m.Port, Weight: lb.DefaultWeight}
				if mv.Address == "" {
					mv.Address = addr[m.Server]
				}
				if m.Weight != nil {
					mv.Weight = *m.Weight
				}
				if m.Description != nil {
					mv.Description = *m.Description
				}
				gv.Members = append(gv.Members, mv)
			}
			v.Groups = append(v.Groups, gv)
		}
		out = append(out, v)
	}
	return sortView(out)
}

// project keeps of a view what an interface shows: keep edits each member, and groups of the
// kinds listed (all when none).
func project(v []lbView, lbFields func(*lbView), keep func(*memberView), kinds ...lb.GroupKind) []lbView {
	out := make([]lbView, 0, len(v))
	for _, l := range v {
		lbFields(&l)
		var groups []groupView
		for _, g := range l.Groups {
			if len(kinds) > 0 && !slices.Contains(kinds, g.Kind) {
				continue
			}
			members := make([]memberView, len(g.Members))
			for i, m := range g.Members {
				keep(&m)
				members[i] = m
			}
			g.Members = members
			groups = append(groups, g)
		}
		l.Groups = groups
		out = append(out, l)
	}
	return sortView(out)
}

// consoleReader reads the console's pages as a signed-in admin.
type consoleReader struct {
	t    *testing.T
	base string
	http *http.Client
}

func signIn(t *testing.T, addr, user, password string) *consoleReader {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleReader{t: t, base: "http://" + addr, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	page := c.page("/login")
	csrf, _ := page.Find("form[data-testid=login-form] input[name=_csrf]").Attr("value")
	resp, err := c.http.PostForm(c.base+"/login", url.Values{"username": {user}, "password": {password}, "_csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/login" {
		t.Fatalf("sign-in as %s failed: %d", user, resp.StatusCode)
	}
	return c
}

func (c *consoleReader) page(path string) *goquery.Document {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return doc
}

// view reads /lbs, each /lbs/ID and each group page.
func (c *consoleReader) view() []lbView {
	var out []lbView
	c.page("/lbs").Find("tr[data-testid=lb-row]").Each(func(_ int, row *goquery.Selection) {
		id, _ := row.Attr("data-id")
		cells := row.Find("td")
		l := lbView{ID: id, Name: text(cells.Eq(0)), Region: text(cells.Eq(2)), Address: text(cells.Eq(3).Find("code")), Status: text(cells.Eq(4))}
		c.page("/lbs/" + id).Find("a[data-testid=group-link]").Each(func(_ int, link *goquery.Selection) {
			href, _ := link.Attr("href")
			l.Groups = append(l.Groups, c.group(href, text(link)))
		})
		out = append(out, l)
	})
	return sortView(out)
}

func (c *consoleReader) group(href, title string) groupView {
	page := c.page(href)
	g := groupView{Name: title, Kind: lb.KindVServer, Members: []memberView{}}
	g.ID = text(page.Find("h1 span.muted code"))
	if strings.HasSuffix(href, "/groups/"+lb.DefaultGroupRef) {
		g.Name, g.Kind = "", lb.KindDefault
	}
	page.Find("tr[data-testid=member-row]").Each(func(_ int, row *goquery.Selection) {
		server, _ := row.Attr("data-server-id")
		port, _ := row.Attr("data-port")
		weight, _ := row.Attr("data-weight")
		m := memberView{Server: server, Address: text(row.Find("td code").Eq(1)), Description: text(row.Find("td").Last())}
		m.Port, _ = strconv.Atoi(port)
		m.Weight, _ = strconv.Atoi(weight)
		g.Members = append(g.Members, m)
	})
	return g
}

func text(s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }

// slbView reads the fleet through the SLB API with the Alibaba Cloud SDK: every load balancer
// of each region, its default server list and its VServer groups with their servers.
func slbView(t *testing.T, addr, id, secret string, regions []string) []lbView {
	t.Helper()
	var out []lbView
	for _, region := range regions {
		client, err := slb.NewClientWithAccessKey(region, id, secret)
		if err != nil {
			t.Fatal(err)
		}
		client.Domain = addr
		list := slb.CreateDescribeLoadBalancersRequest()
		list.PageSize = requests.NewInteger(100)
		lbs, err := client.DescribeLoadBalancers(list)
		if err != nil {
			t.Fatalf("DescribeLoadBalancers in %s: %v", region, err)
		}
		for _, l := range lbs.LoadBalancers.LoadBalancer {
			v := lbView{ID: l.LoadBalancerId, Name: l.LoadBalancerName, Region: l.RegionId, Address: l.Address, Status: l.LoadBalancerStatus}
			v.Groups = append(v.Groups, slbDefaultList(t, client, l.LoadBalancerId))
			groups := slb.CreateDescribeVServerGroupsRequest()
			groups.LoadBalancerId = l.LoadBalancerId
			res, err := client.DescribeVServerGroups(groups)
			if err != nil {
				t.Fatalf("DescribeVServerGroups(%s): %v", l.LoadBalancerId, err)
			}
			for _, g := range res.VServerGroups.VServerGroup {
				v.Groups = append(v.Groups, slbGroup(t, client, g.VServerGroupId, g.VServerGroupName))
			}
			out = append(out, v)
		}
	}
	return sortView(out)
}

func slbDefaultList(t *testing.T, client *slb.Client, lbID string) groupView {
	t.Helper()
	req := slb.CreateDescribeLoadBalancerAttributeRequest()
	req.LoadBalancerId = lbID
	res, err := client.DescribeLoadBalancerAttribute(req)
	if err != nil {
		t.Fatalf("DescribeLoadBalancerAttribute(%s): %v", lbID, err)
	}
	g := groupView{Kind: lb.KindDefault, Members: []memberView{}}
	for _, s := range res.BackendServers.BackendServer {
		g.Members = append(g.Members, memberView{Server: s.ServerId, Address: s.ServerIp, Weight: s.Weight, Description: s.Description})
	}
	return g
}

func slbGroup(t *testing.T, client *slb.Client, id, name string) groupView {
	t.Helper()
	req := slb.CreateDescribeVServerGroupAttributeRequest()
	req.VServerGroupId = id
	res, err := client.DescribeVServerGroupAttribute(req)
	if err != nil {
		t.Fatalf("DescribeVServerGroupAttribute(%s): %v", id, err)
	}
	g := groupView{ID: id, Name: name, Kind: lb.KindVServer, Members: []memberView{}}
	if res.VServerGroupName != name {
		t.Errorf("DescribeVServerGroupAttribute(%s) names it %q, DescribeVServerGroups %q", id, res.VServerGroupName, name)
	}
	for _, s := range res.BackendServers.BackendServer {
		g.Members = append(g.Members, memberView{Server: s.ServerId, Address: s.ServerIp, Port: s.Port, Weight: s.Weight, Description: s.Description})
	}
	return g
}

// restMembers reads each of the file's VServer groups as a pool through the REST API with
// gophercloud, which names no server and no load balancer.
func restView(t *testing.T, addr, token string, want []lbView) []lbView {
	t.Helper()
	client := &gophercloud.ServiceClient{
		ProviderClient: &gophercloud.ProviderClient{TokenID: token, HTTPClient: http.Client{Timeout: 30 * time.Second}},
		Endpoint:       "http://" + addr + "/v2.0/",
	}
	var out []lbView
	for _, l := range want {
		v := lbView{ID: l.ID}
		for _, g := range l.Groups {
			if g.Kind != lb.KindVServer {
				continue
			}
			pages, err := pools.ListMembers(client, g.ID, pools.ListMembersOpts{}).AllPages(context.Background())
			if err != nil {
				t.Fatalf("pools.ListMembers(%s): %v", g.ID, err)
			}
			members, err := pools.ExtractMembers(pages)
			if err != nil {
				t.Fatal(err)
			}
			gv := groupView{ID: g.ID, Kind: lb.KindVServer, Members: []memberView{}}
			for _, m := range members {
				if m.PoolID != g.ID {
					t.Errorf("member %s of pool %s says pool %s", m.ID, g.ID, m.PoolID)
				}
				gv.Members = append(gv.Members, memberView{Address: m.Address, Port: m.ProtocolPort, Weight: m.Weight, Description: m.Name})
			}
			v.Groups = append(v.Groups, gv)
		}
		out = append(out, v)
	}
	return sortView(out)
}
