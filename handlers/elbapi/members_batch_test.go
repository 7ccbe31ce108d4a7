package elbapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/db"
	"lbconsole/lb"
)

// byAddress indexes members by address:port.
func byAddress(ms []lb.Member) map[string]lb.Member {
	out := make(map[string]lb.Member, len(ms))
	for _, m := range ms {
		out[fmt.Sprintf("%s:%d", m.Address, m.Port)] = m
	}
	return out
}

func TestBatchAdd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	addrs, subnet := e.freeAddresses(2)
	body := fmt.Sprintf(`{"action":"add","members":[`+
		`{"address":%q,"protocol_port":8081,"subnet_id":%q,"name":"api-1"},`+
		`{"address":%q,"protocol_port":8081,"subnet_id":null,"weight":7,"admin_state_up":true}]}`, addrs[0], subnet, addrs[1])
	resp, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, map[string]string{"X-Request-Id": "test-add-1"})
	if err != nil {
		t.Fatalf("PUT add: %v", err)
	}
	if resp.StatusCode != http.StatusAccepted || resp.ContentLength > 0 {
		t.Errorf("answer = %d with %d bytes; want 202, empty", resp.StatusCode, resp.ContentLength)
	}
	if got := resp.Header.Get("X-Request-Id"); got != "test-add-1" {
		t.Errorf("X-Request-Id = %q; want the one sent", got)
	}
	after := byAddress(e.members(e.pool.ID))
	if len(after) != len(before)+2 {
		t.Fatalf("%d members after; want %d", len(after), len(before)+2)
	}
	first, second := after[addrs[0]+":8081"], after[addrs[1]+":8081"]
	if first.Weight != 1 || first.Description != "api-1" || first.SubnetID != subnet {
		t.Errorf("first = %+v; want weight 1 (the REST default), name api-1, subnet %s", first, subnet)
	}
	if second.Weight != 7 || second.SubnetID != subnet {
		t.Errorf("second = %+v; want weight 7 and the subnet holding its address, %s", second, subnet)
	}
	a := e.lastAudit()
	// The request as it ran: re-encoded from what was decoded, nulls left out.
	executed := fmt.Sprintf(`{"action":"add","members":[`+
		`{"name":"api-1","address":%q,"protocol_port":8081,"subnet_id":%q},`+
		`{"address":%q,"protocol_port":8081,"weight":7,"admin_state_up":true}]}`, addrs[0], subnet, addrs[1])
	want := db.AuditEntry{Source: db.SourcePoolAPI, Actor: operatorName, RequestID: "test-add-1", Outcome: db.OutcomeOK,
		Action: string(lb.ActionAdd), Group: e.pool.ID, LoadBalancer: e.lb.ID, ClientIP: "127.0.0.1", Request: executed, Count: 2}
	got := db.AuditEntry{Source: a.Source, Actor: a.Actor, RequestID: a.RequestID, Outcome: a.Outcome, Action: a.Action,
		Group: a.Group, LoadBalancer: a.LoadBalancer, ClientIP: a.ClientIP, Request: a.Request, Count: a.Count}
	if got != want {
		t.Errorf("audit entry = %+v;\nwant %+v", got, want)
	}
}

func TestBatchEmptyLists(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, action string
		empties      bool
	}{
		{"AddNothing", "add", false},
		{"DeleteNothing", "delete", false},
		{"ReplaceRemovesAll", "replace", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.members(e.pool.ID)
			if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), `{"members":[],"action":"`+tt.action+`"}`, nil); err != nil {
				t.Fatalf("PUT: %v", err)
			}
			after := e.members(e.pool.ID)
			if tt.empties && len(after) != 0 {
				t.Errorf("%d members left; want none", len(after))
			}
			if !tt.empties && len(after) != len(before) {
				t.Errorf("%d members; want the %d there were", len(after), len(before))
			}
			if a := e.lastAudit(); a.Outcome != db.OutcomeOK || a.Source != db.SourcePoolAPI {
				t.Errorf("audit = %s %s; want ok from pool-api", a.Outcome, a.Source)
			}
		})
	}
}

func TestBatchDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	body := fmt.Sprintf(`{"action":"delete","members":[{"id":%q},{"id":%q},{"id":%q}]}`, before[0].ID, before[1].ID, before[0].ID)
	if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, nil); err != nil {
		t.Fatalf("PUT delete: %v", err)
	}
	after := e.members(e.pool.ID)
	if len(after) != len(before)-2 {
		t.Fatalf("%d members; want %d", len(after), len(before)-2)
	}
	for _, m := range after {
		if m.ID == before[0].ID || m.ID == before[1].ID {
			t.Errorf("member %s is still there", m.ID)
		}
	}
	if a := e.lastAudit(); a.Action != string(lb.ActionRemove) || a.Count != 2 {
		t.Errorf("audit = %s of %d; want remove of 2", a.Action, a.Count)
	}
}

func TestBatchDeleteUnknownID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	other := e.members(e.other.ID)[0].ID // a member, but of another pool
	for _, unknown := range []string{"0b6c1f8e-0000-4000-8000-000000000000", other} {
		body := fmt.Sprintf(`{"action":"delete","members":[{"id":%q},{"id":%q}]}`, before[0].ID, unknown)
		_, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, map[string]string{"X-Request-Id": "del-unknown"})
		wantError(t, err, http.StatusNotFound, unknown)
		e.unchanged(e.pool.ID, before)
		if a := e.lastAudit(); a.Outcome != "not_found" || a.RequestID != "del-unknown" || a.Actor != operatorName {
			t.Errorf("audit = %s by %s (%s); want the refusal recorded", a.Outcome, a.Actor, a.RequestID)
		}
	}
}

func TestBatchReplace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	keep := before[0]
	addrs, subnet := e.freeAddresses(1)
	body := fmt.Sprintf(`{"action":"replace","members":[{"address":%q,"protocol_port":%d,"name":"kept"},{"address":%q,"protocol_port":9000,"subnet_id":%q}]}`,
		keep.Address, keep.Port, addrs[0], subnet)
	if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, nil); err != nil {
		t.Fatalf("PUT replace: %v", err)
	}
	after := byAddress(e.members(e.pool.ID))
	if len(after) != 2 {
		t.Fatalf("%d members; want exactly the 2 listed", len(after))
	}
	kept := after[fmt.Sprintf("%s:%d", keep.Address, keep.Port)]
	if kept.ID != keep.ID || kept.Weight != keep.Weight || kept.Description != "kept" {
		t.Errorf("kept = %+v; want id %s and weight %d kept, name changed", kept, keep.ID, keep.Weight)
	}
	if added := after[addrs[0]+":9000"]; added.Weight != 1 || added.ID == "" {
		t.Errorf("added = %+v; want weight 1 and a new id", added)
	}
	if a := e.lastAudit(); a.Action != string(lb.ActionReplaceAll) || a.Outcome != db.OutcomeOK {
		t.Errorf("audit = %s %s; want replace_all ok", a.Action, a.Outcome)
	}
}

// TestBatchUpdateMembersNoAction drives gophercloud's own BatchUpdateMembers, which sends no
// action (Octavia's replace) and "subnet_id": null when no subnet is given.
func TestBatchUpdateMembersNoAction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	keep := before[1]
	addrs, subnet := e.freeAddresses(2)
	name, weight := "new-name", 42
	opts := []pools.BatchUpdateMemberOpts{
		{Address: keep.Address, ProtocolPort: keep.Port, Weight: &weight},
		{Address: addrs[0], ProtocolPort: 8443, Name: &name},
		{Address: addrs[1], ProtocolPort: 8443},
	}
	if err := pools.BatchUpdateMembers(context.Background(), e.operator(), e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatalf("BatchUpdateMembers: %v", err)
	}
	after := byAddress(e.members(e.pool.ID))
	if len(after) != 3 {
		t.Fatalf("%d members; want the 3 listed", len(after))
	}
	if kept := after[fmt.Sprintf("%s:%d", keep.Address, keep.Port)]; kept.ID != keep.ID || kept.Weight != 42 || kept.Description != keep.Description {
		t.Errorf("kept = %+v; want id %s, weight 42, name kept", kept, keep.ID)
	}
	if m := after[addrs[0]+":8443"]; m.Description != name || m.Weight != 1 || m.SubnetID != subnet {
		t.Errorf("new = %+v; want name %s, weight 1, subnet %s", m, name, subnet)
	}
	var ran map[string]any
	if err := json.Unmarshal([]byte(e.lastAudit().Request), &ran); err != nil {
		t.Fatalf("audited request is not JSON: %v", err)
	}
	if ran["action"] != "replace" {
		t.Errorf("audited action = %v; want replace, the one a body without action runs", ran["action"])
	}
}

func TestBatchReplaceWithNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := pools.BatchUpdateMembers(context.Background(), e.operator(), e.pool.ID, []pools.BatchUpdateMemberOpts{}).ExtractErr(); err != nil {
		t.Fatalf("BatchUpdateMembers: %v", err)
	}
	if n := len(e.members(e.pool.ID)); n != 0 {
		t.Errorf("%d members; want none", n)
	}
}

func TestBatchRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	existing := e.members(e.pool.ID)[0]
	addrs, subnet := e.freeAddresses(2)
	member := func(extra string) string {
		return fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"subnet_id":%q%s}]}`, addrs[0], subnet, extra)
	}
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf(`{"address":"10.0.%d.%d","protocol_port":80}`, i/250, i%250+1)
	}
	tests := []struct {
		name, body string
		status     int
		message    string
	}{
		{"ErrTooManyMembers", `{"action":"add","members":[` + strings.Join(many, ",") + `]}`, 413, "at most 200"},
		{"ErrAlreadyInPool", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":%d}]}`, existing.Address, existing.Port), 409, "already in group"},
		// A body that lists an address and port twice contradicts itself: a bad request, not a
		// conflict with the pool.
		{"ErrListedTwice", fmt.Sprintf(`{"members":[{"address":%q,"protocol_port":80},{"address":%q,"protocol_port":80}]}`, addrs[0], addrs[0]), 400, "members[1] repeats members[0]: " + addrs[0] + ":80 is listed twice"},
		{"ErrAddedTwice", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80},{"address":%q,"protocol_port":80}]}`, addrs[0], addrs[0]), 400, "listed twice"},
		{"ErrExistingListedTwice", fmt.Sprintf(`{"action":"replace","members":[{"address":%q,"protocol_port":%d},{"address":%q,"protocol_port":%[2]d,"weight":3}]}`, existing.Address, existing.Port, existing.Address), 400, "listed twice"},
		{"ErrOtherPool", member(`,"pool_id":"rsp-someone-else"`), 400, `pool_id "rsp-someone-else" is not the pool the URL names`},
		{"ErrReplaceWithAnotherMembersID", fmt.Sprintf(`{"members":[{"id":%q,"address":%q,"protocol_port":%d}]}`, e.members(e.pool.ID)[1].ID, existing.Address, existing.Port), 409, "is no longer the member at"},
		{"ErrWeightAbove100", member(`,"weight":101`), 400, "weight 101 is out of range"},
		{"ErrWeightNegative", member(`,"weight":-1`), 400, "weight -1 is out of range"},
		{"ErrPortZero", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":0}]}`, addrs[0]), 400, "port 0 is out of range"},
		{"ErrPortAbove65535", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":65536}]}`, addrs[0]), 400, "port 65536 is out of range"},
		{"ErrIPv6", `{"action":"add","members":[{"address":"fd00::1","protocol_port":80}]}`, 400, "not an IPv4 address"},
		{"ErrIPv6WithSubnet", fmt.Sprintf(`{"action":"add","members":[{"address":"fd00::1","protocol_port":80,"subnet_id":%q}]}`, subnet), 400, "not an IPv4 address"},
		{"ErrAddressTooLong", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80}]}`, strings.Repeat("1", 65)), 400, "at most 64"},
		{"ErrAddressOutsideSubnet", fmt.Sprintf(`{"action":"add","members":[{"address":"192.0.2.7","protocol_port":80,"subnet_id":%q}]}`, subnet), 400, "is not in subnet"},
		{"ErrAddressOutsideVPC", `{"action":"add","members":[{"address":"192.0.2.7","protocol_port":80}]}`, 400, "in no subnet of the load balancer's VPC"},
		{"ErrSubnetOfAnotherVPC", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"subnet_id":%q}]}`, addrs[0], e.foreignSubnet()), 400, "is not in the load balancer's VPC"},
		{"ErrUnknownSubnet", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"subnet_id":"vsw-nope"}]}`, addrs[0]), 400, "subnet vsw-nope"},
		{"ErrName256", member(`,"name":"` + strings.Repeat("n", 256) + `"`), 400, "256 characters long: at most 255"},
		{"ErrMalformedJSON", `{"action":"add","members":[{"address":`, 400, "ends in the middle"},
		{"ErrNotJSON", `action=add`, 400, "not valid JSON"},
		{"ErrPortAsString", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":"80"}]}`, addrs[0]), 400, "protocol_port must be a whole number"},
		{"ErrUnknownAction", `{"action":"purge","members":[]}`, 400, `not "purge"`},
		{"ErrMembersMissing", `{"action":"add"}`, 400, `"members" list`},
		{"ErrUnknownField", member(`,"wieght":5`), 400, `unknown field "wieght"`},
		{"ErrMonitorPort", member(`,"monitor_port":8080`), 400, "monitor_port"},
		{"ErrOtherProject", member(`,"project_id":"someone-else"`), 400, `project_id "someone-else"`},
		{"ErrIDOnAdd", fmt.Sprintf(`{"action":"add","members":[{"id":%q,"address":%q,"protocol_port":80}]}`, existing.ID, addrs[0]), 400, "id is not accepted"},
		{"ErrDeleteWithoutID", `{"action":"delete","members":[{"address":"10.0.0.1","protocol_port":80}]}`, 400, "needs the id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.members(e.pool.ID)
			_, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), tt.body, nil)
			wantError(t, err, tt.status, tt.message)
			e.unchanged(e.pool.ID, before)
		})
	}
}

// TestBatchRefusalsAudited shows that a refusal by the domain's rules is recorded, with the
// error kind as its outcome.
func TestBatchRefusalsAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addrs, _ := e.freeAddresses(1)
	body := fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"weight":101}]}`, addrs[0])
	_, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, map[string]string{"X-Request-Id": "weight-101"})
	wantError(t, err, http.StatusBadRequest, "weight 101")
	a := e.lastAudit()
	if a.Outcome != string(lb.KindInvalid) || a.RequestID != "weight-101" || a.Source != db.SourcePoolAPI || a.Request != body {
		t.Errorf("audit = %+v; want the invalid attempt recorded as sent", a)
	}
}

func TestBatchName255(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addrs, _ := e.freeAddresses(2)
	ascii, accented := strings.Repeat("n", 255), strings.Repeat("é", 255) // characters, not bytes
	body := fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"name":%q},{"address":%q,"protocol_port":80,"name":%q}]}`,
		addrs[0], ascii, addrs[1], accented)
	if _, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), body, nil); err != nil {
		t.Fatalf("PUT: %v", err)
	}
	after := byAddress(e.members(e.pool.ID))
	if after[addrs[0]+":80"].Description != ascii || after[addrs[1]+":80"].Description != accented {
		t.Error("255-character names were not kept whole")
	}
}
