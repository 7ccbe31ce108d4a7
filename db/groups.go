package db

import (
	"context"
	"fmt"
	"strings"

	"lbconsole/lb"
)

// GroupSummary is a group with its member count, for lists.
type GroupSummary struct {
	lb.Group
	Members int
}

const groupColumns = `g.id, g.lb_id, g.name, g.kind, g.version, g.created`

func groupDest(g *lb.Group) []any {
	return []any{&g.ID, &g.LoadBalancerID, &g.Name, &g.Kind, &g.Version, (*timeText)(&g.Created)}
}

// ListGroups returns a load balancer's groups, the default server list first.
func (d *DB) ListGroups(ctx context.Context, lbID string) ([]GroupSummary, error) {
	return queryAll(ctx, d.read, "the groups of "+lbID, func(g *GroupSummary) []any { return append(groupDest(&g.Group), &g.Members) },
		`SELECT `+groupColumns+`, (SELECT count(*) FROM members m WHERE m.group_id = g.id)
		FROM groups g WHERE g.lb_id = ? ORDER BY g.kind = 'vserver', g.name, g.id`, lbID)
}

// GetGroup returns a load balancer's group by id, or its default server list when ref is
// lb.DefaultGroupRef. A group of another load balancer is not found, as an unknown one is: an
// *lb.Error of kind not found.
func (d *DB) GetGroup(ctx context.Context, lbID, ref string) (lb.Group, error) {
	return getGroup(ctx, d.read, lbID, ref)
}

func getGroup(ctx context.Context, q queryer, lbID, ref string) (lb.Group, error) {
	query := "SELECT " + groupColumns + " FROM groups g WHERE g.lb_id = ? AND g.id = ?"
	if ref == lb.DefaultGroupRef {
		query = "SELECT " + groupColumns + " FROM groups g WHERE g.lb_id = ? AND g.kind = 'default' AND ? <> ''"
	}
	return queryOne(ctx, q, "group "+ref+" of "+lbID,
		lb.Errorf(lb.KindNotFound, lb.FieldGroup, "load balancer %s has no server group %s", lbID, lb.Clip(ref)), groupDest, query, lbID, ref)
}

// getGroupByID returns a group by its id alone, as the APIs name VServer groups.
func getGroupByID(ctx context.Context, q queryer, id string) (lb.Group, error) {
	return queryOne(ctx, q, "group "+id, lb.Errorf(lb.KindNotFound, lb.FieldGroup, "server group %s does not exist", lb.Clip(id)),
		groupDest, "SELECT "+groupColumns+" FROM groups g WHERE g.id = ?", id)
}

// GetGroupMember returns one member of a group. A member of another group is not found, as an
// unknown one is.
func (d *DB) GetGroupMember(ctx context.Context, groupID, memberID string) (lb.Member, error) {
	return queryOne(ctx, d.read, "member "+memberID, lb.Errorf(lb.KindNotFound, lb.FieldMemberID, "server %s is not in group %s", lb.Clip(memberID), groupID),
		memberDest, "SELECT "+memberColumns+" FROM members WHERE id = ? AND group_id = ?", memberID, groupID)
}

// ListMembers returns a group's members, ordered by server and port.
func (d *DB) ListMembers(ctx context.Context, groupID string) ([]lb.Member, error) {
	return listMembers(ctx, d.read, groupID)
}

const memberColumns = `id, group_id, server_id, address, port, weight, type, description, subnet_id, created, updated, maintenance, backup`

func memberDest(m *lb.Member) []any {
	return []any{&m.ID, &m.GroupID, &m.ServerID, &m.Address, &m.Port, &m.Weight, &m.Type, &m.Description, &m.SubnetID,
		(*timeText)(&m.Created), (*timeText)(&m.Updated), &m.Maintenance, &m.Backup}
}

func listMembers(ctx context.Context, q queryer, groupID string) ([]lb.Member, error) {
	return findMembers(ctx, q, groupID, MemberFilter{})
}

// MemberFilter narrows a group's members. Empty fields select everything.
type MemberFilter struct {
	// Query matches a member's server id, address or description, in part.
	Query string
	Port  int
	// WeightMin and WeightMax bound the weight, each when given.
	WeightMin, WeightMax *int
	Type                 string
}

// FindMembers returns the members of a group that match f, in the order of ListMembers.
func (d *DB) FindMembers(ctx context.Context, groupID string, f MemberFilter) ([]lb.Member, error) {
	return findMembers(ctx, d.read, groupID, f)
}

// CountMembers returns how many members a group has.
func (d *DB) CountMembers(ctx context.Context, groupID string) (int, error) {
	var n int
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM members WHERE group_id = ?", groupID).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count the members of %s: %w", groupID, err)
	}
	return n, nil
}

func findMembers(ctx context.Context, q queryer, groupID string, f MemberFilter) ([]lb.Member, error) {
	query := "SELECT " + memberColumns + " FROM members WHERE group_id = ?"
	args := []any{groupID}
	if text := strings.TrimSpace(f.Query); text != "" {
		like := "%" + escapeLike(text) + "%"
		query += ` AND (server_id LIKE ? ESCAPE '\' OR address LIKE ? ESCAPE '\' OR description LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	if f.Port != 0 {
		query += " AND port = ?"
		args = append(args, f.Port)
	}
	if f.WeightMin != nil {
		query += " AND weight >= ?"
		args = append(args, *f.WeightMin)
	}
	if f.WeightMax != nil {
		query += " AND weight <= ?"
		args = append(args, *f.WeightMax)
	}
	if f.Type != "" {
		query += " AND type = ?"
		args = append(args, f.Type)
	}
	return queryAll(ctx, q, "the members of "+groupID, memberDest, query+" ORDER BY server_id, address, port", args...)
}
