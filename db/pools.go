package db

import (
	"context"

	"lbconsole/lb"
)

// The REST API's pools are VServer groups, named by their id alone.

// GetPool returns the VServer group that pool id names. A load balancer's default server list
// holds servers without ports, which a pool cannot, so it is no pool: it is not found, as an
// unknown id is, an *lb.Error of kind not found.
func (d *DB) GetPool(ctx context.Context, id string) (lb.Group, error) {
	missing := lb.Errorf(lb.KindNotFound, lb.FieldGroup, "pool %s does not exist", lb.Clip(id))
	return queryOne(ctx, d.read, "pool "+id, missing, groupDest, "SELECT "+groupColumns+" FROM groups g WHERE g.id = ? AND g.kind = ?",
		id, string(lb.KindVServer))
}

// GetMember returns one member of a pool. A member id of another pool is not found, as an
// unknown one is, so that a URL cannot reach across pools.
func (d *DB) GetMember(ctx context.Context, poolID, memberID string) (lb.Member, error) {
	return queryOne(ctx, d.read, "member "+memberID, lb.Errorf(lb.KindNotFound, lb.FieldMemberID, "member %s is not in pool %s", lb.Clip(memberID), poolID),
		memberDest, "SELECT "+memberColumns+" FROM members WHERE id = ? AND group_id = ?", memberID, poolID)
}
