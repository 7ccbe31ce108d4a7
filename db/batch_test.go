package db

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lbconsole/lb"
)

func TestApplyBatchRemove(t *testing.T) {
	ctx := context.Background()

	t.Run("removed members leave the group, the version moves and the audit entry names them", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		before := members(t, d, big.Group.ID)
		version := groupVersion(t, d, big)
		gone := before[10:13]
		req := removeReq(big, "alice", gone[0].ID, gone[1].ID, gone[2].ID)

		res, err := d.ApplyBatch(ctx, req)
		if err != nil {
			t.Fatalf("ApplyBatch: %v", err)
		}

		after := members(t, d, big.Group.ID)
		if len(after) != len(before)-3 {
			t.Errorf("members after = %d, want %d", len(after), len(before)-3)
		}
		for _, m := range after {
			for _, g := range gone {
				if m.ID == g.ID {
					t.Errorf("member %s (%s) is still in the group", m.ID, label(m))
				}
			}
		}
		if got := groupVersion(t, d, big); got != version+1 {
			t.Errorf("group version = %d, want %d", got, version+1)
		}
		if res.Group.Version != version+1 {
			t.Errorf("result's group version = %d, want %d", res.Group.Version, version+1)
		}
		if got, want := memberIDs(res.Members), memberIDs(after); !reflect.DeepEqual(got, want) {
			t.Errorf("result's members differ from what ListMembers shows (%d vs %d)", len(got), len(want))
		}
		if res.Seq == 0 {
			t.Fatal("result has no audit sequence number")
		}

		e := getAudit(t, d, res.Seq)
		wantFields := map[string][2]string{
			"Outcome":      {e.Outcome, OutcomeOK},
			"Actor":        {e.Actor, "alice"},
			"Source":       {e.Source, SourceConsole},
			"ClientIP":     {e.ClientIP, req.ClientIP},
			"RequestID":    {e.RequestID, req.RequestID},
			"Request":      {e.Request, req.Request},
			"Action":       {e.Action, string(lb.ActionRemove)},
			"Region":       {e.Region, big.LB.RegionID},
			"LoadBalancer": {e.LoadBalancer, big.LB.ID},
			"Group":        {e.Group, big.Group.ID},
			"Message":      {e.Message, ""},
			"After":        {e.After, "[]"},
		}
		for name, gw := range wantFields {
			if gw[0] != gw[1] {
				t.Errorf("audit %s = %q, want %q", name, gw[0], gw[1])
			}
		}
		var wantServers []string
		for _, m := range gone {
			wantServers = append(wantServers, label(m))
		}
		if got := strings.Fields(e.Servers); !reflect.DeepEqual(sorted(got), sorted(wantServers)) || strings.Count(e.Servers, " ") != 2 {
			t.Errorf("audit Servers = %q, want the three of %v, space separated", e.Servers, wantServers)
		}
		if e.Count != 3 {
			t.Errorf("audit Count = %d, want 3", e.Count)
		}
		if e.GroupVersion != version+1 {
			t.Errorf("audit GroupVersion = %d, want %d (the version the change produced)", e.GroupVersion, version+1)
		}
		var beforeJSON []AuditMember
		if err := json.Unmarshal([]byte(e.Before), &beforeJSON); err != nil {
			t.Fatalf("audit Before is not JSON: %v: %s", err, e.Before)
		}
		var wantBefore []AuditMember
		for _, m := range gone {
			wantBefore = append(wantBefore, AuditMember{ID: m.ID, ServerID: m.ServerID, Address: m.Address, Port: m.Port,
				Weight: m.Weight, Type: string(m.Type), Description: m.Description, SubnetID: m.SubnetID, Created: formatTime(m.Created)})
		}
		if !reflect.DeepEqual(beforeJSON, wantBefore) {
			t.Errorf("audit Before = %+v, want %+v", beforeJSON, wantBefore)
		}
	})

	t.Run("an id not in the group is ignored and not audited as removed", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		before := members(t, d, big.Group.ID)
		version := groupVersion(t, d, big)
		gone := before[20:22]
		const stranger = "00000000-0000-4000-8000-000000000000"

		res, err := d.ApplyBatch(ctx, removeReq(big, "alice", gone[0].ID, stranger, gone[1].ID))
		if err != nil {
			t.Fatalf("ApplyBatch: %v", err)
		}
		after := members(t, d, big.Group.ID)
		if len(after) != len(before)-2 {
			t.Errorf("members after = %d, want %d", len(after), len(before)-2)
		}
		if got := groupVersion(t, d, big); got != version+1 {
			t.Errorf("group version = %d, want %d", got, version+1)
		}
		e := getAudit(t, d, res.Seq)
		want := []string{label(gone[0]), label(gone[1])}
		if got := strings.Fields(e.Servers); !reflect.DeepEqual(sorted(got), sorted(want)) {
			t.Errorf("audit Servers = %q, want %v", e.Servers, want)
		}
		if e.Count != 2 || e.Outcome != OutcomeOK {
			t.Errorf("audit Count, Outcome = %d, %q; want 2, ok", e.Count, e.Outcome)
		}
		if strings.Contains(e.Before, stranger) {
			t.Errorf("audit Before names the id that was not in the group: %s", e.Before)
		}
	})

	t.Run("a removal that matches nothing changes nothing and keeps the version", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		before := members(t, d, big.Group.ID)
		version := groupVersion(t, d, big)
		res, err := d.ApplyBatch(ctx, removeReq(big, "alice", "00000000-0000-4000-8000-000000000000"))
		if err != nil {
			t.Fatalf("ApplyBatch: %v", err)
		}
		if after := members(t, d, big.Group.ID); !reflect.DeepEqual(after, before) {
			t.Errorf("members changed: %d before, %d after", len(before), len(after))
		}
		if got := groupVersion(t, d, big); got != version {
			t.Errorf("group version = %d, want %d (nothing changed)", got, version)
		}
		if e := getAudit(t, d, res.Seq); e.Outcome != OutcomeOK || e.Count != 0 || e.Before != "[]" || e.After != "[]" {
			t.Errorf("audit Outcome, Count, Before, After = %q, %d, %s, %s; want ok, 0, [], []", e.Outcome, e.Count, e.Before, e.After)
		}
	})

	t.Run("the version the user saw applies while it is current", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		ms := members(t, d, big.Group.ID)
		req := removeReq(big, "alice", ms[0].ID)
		req.ExpectedVersion = groupVersion(t, d, big)
		res := apply(t, d, req)
		if res.Group.Version != req.ExpectedVersion+1 {
			t.Errorf("version = %d, want %d", res.Group.Version, req.ExpectedVersion+1)
		}
	})

	t.Run("a VServer group can be named by its id alone, as the APIs do", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		ms := members(t, d, big.Group.ID)
		req := removeReq(big, "alice", ms[0].ID)
		req.LoadBalancerID, req.Source = "", SourcePoolAPI
		res := apply(t, d, req)
		if got := len(members(t, d, big.Group.ID)); got != len(ms)-1 {
			t.Errorf("members after = %d, want %d", got, len(ms)-1)
		}
		if e := getAudit(t, d, res.Seq); e.LoadBalancer != big.LB.ID || e.Group != big.Group.ID {
			t.Errorf("audit LoadBalancer, Group = %q, %q; want %q, %q", e.LoadBalancer, e.Group, big.LB.ID, big.Group.ID)
		}
	})

	t.Run("a running inventory server can be added by id", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		small := smallGroup(t, d)
		before := members(t, d, small.Group.ID)
		in := map[string]bool{}
		for _, m := range before {
			in[m.ServerID] = true
		}
		var serverID, address string
		rows, err := d.read.QueryContext(ctx, `SELECT s.id, s.address FROM servers s JOIN subnets n ON n.id = s.subnet_id
			WHERE n.vpc_id = ? AND s.status = 'Running' ORDER BY s.id`, small.LB.VpcID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, addr string
			if err := rows.Scan(&id, &addr); err != nil {
				t.Fatal(err)
			}
			if !in[id] && serverID == "" {
				serverID, address = id, addr
			}
		}
		rows.Close()
		if serverID == "" {
			t.Fatal("no running server outside the group")
		}
		const port = 7777 // no demo group uses it, so (address, port) is new
		req := BatchRequest{LoadBalancerID: small.LB.ID, GroupRef: small.Group.ID, Actor: "alice", Source: SourceSLBAPI,
			Batch: lb.Batch{Action: lb.ActionAdd, New: []lb.Spec{{ServerID: serverID, Port: port}}}}
		res, err := d.ApplyBatch(ctx, req)
		if err != nil {
			t.Fatalf("ApplyBatch add: %v", err)
		}
		after := members(t, d, small.Group.ID)
		var added *lb.Member
		for i, m := range after {
			if m.ServerID == serverID {
				added = &after[i]
			}
		}
		if len(after) != len(before)+1 || added == nil {
			t.Fatalf("members after = %d (added found: %v), want %d with %s", len(after), added != nil, len(before)+1, serverID)
		}
		if added.Address != address || added.Port != port || added.Weight != lb.DefaultWeight {
			t.Errorf("added member = %s %s:%d weight %d, want %s:%d weight %d", added.ServerID, added.Address, added.Port, added.Weight, address, port, lb.DefaultWeight)
		}
		e := getAudit(t, d, res.Seq)
		if want := label(*added); e.Servers != want || e.Count != 1 || e.Source != SourceSLBAPI {
			t.Errorf("audit Servers, Count, Source = %q, %d, %q; want %q, 1, slb-api", e.Servers, e.Count, e.Source, want)
		}
	})
}

func TestApplyBatchRefused(t *testing.T) {
	ctx := context.Background()
	weight101 := 101

	type refusal struct {
		name    string
		kind    lb.Kind
		stale   bool
		request func(t *testing.T, d *DB) (BatchRequest, target)
	}
	cases := []refusal{
		{
			name: "a weight above 100 is invalid",
			kind: lb.KindInvalid,
			request: func(t *testing.T, d *DB) (BatchRequest, target) {
				big := bigGroup(t, d)
				m := members(t, d, big.Group.ID)[0]
				req := weightReq(big, "alice", m.ID, weight101)
				return req, big
			},
		},
		{
			name: "a locked load balancer is forbidden",
			kind: lb.KindForbidden,
			request: func(t *testing.T, d *DB) (BatchRequest, target) {
				locked := lockedGroup(t, d)
				m := members(t, d, locked.Group.ID)[0]
				req := removeReq(locked, "alice", m.ID)
				req.GroupRef = lb.DefaultGroupRef
				return req, locked
			},
		},
		{
			name: "an unknown load balancer is not found",
			kind: lb.KindNotFound,
			request: func(t *testing.T, d *DB) (BatchRequest, target) {
				big := bigGroup(t, d)
				m := members(t, d, big.Group.ID)[0]
				req := removeReq(big, "alice", m.ID)
				req.LoadBalancerID = "lb-doesnotexist0000000"
				return req, big
			},
		},
		{
			name: "a group of another load balancer is not found",
			kind: lb.KindNotFound,
			request: func(t *testing.T, d *DB) (BatchRequest, target) {
				big := bigGroup(t, d)
				small := smallGroup(t, d, big.LB.ID)
				m := members(t, d, small.Group.ID)[0]
				req := removeReq(small, "alice", m.ID)
				req.LoadBalancerID = big.LB.ID
				return req, small
			},
		},
		{
			name:  "a stale version is a conflict",
			kind:  lb.KindConflict,
			stale: true,
			request: func(t *testing.T, d *DB) (BatchRequest, target) {
				big := bigGroup(t, d)
				ms := members(t, d, big.Group.ID)
				seen := groupVersion(t, d, big)
				apply(t, d, removeReq(big, "bob", ms[0].ID)) // someone else changes the group
				req := removeReq(big, "alice", ms[1].ID)
				req.ExpectedVersion = seen
				return req, big
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := seededDB(t, Options{})
			req, tg := tc.request(t, d)
			before := members(t, d, tg.Group.ID)
			version := groupVersion(t, d, tg)
			audited := auditTotal(t, d)

			res, err := d.ApplyBatch(ctx, req)

			var le *lb.Error
			if !errors.As(err, &le) {
				t.Fatalf("ApplyBatch error = %v (%T), want an *lb.Error", err, err)
			}
			if le.Kind != tc.kind {
				t.Errorf("error kind = %q, want %q (%v)", le.Kind, tc.kind, err)
			}
			if got := lb.IsStale(err); got != tc.stale {
				t.Errorf("lb.IsStale = %v, want %v", got, tc.stale)
			}
			if after := members(t, d, tg.Group.ID); !reflect.DeepEqual(after, before) {
				t.Errorf("members changed: %d before, %d after", len(before), len(after))
			}
			if got := groupVersion(t, d, tg); got != version {
				t.Errorf("group version = %d, want %d (unchanged)", got, version)
			}
			if got := auditTotal(t, d); got != audited+1 {
				t.Errorf("audit rows = %d, want %d (one for the refusal)", got, audited+1)
			}
			if res.Seq == 0 {
				t.Fatal("the refusal's result carries no audit sequence number")
			}
			e := getAudit(t, d, res.Seq)
			if e.Outcome != string(tc.kind) || e.Message != err.Error() {
				t.Errorf("audit Outcome, Message = %q, %q; want %q, %q", e.Outcome, e.Message, tc.kind, err.Error())
			}
			if e.Actor != "alice" || e.Source != SourceConsole || e.LoadBalancer != req.LoadBalancerID {
				t.Errorf("audit Actor, Source, LoadBalancer = %q, %q, %q; want alice, console, %q", e.Actor, e.Source, e.LoadBalancer, req.LoadBalancerID)
			}
			if e.Before != "[]" || e.After != "[]" {
				t.Errorf("audit Before, After = %s, %s; want [] and []", e.Before, e.After)
			}
			if e.Count != req.Batch.Size() || e.Servers == "" {
				t.Errorf("audit Count, Servers = %d, %q; want %d entries named", e.Count, e.Servers, req.Batch.Size())
			}
		})
	}
}

func TestPreviewBatch(t *testing.T) {
	ctx := context.Background()

	t.Run("a preview shows the diff and changes nothing", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		before := members(t, d, big.Group.ID)
		version := groupVersion(t, d, big)
		gone := before[:3]
		res, err := d.PreviewBatch(ctx, removeReq(big, "alice", gone[0].ID, gone[1].ID, gone[2].ID))
		if err != nil {
			t.Fatalf("PreviewBatch: %v", err)
		}
		if got, want := memberIDs(res.Diff.Removed), memberIDs(gone); !reflect.DeepEqual(got, want) {
			t.Errorf("preview removes %v, want %v", got, want)
		}
		if len(res.Diff.Added)+len(res.Diff.Changed) != 0 {
			t.Errorf("preview adds %d and changes %d, want none", len(res.Diff.Added), len(res.Diff.Changed))
		}
		if len(res.Members) != len(before)-3 {
			t.Errorf("preview's members = %d, want %d", len(res.Members), len(before)-3)
		}
		if res.Seq != 0 {
			t.Errorf("preview Seq = %d, want 0", res.Seq)
		}
		if after := members(t, d, big.Group.ID); !reflect.DeepEqual(after, before) {
			t.Errorf("members changed by a preview: %d before, %d after", len(before), len(after))
		}
		if got := groupVersion(t, d, big); got != version {
			t.Errorf("group version = %d, want %d", got, version)
		}
		if got := auditTotal(t, d); got != 0 {
			t.Errorf("audit rows = %d, want 0", got)
		}
	})

	t.Run("a preview of a broken rule returns the error and writes no audit row", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		m := members(t, d, big.Group.ID)[0]
		_, err := d.PreviewBatch(ctx, weightReq(big, "alice", m.ID, 101))
		if lb.ErrorKind(err) != lb.KindInvalid {
			t.Errorf("PreviewBatch error = %v, want kind invalid", err)
		}
		if got := auditTotal(t, d); got != 0 {
			t.Errorf("audit rows = %d, want 0", got)
		}
	})
}
