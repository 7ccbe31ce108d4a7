package elbapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/db"
	"lbconsole/lb"
)

// TestBatchCaseVariantKeys sends keys that encoding/json would match to a field without regard
// to case. The attack: {"action":"add",…,"Action":null} passed a case-sensitive duplicate check,
// then ran as a replace-all that emptied the pool while the audit said add.
func TestBatchCaseVariantKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addrs, _ := e.freeAddresses(1)
	m := fmt.Sprintf(`{"address":%q,"protocol_port":8080}`, addrs[0])
	tests := []struct {
		name, body, message string
	}{
		{"ErrActionThenNullCaseVariant", `{"action":"add","members":[` + m + `],"Action":null}`, `"Action"`},
		{"ErrActionCaseVariantFirst", `{"ACTION":"replace","members":[` + m + `],"action":"add"}`, `"action"`},
		{"ErrActionOnlyInCapitals", `{"Action":"add","members":[` + m + `]}`, `"Action"`},
		{"ErrMembersCaseVariant", `{"action":"add","members":[],"Members":[` + m + `]}`, `"Members"`},
		{"ErrMembersLongS", `{"action":"add","member` + "\u017f" + `":[` + m + `]}`, "member\u017f"},
		{"ErrNestedCaseVariant", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":8080,"Protocol_Port":8081}]}`, addrs[0]), `"Protocol_Port"`},
		{"ErrNestedOnlyCaseVariant", fmt.Sprintf(`{"action":"add","members":[{"Address":%q,"protocol_port":8080}]}`, addrs[0]), `"Address"`},
		{"ErrKelvinSign", fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":8080,"bac`+"\u212a"+`up":false}]}`, addrs[0]), "bac\u212aup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, audits := e.members(e.pool.ID), e.auditCount()
			_, err := put(e.operator(), membersURL(e.operator(), e.pool.ID), tt.body, nil)
			wantError(t, err, http.StatusBadRequest, tt.message)
			e.unchanged(e.pool.ID, before)
			if n := e.auditCount(); n != audits {
				t.Errorf("%d audit entries written for a body that was never decoded", n-audits)
			}
		})
	}
}

// TestBatchAuditRecordsExecutedRequest shows that the audit entry holds the batch as it ran,
// its effective action named, rather than bytes that another reader might take differently.
func TestBatchAuditRecordsExecutedRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	keep := before[0]
	weight := 9
	opts := []pools.BatchUpdateMemberOpts{{Address: keep.Address, ProtocolPort: keep.Port, Weight: &weight}}
	if err := pools.BatchUpdateMembers(context.Background(), e.operator(), e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatalf("BatchUpdateMembers: %v", err)
	}
	a := e.lastAudit()
	var got struct {
		Action       string           `json:"action"`
		AdditiveOnly *bool            `json:"additive_only"`
		Members      []map[string]any `json:"members"`
	}
	if err := json.Unmarshal([]byte(a.Request), &got); err != nil {
		t.Fatalf("the audited request %q is not JSON: %v", a.Request, err)
	}
	if a.Action != string(lb.ActionReplaceAll) || got.Action != "replace" || got.AdditiveOnly != nil {
		t.Errorf("audit = %s, request %s; want replace_all, with action replace and no additive_only", a.Action, a.Request)
	}
	want := map[string]any{"address": keep.Address, "protocol_port": float64(keep.Port), "weight": float64(9)}
	if len(got.Members) != 1 || fmt.Sprint(got.Members[0]) != fmt.Sprint(want) {
		t.Errorf("audited members = %v; want [%v]: the fields given, nulls left out", got.Members, want)
	}
}

// TestBatchAdditiveOnly follows Octavia: ?additive_only=true creates or updates the members
// listed and leaves the others alone, where a plain batch update would delete them.
func TestBatchAdditiveOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	before := e.members(e.pool.ID)
	if len(before) < 3 {
		t.Fatalf("pool %s has %d members; the test wants at least 3", e.pool.ID, len(before))
	}
	keep := before[1]
	addrs, _ := e.freeAddresses(1)
	body := fmt.Sprintf(`{"members":[{"address":%q,"protocol_port":%d,"weight":3},{"address":%q,"protocol_port":8088,"name":"extra"}]}`,
		keep.Address, keep.Port, addrs[0])
	if _, err := put(c, membersURL(c, e.pool.ID)+"?additive_only=true", body, nil); err != nil {
		t.Fatalf("PUT ?additive_only=true: %v", err)
	}
	after := byAddress(e.members(e.pool.ID))
	if len(after) != len(before)+1 {
		t.Fatalf("%d members after; want the %d there were and the one added", len(after), len(before))
	}
	for _, m := range before {
		got := after[fmt.Sprintf("%s:%d", m.Address, m.Port)]
		wantWeight := m.Weight
		if m.ID == keep.ID {
			wantWeight = 3
		}
		if got.ID != m.ID || got.Weight != wantWeight {
			t.Errorf("member %s:%d = %+v; want id %s, weight %d", m.Address, m.Port, got, m.ID, wantWeight)
		}
	}
	if added := after[addrs[0]+":8088"]; added.Description != "extra" || added.Weight != 1 {
		t.Errorf("added = %+v; want name extra, weight 1", added)
	}
	a := e.lastAudit()
	if a.Action != string(lb.ActionUpsert) || a.Outcome != db.OutcomeOK || !strings.Contains(a.Request, `"additive_only":true`) {
		t.Errorf("audit = %s %s %s; want upsert ok, the request naming additive_only", a.Action, a.Outcome, a.Request)
	}

	t.Run("OsloSpellingYes", func(t *testing.T) {
		n := len(e.members(e.pool.ID))
		addrs, _ := e.freeAddresses(2)
		body := fmt.Sprintf(`{"members":[{"address":%q,"protocol_port":8089}]}`, addrs[1])
		if _, err := put(c, membersURL(c, e.pool.ID)+"?additive_only=YES", body, nil); err != nil {
			t.Fatalf("PUT ?additive_only=YES: %v", err)
		}
		if got := len(e.members(e.pool.ID)); got != n+1 {
			t.Errorf("%d members; want the %d there were and the one added", got, n)
		}
	})
	t.Run("FalseReplaces", func(t *testing.T) {
		body := fmt.Sprintf(`{"members":[{"address":%q,"protocol_port":%d}]}`, keep.Address, keep.Port)
		if _, err := put(c, membersURL(c, e.pool.ID)+"?additive_only=False", body, nil); err != nil {
			t.Fatalf("PUT ?additive_only=False: %v", err)
		}
		if n := len(e.members(e.pool.ID)); n != 1 {
			t.Errorf("%d members; want the one listed", n)
		}
	})
}

func TestBatchAdditiveOnlyRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	m := e.members(e.pool.ID)[0]
	replace := fmt.Sprintf(`{"members":[{"address":%q,"protocol_port":%d}]}`, m.Address, m.Port)
	tests := []struct {
		name, query, body, message string
	}{
		{"ErrNotABoolean", "additive_only=maybe", replace, `additive_only must be true or false, not "maybe"`},
		{"ErrEmpty", "additive_only=", replace, "additive_only must be true or false"},
		{"ErrGivenTwice", "additive_only=true&additive_only=false", replace, "additive_only is given more than once"},
		{"ErrWithDelete", "additive_only=true", fmt.Sprintf(`{"action":"delete","members":[{"id":%q}]}`, m.ID), "additive_only"},
		{"ErrUnknownParameter", "additive=true", replace, `unknown query parameter "additive"`},
		{"ErrCaseVariantParameter", "Additive_Only=true", replace, `unknown query parameter "Additive_Only"`},
		{"ErrBrokenEscape", "additive_only=%zz", replace, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.members(e.pool.ID)
			_, err := put(c, membersURL(c, e.pool.ID)+"?"+tt.query, tt.body, nil)
			wantError(t, err, http.StatusBadRequest, tt.message)
			e.unchanged(e.pool.ID, before)
		})
	}
}

// TestUnknownQueryParameters: a parameter an endpoint does not know is refused, never
// ignored: a client that believes it asked for something must hear that it did not.
func TestUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	member := e.members(e.pool.ID)[0]
	addrs, _ := e.freeAddresses(1)
	one := c.ServiceURL("lbaas", "pools", e.pool.ID, "members", member.ID)
	ok := []int{200, 201, 202, 204}
	tests := []struct {
		name, method, url, body string
	}{
		{"List", http.MethodGet, membersURL(c, e.pool.ID) + "?cascade=true", ""},
		{"Create", http.MethodPost, membersURL(c, e.pool.ID) + "?dry_run=true", fmt.Sprintf(`{"member":{"address":%q,"protocol_port":80}}`, addrs[0])},
		{"Batch", http.MethodPut, membersURL(c, e.pool.ID) + "?dry_run=true", `{"members":[]}`},
		{"Get", http.MethodGet, one + "?cascade=true", ""},
		{"Update", http.MethodPut, one + "?dry_run=true", `{"member":{"weight":0}}`},
		{"Delete", http.MethodDelete, one + "?dry_run=true", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, audits := e.members(e.pool.ID), e.auditCount()
			opts := &gophercloud.RequestOpts{OkCodes: ok, KeepResponseBody: true, MoreHeaders: map[string]string{"Content-Type": "application/json"}}
			if tt.body != "" {
				opts.RawBody = strings.NewReader(tt.body)
			}
			_, err := c.Request(context.Background(), tt.method, tt.url, opts)
			param := tt.url[strings.Index(tt.url, "?")+1 : strings.Index(tt.url, "=")]
			wantError(t, err, http.StatusBadRequest, fmt.Sprintf("unknown query parameter %q", param))
			e.unchanged(e.pool.ID, before)
			if n := e.auditCount(); n != audits {
				t.Errorf("%d audit entries written for a refused request", n-audits)
			}
		})
	}
}

// TestBatchRefusesSubnetNetworkAndBroadcast: a subnet's first and last addresses name the
// subnet itself and its broadcast; neither can be a member.
func TestBatchRefusesSubnetNetworkAndBroadcast(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	addrs, subnet := e.freeAddresses(1)
	prefix := addrs[0][:strings.LastIndex(addrs[0], ".")+1] // the demo's subnets are /24s
	tests := []struct {
		name, address, subnet, message string
	}{
		{"ErrNetworkAddress", prefix + "0", subnet, "is the network address of subnet"},
		{"ErrBroadcastAddress", prefix + "255", subnet, "is the broadcast address of subnet"},
		{"ErrNetworkAddressNoSubnet", prefix + "0", "", "is the network address of subnet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.members(e.pool.ID)
			sn := "null"
			if tt.subnet != "" {
				sn = `"` + tt.subnet + `"`
			}
			body := fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80,"subnet_id":%s}]}`, tt.address, sn)
			_, err := put(c, membersURL(c, e.pool.ID), body, nil)
			wantError(t, err, http.StatusBadRequest, tt.message)
			e.unchanged(e.pool.ID, before)
		})
	}
	t.Run("ErrCreateBroadcast", func(t *testing.T) {
		before := e.members(e.pool.ID)
		_, err := pools.CreateMember(context.Background(), c, e.pool.ID, pools.CreateMemberOpts{Address: prefix + "255", ProtocolPort: 80}).Extract()
		wantError(t, err, http.StatusBadRequest, "broadcast address")
		e.unchanged(e.pool.ID, before)
	})
}
