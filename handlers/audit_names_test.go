package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// The audit log names load balancers and groups beside their ids, says the weights a change
// set, and its filters take a name or the start of an id: on the page and in the CSV, whose new
// columns come after the ones scripts know.
func TestAuditNamesAndWeights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lbID, g := e.bigGroup()
	l, err := e.store.GetLoadBalancer(e.ctx, lbID)
	if err != nil {
		t.Fatal(err)
	}
	m := e.members(g.ID)[0]
	w := (m.Weight + 37) % 101
	res, err := e.store.ApplyBatch(e.ctx, db.BatchRequest{LoadBalancerID: lbID, GroupRef: g.ID, Actor: adminName, Source: db.SourcePoolAPI,
		Batch: lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: m.ID, Weight: &w}}}})
	if err != nil {
		t.Fatal(err)
	}
	label := fmt.Sprintf("%s:%d", m.ServerID, m.Port)
	c := e.signInAt(viewerName)

	for _, filter := range []url.Values{
		{"lb": {l.Name}}, {"lb": {lbID[:6]}}, {"group": {g.Name}}, {"actor": {adminName[:2]}},
	} {
		t.Run("the page filtered by "+filter.Encode(), func(t *testing.T) {
			d := c.Get("/audit?" + filter.Encode()).Doc()
			row := d.Find(fmt.Sprintf(`tr[data-testid="audit-row"][data-seq="%d"]`, res.Seq))
			if row.Length() != 1 {
				t.Fatalf("the filter %s does not list entry %d", filter.Encode(), res.Seq)
			}
			if got := text(row.Find(`[data-testid="audit-lb"]`)); !strings.Contains(got, l.Name) || !strings.Contains(got, lbID) {
				t.Errorf("the load balancer cell says %q; want %s and %s", got, l.Name, lbID)
			}
			if got := text(row.Find(`[data-testid="audit-group"]`)); !strings.Contains(got, g.Name) || !strings.Contains(got, g.ID) {
				t.Errorf("the group cell says %q; want %s and %s", got, g.Name, g.ID)
			}
			if got, want := text(row.Find(`[data-testid="audit-weight"]`)), fmt.Sprintf("%s %d → %d", label, m.Weight, w); got != want {
				t.Errorf("the servers cell says %q; want %q", got, want)
			}
		})
	}
	t.Run("a filter that matches nothing lists nothing", func(t *testing.T) {
		if n := c.Get("/audit?lb=no-such-balancer").Doc().Find(`tr[data-testid="audit-row"]`).Length(); n != 0 {
			t.Errorf("lb=no-such-balancer lists %d entries", n)
		}
	})
	t.Run("the CSV", func(t *testing.T) {
		r := c.Get("/audit.csv?lb=" + url.QueryEscape(l.Name))
		wantStatus(t, r, http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		head := strings.Join(rows[0], ",")
		if !strings.HasPrefix(head, "seq,time,actor,source,client_ip,request_id,action,region,load_balancer,group,outcome,message,count,servers,hash,") {
			t.Fatalf("the header is %s: the columns scripts know moved", head)
		}
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		last := rows[len(rows)-1]
		for name, want := range map[string]string{"seq": fmt.Sprint(res.Seq), "load_balancer_name": l.Name, "group_name": g.Name,
			"weights_before": fmt.Sprintf("%s=%d", label, m.Weight), "weights_after": fmt.Sprintf("%s=%d", label, w)} {
			if got := last[col[name]]; got != want {
				t.Errorf("the last row's %s is %q; want %q", name, got, want)
			}
		}
	})
}
