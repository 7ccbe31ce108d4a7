package db

import (
	"context"
	"strings"

	"lbconsole/lb"
)

// ServerCandidates returns up to limit inventory servers of a load balancer's region whose id,
// name or address contains query, running ones in its VPC first, for the add and replace
// picker. Whether each may join is for lb.CheckCandidate to say.
func (d *DB) ServerCandidates(ctx context.Context, l lb.LoadBalancer, query string, limit int) ([]lb.Server, error) {
	like := "%" + escapeLike(strings.TrimSpace(query)) + "%"
	return queryServers(ctx, d.read, `SELECT `+serverColumns+` FROM servers s JOIN subnets n ON n.id = s.subnet_id JOIN vpcs v ON v.id = n.vpc_id
		WHERE v.region_id = ? AND (s.id LIKE ? ESCAPE '\' OR s.name LIKE ? ESCAPE '\' OR s.address LIKE ? ESCAPE '\')
		ORDER BY (s.status = 'Running' AND n.vpc_id = ?) DESC, s.name, s.id LIMIT ?`,
		l.RegionID, like, like, like, l.VpcID, limit)
}

// GetServer returns one inventory server; an unknown one is an *lb.Error of kind not found.
func (d *DB) GetServer(ctx context.Context, id string) (lb.Server, error) {
	return queryOne(ctx, d.read, "server "+id, lb.Errorf(lb.KindNotFound, lb.FieldServerID, "server %s does not exist in the inventory", lb.Clip(id)),
		serverDest, `SELECT `+serverColumns+serverJoins+` WHERE s.id = ?`, id)
}
