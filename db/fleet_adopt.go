package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lbconsole/fleet"
)

// ActionAdoptServer is the audit log's action for recording that a member is an HAProxy server
// lbconsole took over (a fleet file's haproxy_server).
const ActionAdoptServer = "adopt_server"

// adoptions records each adopted name for its member, found by address and port (the member
// batches before it have made the members the file lists). A member's earlier name stays owned
// by the group, as a server to remove.
func (a *fleetApplier) adoptions(ctx context.Context, list []fleet.Adoption) error {
	for _, ad := range list {
		var member, server string
		err := a.tx.QueryRowContext(ctx, "SELECT id, server_id FROM members WHERE group_id = ? AND address = ? AND port = ?",
			ad.Group, ad.Address, ad.Port).Scan(&member, &server)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("db: unable to %s: the group has no such member", ad)
		}
		if err != nil {
			return fmt.Errorf("db: unable to %s: %w", ad, err)
		}
		if err := exec(ctx, a.tx, ad.String(), "UPDATE dataplane_adopted SET member_id = '' WHERE group_id = ? AND member_id = ? AND name <> ?",
			ad.Group, member, ad.Name); err != nil {
			return err
		}
		if err := exec(ctx, a.tx, ad.String(), `INSERT INTO dataplane_adopted (group_id, name, member_id) VALUES (?, ?, ?)
			ON CONFLICT (group_id, name) DO UPDATE SET member_id = excluded.member_id`, ad.Group, ad.Name, member); err != nil {
			return err
		}
		if err := a.recordAdoption(ctx, ad, serverLabel(server, ad.Address, ad.Port)); err != nil {
			return err
		}
	}
	return nil
}

// recordAdoption appends the audit entry of one adoption; a seeding applier records nothing.
func (a *fleetApplier) recordAdoption(ctx context.Context, ad fleet.Adoption, label string) error {
	if a.o == nil {
		return nil
	}
	request, err := json.Marshal(ad)
	if err != nil {
		return fmt.Errorf("db: unable to record %s: %w", ad, err)
	}
	e := AuditEntry{
		Time: a.d.now().UTC().Truncate(time.Microsecond), Actor: a.o.Actor, Source: a.o.Source, ClientIP: a.o.ClientIP,
		RequestID: a.o.RequestID, Action: ActionAdoptServer, Region: a.lbRegion[ad.LoadBalancer], LoadBalancer: ad.LoadBalancer,
		Group: ad.Group, Outcome: OutcomeOK, Message: ad.String(), Servers: label, Count: 1, Request: string(request),
		Before: "[]", After: "[]",
	}
	_, err = a.d.appendAudit(ctx, a.tx, e)
	return err
}
