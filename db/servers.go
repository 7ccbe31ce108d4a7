package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lbconsole/lb"
)

const serverColumns = `s.id, s.name, s.address, s.subnet_id, n.vpc_id, v.region_id, s.type, s.status`

func serverDest(s *lb.Server) []any {
	return []any{&s.ID, &s.Name, &s.Address, &s.SubnetID, &s.VpcID, &s.RegionID, &s.Type, &s.Status}
}

func queryServers(ctx context.Context, q queryer, query string, args ...any) ([]lb.Server, error) {
	return queryAll(ctx, q, "servers", serverDest, query, args...)
}

// ServerFilter selects inventory servers. Empty fields select everything.
type ServerFilter struct {
	// Query matches a substring of a server's id, name or address.
	Query  string
	Region string
	Status lb.ServerStatus
	Offset int
	Limit  int
}

// ServerPage is one page of servers and how many match in all.
type ServerPage struct {
	Items []lb.Server
	Total int
}

const serverJoins = ` FROM servers s JOIN subnets n ON n.id = s.subnet_id JOIN vpcs v ON v.id = n.vpc_id`

// ListServers returns the inventory servers that match f, ordered by region, name and id.
// Without search text, a page is read region by region through an index (browseServers). A
// search counts and pages its matches in one scan (a window count); the whole inventory is
// counted on the servers table alone, without joining the subnets and VPCs it does not need.
func (d *DB) ListServers(ctx context.Context, f ServerFilter) (ServerPage, error) {
	where, args := f.where()
	var page ServerPage
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		if strings.TrimSpace(f.Query) == "" && f.Limit > 0 {
			var err error
			page, err = browseServers(ctx, tx, f)
			return err
		}
		if where == "" {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM servers").Scan(&page.Total); err != nil {
				return fmt.Errorf("db: unable to count servers: %w", err)
			}
			var err error
			page.Items, err = queryServers(ctx, tx, "SELECT "+serverColumns+serverJoins+
				" ORDER BY v.region_id, s.name, s.id LIMIT ? OFFSET ?", limitOrAll(f.Limit), f.Offset)
			return err
		}
		var err error
		page.Items, page.Total, err = countedServers(ctx, tx, where, args, f)
		return err
	})
	return page, err
}

// countedServers reads one page of the servers where selects and how many it selects in all,
// in one query; only a page past the end needs a count of its own.
func countedServers(ctx context.Context, tx *sql.Tx, where string, args []any, f ServerFilter) ([]lb.Server, int, error) {
	total := 0
	items, err := queryAll(ctx, tx, "servers", func(s *lb.Server) []any { return append(serverDest(s), &total) },
		"SELECT "+serverColumns+", count(*) OVER ()"+serverJoins+where+" ORDER BY v.region_id, s.name, s.id LIMIT ? OFFSET ?",
		append(args, limitOrAll(f.Limit), f.Offset)...)
	if err != nil || len(items) > 0 || f.Offset == 0 {
		return items, total, err
	}
	err = tx.QueryRowContext(ctx, "SELECT count(*)"+serverJoins+where, args...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("db: unable to count servers: %w", err)
	}
	return items, total, nil
}

func (f ServerFilter) where() (string, []any) {
	var conds []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		conds = append(conds, `(s.id LIKE ? ESCAPE '\' OR s.name LIKE ? ESCAPE '\' OR s.address LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if f.Region != "" {
		conds = append(conds, "v.region_id = ?")
		args = append(args, f.Region)
	}
	if f.Status != "" {
		conds = append(conds, "s.status = ?")
		args = append(args, string(f.Status))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func querySubnets(ctx context.Context, q queryer, query string, args ...any) ([]lb.Subnet, error) {
	return queryAll(ctx, q, "subnets", func(s *lb.Subnet) []any { return []any{&s.ID, &s.VpcID, &s.Name, &s.CIDR} }, query, args...)
}
