package db

import (
	"context"
	"fmt"

	"lbconsole/lb"
)

const serverColumns = `s.id, s.name, s.address, s.subnet_id, n.vpc_id, v.region_id, s.type, s.status`

func queryServers(ctx context.Context, q queryer, query string, args ...any) ([]lb.Server, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list servers: %w", err)
	}
	defer rows.Close()
	var out []lb.Server
	for rows.Next() {
		var s lb.Server
		if err := rows.Scan(&s.ID, &s.Name, &s.Address, &s.SubnetID, &s.VpcID, &s.RegionID, &s.Type, &s.Status); err != nil {
			return nil, fmt.Errorf("db: unable to read a server: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
