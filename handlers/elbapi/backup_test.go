package elbapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/dataplane/haproxytest"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// backup true makes a member HAProxy's backup server: it takes no requests while another
// member is up, all of them once none is; false makes it active again.
func TestBackupMemberServesOnlyWhenTheOthersAreDown(t *testing.T) {
	t.Parallel()
	r := testenv.NewRig(t, testenv.RigOptions{})
	r.Converged(t)
	a, b := r.Backends[0], r.Backends[1]
	member := r.Member(t, b)
	key := r.Console.APIKey(testenv.Operator)
	client := r.Console.PoolClient(key.Token)
	ctx := context.Background()

	backup := true
	got, err := pools.UpdateMember(ctx, client, testenv.RigGroup, member.ID, pools.UpdateMemberOpts{Backup: &backup}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if !got.Backup || got.Weight != member.Weight || !got.AdminStateUp {
		t.Errorf("answered %+v; want backup, weight and admin state kept", got)
	}
	backupIn(t, r, b, true)
	if tally := haproxytest.Count(ctx, r.URL(), 100, 4); tally.Failed != 0 || tally.ByBackend[a.Name] != 100 {
		t.Errorf("with %s a backup, traffic went %v (%d failed); want every request to %s", b.Name, tally.ByBackend, tally.Failed, a.Name)
	}
	page, err := r.Console.Store.ListAudit(ctx, db.AuditFilter{Group: testenv.RigGroup, Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Items[0].Action != string(lb.ActionSetBackup) || page.Items[0].Source != db.SourcePoolAPI {
		t.Errorf("the last audit entry of the group: %+v, %v; want set_backup from the pool API", page.Items, err)
	}

	// The active member goes down: the backup takes the traffic.
	a.Stop()
	testenv.Eventually(t, "the backup serving with the active member down", func() string {
		if tally := haproxytest.Count(ctx, r.URL(), 20, 2); tally.ByBackend[b.Name] != 20 {
			return fmt.Sprintf("traffic went %v (%d failed)", tally.ByBackend, tally.Failed)
		}
		return ""
	})
	a.Restart(t)

	active := false
	if _, err := pools.UpdateMember(ctx, client, testenv.RigGroup, member.ID, pools.UpdateMemberOpts{Backup: &active}).Extract(); err != nil {
		t.Fatal(err)
	}
	backupIn(t, r, b, false)
	testenv.Eventually(t, "both members serving again", func() string {
		if tally := haproxytest.Count(ctx, r.URL(), 100, 4); tally.ByBackend[a.Name] == 0 || tally.ByBackend[b.Name] == 0 {
			return fmt.Sprintf("traffic went %v", tally.ByBackend)
		}
		return ""
	})
}

// backupIn waits until HAProxy has backend b's server with the backup flag as want, and only
// that server at b's address and port.
func backupIn(t *testing.T, r *testenv.Rig, b *haproxytest.Backend, want bool) {
	t.Helper()
	testenv.Eventually(t, fmt.Sprintf("%s backup %v in haproxy", b.Name, want), func() string {
		var found []bool
		for _, s := range r.Servers(t, 0) {
			if s.Address == b.IP && s.Port == b.Port {
				found = append(found, s.Backup)
			}
		}
		if len(found) != 1 || found[0] != want {
			return fmt.Sprintf("haproxy has servers at its address with backup %v", found)
		}
		return ""
	})
}

// On a record-only pool, backup is stored and answered all the same; a replace that leaves it
// out keeps it, and a null resets it.
func TestBackupIsStoredOnARecordOnlyPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	addrs, _ := e.freeAddresses(1)
	backup := true
	created, err := pools.CreateMember(ctx, e.operator(), e.pool.ID, pools.CreateMemberOpts{Address: addrs[0], ProtocolPort: 8080, Backup: &backup}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if !created.Backup {
		t.Errorf("created %+v; want a backup", created)
	}
	var opts []pools.BatchUpdateMemberOpts
	for _, m := range e.members(e.pool.ID) {
		opts = append(opts, pools.BatchUpdateMemberOpts{Address: m.Address, ProtocolPort: m.Port})
	}
	if err := pools.BatchUpdateMembers(ctx, e.operator(), e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if stored := byAddress(e.members(e.pool.ID))[addrs[0]+":8080"]; !stored.Backup {
		t.Errorf("after a replace without backup: %+v; want still a backup", stored)
	}
	// As `openstack loadbalancer member unset` would send it; a member update answers 200.
	c := e.operator()
	if _, err := c.Put(ctx, c.ServiceURL("lbaas", "pools", e.pool.ID, "members", created.ID), strings.NewReader(`{"member":{"backup":null}}`), nil,
		&gophercloud.RequestOpts{OkCodes: []int{200}, MoreHeaders: map[string]string{"Content-Type": "application/json"}}); err != nil {
		t.Fatal(err)
	}
	got, err := pools.GetMember(ctx, e.operator(), e.pool.ID, created.ID).Extract()
	if err != nil || got.Backup {
		t.Errorf("after backup null: %+v, %v; want not a backup", got, err)
	}
}
