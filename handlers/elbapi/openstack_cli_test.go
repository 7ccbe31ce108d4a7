package elbapi_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// TestOpenStackCLI runs Debian's `openstack loadbalancer` commands against the console, as an
// operator would with the console's root as the endpoint and an API token: no Keystone. Each
// command takes a second or more to start, so the reads run side by side, on a pool nothing
// else changes, while a member's life runs on another.
func TestOpenStackCLI(t *testing.T) {
	needOpenStack(t)
	t.Parallel()
	e := newEnv(t)
	_, mine := e.allPools()
	t.Run("Reads", func(t *testing.T) {
		t.Parallel()
		e.cliReads(t, mine)
	})
	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		e.cliRefusals(t)
	})
	t.Run("MemberLife", func(t *testing.T) {
		t.Parallel()
		e.cliMemberLife(t)
	})
}

// cliReads lists and shows the load balancers, the pools and the pool's members, by name and
// by id, and compares what the CLI prints with the store.
func (e *env) cliReads(t *testing.T, mine []string) {
	lbs, err := e.store.ListLoadBalancerPools(e.ctx, db.LBSelect{})
	if err != nil {
		t.Fatal(err)
	}
	members := e.members(e.pool.ID)
	poolName, poolID := e.uniquePoolName(t)
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, o *openstack)
	}{
		{"LoadBalancerList", func(t *testing.T, o *openstack) {
			var got []map[string]any
			o.json(&got, "list")
			if len(got) != len(lbs) {
				t.Fatalf("listed %d load balancers; the store has %d", len(got), len(lbs))
			}
			for i, l := range got {
				if l["id"] != lbs[i].ID || l["name"] != lbs[i].Name || l["vip_address"] != lbs[i].Address || l["provisioning_status"] != "ACTIVE" {
					t.Errorf("load balancer %d = %v; want %s %s at %s, ACTIVE", i, l, lbs[i].ID, lbs[i].Name, lbs[i].Address)
				}
			}
		}},
		{"LoadBalancerShowByName", func(t *testing.T, o *openstack) {
			var got map[string]any
			o.json(&got, "show", e.lb.Name)
			if got["id"] != e.lb.ID || got["name"] != e.lb.Name || got["vip_network_id"] != e.lb.VpcID || got["availability_zone"] != e.lb.RegionID ||
				got["provisioning_status"] != "ACTIVE" || got["pools"] != strings.Join(mine, "\n") {
				t.Errorf("loadbalancer show %s = %v; want %s with pools %v", e.lb.Name, got, e.lb.ID, mine)
			}
		}},
		{"PoolListOfALoadBalancer", func(t *testing.T, o *openstack) {
			var got []map[string]any
			o.json(&got, "pool", "list", "--loadbalancer", e.lb.Name)
			var ids []string
			for _, p := range got {
				ids = append(ids, p["id"].(string))
				if p["project_id"] != e.lb.ID || p["provisioning_status"] != "ACTIVE" || p["lb_algorithm"] != "ROUND_ROBIN" {
					t.Errorf("pool %v", p)
				}
			}
			if !slices.Equal(ids, mine) {
				t.Errorf("pool list --loadbalancer %s = %v; want %v", e.lb.Name, ids, mine)
			}
		}},
		{"PoolShowByID", func(t *testing.T, o *openstack) {
			var got map[string]any
			o.json(&got, "pool", "show", e.pool.ID)
			var ids []string
			for _, m := range members {
				ids = append(ids, m.ID)
			}
			if got["id"] != e.pool.ID || got["name"] != e.pool.Name || got["loadbalancers"] != e.lb.ID || got["members"] != strings.Join(ids, "\n") {
				t.Errorf("pool show %s = %v; want %s of %s with its %d members", e.pool.ID, got, e.pool.Name, e.lb.ID, len(ids))
			}
		}},
		{"PoolShowByName", func(t *testing.T, o *openstack) {
			if got := o.ok("pool", "show", poolName, "-f", "value", "-c", "id"); got != poolID+"\n" {
				t.Errorf("pool show %s -c id = %q; want %s", poolName, got, poolID)
			}
		}},
		{"MemberList", func(t *testing.T, o *openstack) {
			var got []cliMember
			o.json(&got, "member", "list", e.pool.ID)
			if len(got) != len(members) {
				t.Fatalf("listed %d members; the pool has %d", len(got), len(members))
			}
			for i, m := range got {
				if !m.same(members[i]) || m.ProjectID != e.lb.ID || m.ProvisioningStatus != "ACTIVE" {
					t.Errorf("member %d = %+v; want %+v", i, m, members[i])
				}
			}
		}},
		{"MemberShowByID", func(t *testing.T, o *openstack) {
			var got cliMember
			o.json(&got, "member", "show", e.pool.ID, members[1].ID)
			if !got.same(members[1]) || got.SubnetID != members[1].SubnetID || got.Tags != "" {
				t.Errorf("member show %s = %+v; want %+v", members[1].ID, got, members[1])
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, e.openstack(t, viewerName))
		})
	}
}

// requestIDs finds the request id the CLI prints with an error.
var requestIDs = regexp.MustCompile(`\(Request-ID: ([^)]+)\)`)

// cliRefusals: what the console refuses, the CLI reports with the console's message, its HTTP
// status and the request id, which names the audit entry of the refusal; nothing changes.
func (e *env) cliRefusals(t *testing.T) {
	before := e.members(e.pool.ID)
	m := before[0]
	addrs, _ := e.freeAddresses(1)
	for _, tt := range []struct {
		name, user, want string
		args             []string
	}{
		{"UnknownMember", viewerName, "Unable to locate nosuch in members", []string{"member", "show", e.pool.ID, "nosuch"}},
		{"WeightOutOfRange", operatorName, "weight 150 is out of range: it must be between 0 and 100 (HTTP 400) (Request-ID: ",
			[]string{"member", "create", "--address", addrs[0], "--protocol-port", "80", "--weight", "150", e.pool.ID}},
		{"ViewerChanges", viewerName, "only an operator's or an admin's key may change pools (HTTP 403)", []string{"member", "set", e.pool.ID, m.ID, "--weight", "3"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := e.openstack(t, tt.user).fails(tt.want, tt.args...)
			if tt.name != "WeightOutOfRange" {
				return
			}
			id := requestIDs.FindStringSubmatch(msg)
			if id == nil {
				t.Fatalf("no request id in %q", msg)
			}
			if a, ok := e.auditByRequest(e.pool.ID, id[1]); !ok || a.Outcome == db.OutcomeOK || a.Actor != operatorName {
				t.Errorf("request %s: audit %+v, found %v; want the refusal by %s", id[1], a, ok, operatorName)
			}
		})
	}
	t.Cleanup(func() { e.unchanged(e.pool.ID, before) })
}

// cliMemberLife creates a member, finds it by name, renames and re-weights it, resets both,
// and deletes it, checking the store after each step.
func (e *env) cliMemberLife(t *testing.T) {
	o := e.openstack(t, operatorName)
	addrs, subnet := e.freeAddresses(2)
	addr := addrs[1]
	stored := func() (lb.Member, bool) {
		m, ok := byAddress(e.members(e.other.ID))[addr+":8081"]
		return m, ok
	}
	var created cliMember
	o.json(&created, "member", "create", "--address", addr, "--protocol-port", "8081", "--name", "cli-new", "--weight", "5", "--wait", e.other.ID)
	m, ok := stored()
	if !ok || !created.same(m) || m.Weight != 5 || m.Description != "cli-new" || m.SubnetID != subnet || created.ProvisioningStatus != "ACTIVE" {
		t.Fatalf("member create printed %+v; the store has %+v (%v)", created, m, ok)
	}
	if a := e.lastAudit(); a.Group != e.other.ID || a.Action != string(lb.ActionAdd) || a.Source != db.SourcePoolAPI || a.Actor != operatorName {
		t.Errorf("audit after create = %+v", a)
	}
	var shown cliMember
	o.json(&shown, "member", "show", e.other.ID, "cli-new")
	if shown.ID != m.ID {
		t.Errorf("member show by name = %+v; want %s", shown, m.ID)
	}
	o.ok("member", "set", e.other.ID, "cli-new", "--weight", "7", "--name", "cli-renamed", "--wait")
	if m, _ := stored(); m.Weight != 7 || m.Description != "cli-renamed" {
		t.Errorf("after member set --weight 7 --name cli-renamed: %+v", m)
	}
	audits := e.groupAuditCount(e.other.ID)
	o.ok("member", "set", e.other.ID, m.ID) // sends {"member": {}}
	if after, _ := stored(); after.Weight != 7 || after.Description != "cli-renamed" || e.groupAuditCount(e.other.ID) != audits {
		t.Errorf("member set with no option changed %+v, or wrote an audit entry", after)
	}
	o.ok("member", "unset", e.other.ID, "cli-renamed", "--weight", "--name")
	if m, _ := stored(); m.Weight != 1 || m.Description != "" {
		t.Errorf("after member unset --weight --name: weight %d, name %q; want 1 and none", m.Weight, m.Description)
	}
	// --disable puts the member in maintenance (HAProxy MAINT on a bound pool); --enable ends it.
	o.ok("member", "set", e.other.ID, m.ID, "--disable")
	if m, _ := stored(); !m.Maintenance {
		t.Errorf("after member set --disable: %+v; want it in maintenance", m)
	}
	o.ok("member", "set", e.other.ID, m.ID, "--enable")
	if m, _ := stored(); m.Maintenance {
		t.Errorf("after member set --enable: %+v; want it out of maintenance", m)
	}
	// --enable-backup makes it a backup server (HAProxy's backup on a bound pool).
	o.ok("member", "set", e.other.ID, m.ID, "--enable-backup")
	if m, _ := stored(); !m.Backup {
		t.Errorf("after member set --enable-backup: %+v; want a backup", m)
	}
	o.ok("member", "set", e.other.ID, m.ID, "--disable-backup")
	if m, _ := stored(); m.Backup {
		t.Errorf("after member set --disable-backup: %+v; want an active member", m)
	}
	o.ok("member", "delete", e.other.ID, m.ID, "--wait")
	if m, ok := stored(); ok {
		t.Errorf("after member delete: %+v is still there", m)
	}
}

// TestOpenStackSDK runs a Python script with openstacksdk's load_balancer proxy against the
// console: it lists load balancers (also through version discovery), finds a pool, lists its
// members whole and two at a time, finds one by id, and creates, updates, resets and deletes
// a member. The test compares what it printed with the store and the audit log.
func TestOpenStackSDK(t *testing.T) {
	needOpenStack(t)
	t.Parallel()
	e := newEnv(t)
	pool := e.thirdPool()
	members := e.members(pool.ID)
	ms := members[0]
	addr := ms.Address[:strings.LastIndex(ms.Address, ".")+1] + "222"
	lbs, err := e.store.ListLoadBalancerPools(e.ctx, db.LBSelect{})
	if err != nil {
		t.Fatal(err)
	}
	type sdkMember struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Address      string `json:"address"`
		ProtocolPort int    `json:"protocol_port"`
		Weight       int    `json:"weight"`
	}
	var out struct {
		LoadBalancers []struct {
			ID                 string `json:"id"`
			ProvisioningStatus string `json:"provisioning_status"`
		} `json:"load_balancers"`
		Discovered map[string]int `json:"discovered"`
		Pool       struct {
			ID, Name      string
			LoadBalancers []string `json:"loadbalancers"`
		} `json:"pool"`
		PoolsOfLB    []string    `json:"pools_of_lb"`
		Members      []sdkMember `json:"members"`
		MembersPaged []string    `json:"members_paged"`
		FoundByID    string      `json:"found_by_id"`
		Created      sdkMember   `json:"created"`
		Updated      sdkMember   `json:"updated"`
		Reset        sdkMember   `json:"reset"`
		AfterDelete  struct {
			Status    int    `json:"status"`
			RequestID string `json:"request_id"`
			Details   string `json:"details"`
		} `json:"after_delete"`
	}
	e.openstack(t, operatorName).sdk(&out, "openstacksdk_members.py", pool.ID, addr)

	if len(out.LoadBalancers) != len(lbs) {
		t.Errorf("load_balancers() listed %d; the store has %d", len(out.LoadBalancers), len(lbs))
	}
	for i, l := range out.LoadBalancers {
		if i < len(lbs) && (l.ID != lbs[i].ID || l.ProvisioningStatus != "ACTIVE") {
			t.Errorf("load_balancers()[%d] = %+v; want %s, ACTIVE", i, l, lbs[i].ID)
		}
	}
	for form, n := range out.Discovered {
		if n != len(lbs) {
			t.Errorf("with the endpoint override %s, load_balancers() listed %d; want %d", form, n, len(lbs))
		}
	}
	if len(out.Discovered) != 3 {
		t.Errorf("discovered through %v; want /, /v2.0 and /v2", out.Discovered)
	}
	if out.Pool.ID != pool.ID || out.Pool.Name != pool.Name || !slices.Equal(out.Pool.LoadBalancers, []string{pool.LoadBalancerID}) || !slices.Contains(out.PoolsOfLB, pool.ID) {
		t.Errorf("find_pool = %+v, pools(loadbalancer_id) = %v; want %s of %s", out.Pool, out.PoolsOfLB, pool.ID, pool.LoadBalancerID)
	}
	var ids []string
	for i, m := range members {
		ids = append(ids, m.ID)
		if i >= len(out.Members) || out.Members[i] != (sdkMember{m.ID, m.Description, m.Address, m.Port, m.Weight}) {
			t.Errorf("members()[%d] = %+v; want %+v", i, out.Members[min(i, len(out.Members)-1)], m)
		}
	}
	if len(out.Members) != len(members) || !slices.Equal(out.MembersPaged, ids) {
		t.Errorf("members() listed %d, two at a time %d; the pool has %d", len(out.Members), len(out.MembersPaged), len(members))
	}
	if out.FoundByID != members[0].ID {
		t.Errorf("find_member(id) = %q; want %s", out.FoundByID, members[0].ID)
	}
	want := sdkMember{out.Created.ID, "sdk-new", addr, 8082, 3}
	if out.Created != want || out.Updated.Weight != 9 || out.Reset.Weight != 1 || out.Reset.Name != "sdk-new" {
		t.Errorf("created %+v, updated %+v, reset %+v; want %+v, then weight 9, then weight 1", out.Created, out.Updated, out.Reset, want)
	}
	if d := out.AfterDelete; d.Status != 404 || d.RequestID == "" || !strings.Contains(d.Details, fmt.Sprintf("member %s is not in pool %s", out.Created.ID, pool.ID)) {
		t.Errorf("get_member after delete = %+v; want a 404 with its request id", d)
	}
	if _, ok := byAddress(e.members(pool.ID))[addr+":8082"]; ok {
		t.Errorf("the member the script deleted is still in pool %s", pool.ID)
	}
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Group: pool.ID, Source: db.SourcePoolAPI, Actor: operatorName, Ascending: true})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range page.Items {
		actions = append(actions, a.Action)
	}
	if want := []string{"add", "set_weights", "set_weights", "remove"}; !slices.Equal(actions, want) {
		t.Errorf("audit of pool %s: %v; want %v", pool.ID, actions, want)
	}
}
