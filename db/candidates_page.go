package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lbconsole/lb"
)

// Candidate is an inventory server as a group's picker offers it, with the ports it already
// holds in that group (0 in the default server list), none when it is not a member.
type Candidate struct {
	lb.Server
	Ports []int
}

// CandidatePage is one screenful of a group's picker and how many servers match in all.
type CandidatePage struct {
	Items []Candidate
	Total int
}

// GroupCandidates is ServerCandidates for one group: each server comes with its places in the
// group, and the page says how many servers match in all, so that the picker can say there
// are more than it lists.
func (d *DB) GroupCandidates(ctx context.Context, l lb.LoadBalancer, groupID, query string, limit int) (CandidatePage, error) {
	var page CandidatePage
	like := "%" + escapeLike(strings.TrimSpace(query)) + "%"
	where := ` WHERE v.region_id = ? AND (s.id LIKE ? ESCAPE '\' OR s.name LIKE ? ESCAPE '\' OR s.address LIKE ? ESCAPE '\')`
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*)"+serverJoins+where, l.RegionID, like, like, like).Scan(&page.Total); err != nil {
			return fmt.Errorf("db: unable to count the candidates for %s: %w", groupID, err)
		}
		servers, err := queryServers(ctx, tx, `SELECT `+serverColumns+serverJoins+where+`
			ORDER BY (s.status = 'Running' AND n.vpc_id = ?) DESC, s.name, s.id LIMIT ?`, l.RegionID, like, like, like, l.VpcID, limit)
		if err != nil {
			return err
		}
		ports, err := memberPorts(ctx, tx, groupID, servers)
		if err != nil {
			return err
		}
		for _, s := range servers {
			page.Items = append(page.Items, Candidate{Server: s, Ports: ports[s.ID]})
		}
		return nil
	})
	return page, err
}

// memberPorts returns the ports each of servers holds in a group, by server id.
func memberPorts(ctx context.Context, q queryer, groupID string, servers []lb.Server) (map[string][]int, error) {
	out := make(map[string][]int)
	if len(servers) == 0 {
		return out, nil
	}
	args := []any{groupID}
	for _, s := range servers {
		args = append(args, s.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT server_id, port FROM members WHERE group_id = ? AND server_id IN (?`+
		strings.Repeat(", ?", len(servers)-1)+`) ORDER BY server_id, port`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the ports of the candidates for %s: %w", groupID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var port int
		if err := rows.Scan(&id, &port); err != nil {
			return nil, fmt.Errorf("db: unable to read the ports of the candidates for %s: %w", groupID, err)
		}
		out[id] = append(out[id], port)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to read the ports of the candidates for %s: %w", groupID, err)
	}
	return out, nil
}
