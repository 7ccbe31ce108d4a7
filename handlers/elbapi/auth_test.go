package elbapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/lb"
)

func TestAuthRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	entries := e.auditCount()
	tests := []struct {
		name    string
		client  *gophercloud.ServiceClient
		status  int
		message string
	}{
		{"ErrNoToken", e.client("nobody", "/v2.0"), 401, "no API token"},
		{"ErrUnknownToken", func() *gophercloud.ServiceClient {
			c := e.operator()
			c.ProviderClient.TokenID = "lbc_not-a-real-token"
			return c
		}(), 401, "unknown or revoked"},
		{"ErrRevokedToken", e.client(revokedName, "/v2.0"), 401, "unknown or revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pools.ListMembers(tt.client, e.pool.ID, nil).AllPages(context.Background())
			wantError(t, err, tt.status, tt.message)
			var ue gophercloud.ErrUnexpectedResponseCode
			if !errors.As(err, &ue) || ue.ResponseHeader.Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
			err = pools.BatchUpdateMembers(context.Background(), tt.client, e.pool.ID, []pools.BatchUpdateMemberOpts{}).ExtractErr()
			wantError(t, err, tt.status, tt.message)
		})
	}
	e.unchanged(e.pool.ID, before)
	if n := e.auditCount(); n != entries {
		t.Errorf("refused callers wrote %d audit entries", n-entries)
	}
}

func TestViewerOnlyReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	viewer := e.client(viewerName, "/v2.0")
	if got := listAll(t, viewer, e.pool.ID, nil); len(got) != len(before) {
		t.Errorf("viewer listed %d members; want %d", len(got), len(before))
	}
	addrs, _ := e.freeAddresses(1)
	one := 1
	calls := map[string]func() error{
		"BatchUpdateMembers": func() error {
			return pools.BatchUpdateMembers(context.Background(), viewer, e.pool.ID, []pools.BatchUpdateMemberOpts{}).ExtractErr()
		},
		"CreateMember": func() error {
			_, err := pools.CreateMember(context.Background(), viewer, e.pool.ID, pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 80}).Extract()
			return err
		},
		"UpdateMember": func() error {
			_, err := pools.UpdateMember(context.Background(), viewer, e.pool.ID, before[0].ID, pools.UpdateMemberOpts{Weight: &one}).Extract()
			return err
		},
		"DeleteMember": func() error {
			return pools.DeleteMember(context.Background(), viewer, e.pool.ID, before[0].ID).ExtractErr()
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			wantError(t, call(), http.StatusForbidden, "viewer")
			e.unchanged(e.pool.ID, before)
		})
	}
}

func TestLockedLoadBalancer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.locked.ID)
	c := e.operator()
	if got := listAll(t, c, e.locked.ID, nil); len(got) != len(before) {
		t.Errorf("listed %d members of a locked pool; want %d", len(got), len(before))
	}
	body := fmt.Sprintf(`{"action":"delete","members":[{"id":%q}]}`, before[0].ID)
	_, err := put(c, membersURL(c, e.locked.ID), body, nil)
	wantError(t, err, http.StatusForbidden, "is locked")
	err = pools.DeleteMember(context.Background(), c, e.locked.ID, before[0].ID).ExtractErr()
	wantError(t, err, http.StatusForbidden, "is locked")
	e.unchanged(e.locked.ID, before)
	if a := e.lastAudit(); a.Outcome != string(lb.KindForbidden) || a.Group != e.locked.ID {
		t.Errorf("audit = %s on %s; want the forbidden attempt recorded", a.Outcome, a.Group)
	}
}
