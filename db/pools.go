package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lbconsole/lb"
)

// GetMember returns one member of a group, or ErrNotFound when the group has no member with
// that id: a member id of another group is not found, so a URL cannot reach across pools.
func (d *DB) GetMember(ctx context.Context, groupID, memberID string) (lb.Member, error) {
	var m lb.Member
	err := d.read.QueryRowContext(ctx, "SELECT "+memberColumns+" FROM members WHERE id = ? AND group_id = ?", memberID, groupID).
		Scan(memberDest(&m)...)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("db: unable to load member %s of %s: %w", memberID, groupID, err)
	}
	return m, nil
}
