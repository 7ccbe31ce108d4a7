package db

import (
	"context"
	"database/sql"
	"fmt"
)

// regionCount is how many servers of a region a filter selects.
type regionCount struct {
	region string
	n      int
}

// browseServers reads a page of the servers f selects when it has no search text, region by
// region in order: a region's servers come by walking servers_name, joined to their subnet and
// VPC row by row (CROSS JOIN keeps SQLite from starting at the VPCs and sorting), so a page
// costs its rows, not the inventory. The counts per region come from the servers' subnet index.
func browseServers(ctx context.Context, tx *sql.Tx, f ServerFilter) (ServerPage, error) {
	counts, err := serversPerRegion(ctx, tx, f)
	if err != nil {
		return ServerPage{}, err
	}
	var page ServerPage
	for _, c := range counts {
		page.Total += c.n
	}
	skip, want := f.Offset, f.Limit
	for _, c := range counts {
		if want <= 0 {
			break
		}
		if skip >= c.n {
			skip -= c.n
			continue
		}
		args := []any{c.region}
		status := ""
		if f.Status != "" {
			status, args = " AND s.status = ?", append(args, string(f.Status))
		}
		items, err := queryServers(ctx, tx, "SELECT "+serverColumns+` FROM servers s CROSS JOIN subnets n CROSS JOIN vpcs v
			WHERE n.id = s.subnet_id AND v.id = n.vpc_id AND v.region_id = ?`+status+` ORDER BY s.name, s.id LIMIT ? OFFSET ?`,
			append(args, want, skip)...)
		if err != nil {
			return ServerPage{}, err
		}
		page.Items = append(page.Items, items...)
		want -= len(items)
		skip = 0
	}
	return page, nil
}

// serversPerRegion counts the servers f selects in each region (f.Region alone, when set), in
// region order.
func serversPerRegion(ctx context.Context, tx *sql.Tx, f ServerFilter) ([]regionCount, error) {
	var conds string
	var args []any
	if f.Status != "" {
		conds, args = " WHERE status = ?", append(args, string(f.Status))
	}
	region := ""
	if f.Region != "" {
		region, args = " WHERE v.region_id = ?", append(args, f.Region)
	}
	rows, err := tx.QueryContext(ctx, `SELECT v.region_id, sum(x.n)
		FROM (SELECT subnet_id, count(*) AS n FROM servers`+conds+` GROUP BY subnet_id) x
		JOIN subnets n ON n.id = x.subnet_id JOIN vpcs v ON v.id = n.vpc_id`+region+`
		GROUP BY v.region_id ORDER BY v.region_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to count servers: %w", err)
	}
	defer rows.Close()
	var out []regionCount
	for rows.Next() {
		var c regionCount
		if err := rows.Scan(&c.region, &c.n); err != nil {
			return nil, fmt.Errorf("db: unable to count servers: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to count servers: %w", err)
	}
	return out, nil
}
