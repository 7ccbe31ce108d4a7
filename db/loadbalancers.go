package db

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"lbconsole/lb"
)

// LBFilter selects load balancers. Empty fields select everything.
type LBFilter struct {
	// Query matches a load balancer's name, id or address, or the id or address of a server
	// behind it.
	Query  string
	Region string
	Status lb.LBStatus
	Offset int
	Limit  int
}

// LBSummary is a load balancer with the size of its groups, for lists.
type LBSummary struct {
	lb.LoadBalancer
	Groups  int // server groups, the default server list included
	Members int // members of all its groups: a server in two groups, or on two ports, counts twice
	Servers int // backend servers (distinct addresses) in all its groups
}

// LBPage is one page of load balancers and how many match in all.
type LBPage struct {
	Items []LBSummary
	Total int
}

// ListLoadBalancers returns the load balancers that match f, ordered by region and name.
func (d *DB) ListLoadBalancers(ctx context.Context, f LBFilter) (LBPage, error) {
	where, args := lbWhere(f)
	return d.pageLoadBalancers(ctx, where, args, f.Limit, f.Offset)
}

// pageLoadBalancers returns one page of the load balancers a WHERE clause selects, ordered by
// region, name and id, and how many it selects in all, read in one snapshot. Unfiltered, the
// count reads an index and the page walks load_balancers_region; filtered, both come from one
// scan (a window count), and only a page past the end is counted on its own.
func (d *DB) pageLoadBalancers(ctx context.Context, where string, args []any, limit, offset int) (LBPage, error) {
	var page LBPage
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		windowed := where != ""
		if !windowed {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM load_balancers l").Scan(&page.Total); err != nil {
				return fmt.Errorf("db: unable to count load balancers: %w", err)
			}
		}
		// The page is chosen first, with the window count beside it; the groups and members
		// are counted for its rows only.
		total := "0 AS total"
		if windowed {
			total = "count(*) OVER () AS total"
		}
		var err error
		q := `SELECT ` + lbColumns + `,
			(SELECT count(*) FROM groups g WHERE g.lb_id = l.id),
			(SELECT count(*) FROM members m JOIN groups g ON g.id = m.group_id WHERE g.lb_id = l.id),
			(SELECT count(DISTINCT m.address) FROM members m JOIN groups g ON g.id = m.group_id WHERE g.lb_id = l.id), l.total
			FROM (SELECT l.*, ` + total + ` FROM load_balancers l` + where + `
				ORDER BY l.region_id, l.name, l.id LIMIT ? OFFSET ?) l
			ORDER BY l.region_id, l.name, l.id`
		n := 0
		page.Items, err = queryAll(ctx, tx, "load balancers", func(s *LBSummary) []any {
			return append(lbDest(&s.LoadBalancer), &s.Groups, &s.Members, &s.Servers, &n)
		}, q, append(args, limitOrAll(limit), offset)...)
		if err != nil || !windowed {
			return err
		}
		page.Total = n
		if len(page.Items) == 0 && offset > 0 {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM load_balancers l"+where, args...).Scan(&page.Total); err != nil {
				return fmt.Errorf("db: unable to count load balancers: %w", err)
			}
		}
		return nil
	})
	return page, err
}

func lbWhere(f LBFilter) (string, []any) {
	var conds []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		// The load balancers behind a server (by id or address) are found once, not once
		// per load balancer.
		conds = append(conds, `(l.name LIKE ? ESCAPE '\' OR l.id LIKE ? ESCAPE '\' OR l.address LIKE ? ESCAPE '\'
			OR l.id IN (SELECT g.lb_id FROM members m JOIN groups g ON g.id = m.group_id WHERE m.server_id = ? OR m.address = ?))`)
		args = append(args, like, like, like, q, q)
	}
	if f.Region != "" {
		conds = append(conds, "l.region_id = ?")
		args = append(args, f.Region)
	}
	if f.Status != "" {
		conds = append(conds, "l.status = ?")
		args = append(args, string(f.Status))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// limitOrAll is a LIMIT of n rows, or of every row when n is not positive: the largest
// integer, as PostgreSQL takes no LIMIT -1.
func limitOrAll(n int) int {
	if n <= 0 {
		return math.MaxInt
	}
	return n
}

const lbColumns = `l.id, l.region_id, l.name, l.address, l.address_type, l.network_type, coalesce(l.vpc_id, ''), l.status, l.created`

func lbDest(l *lb.LoadBalancer) []any {
	return []any{&l.ID, &l.RegionID, &l.Name, &l.Address, &l.AddressType, &l.NetworkType, &l.VpcID, &l.Status, (*timeText)(&l.Created)}
}

// GetLoadBalancer returns one load balancer; an unknown one is an *lb.Error of kind not found.
func (d *DB) GetLoadBalancer(ctx context.Context, id string) (lb.LoadBalancer, error) {
	return getLoadBalancer(ctx, d.read, id)
}

func getLoadBalancer(ctx context.Context, q queryer, id string) (lb.LoadBalancer, error) {
	return queryOne(ctx, q, "load balancer "+id, lb.Errorf(lb.KindNotFound, lb.FieldLoadBalancer, "load balancer %s does not exist", lb.Clip(id)),
		lbDest, "SELECT "+lbColumns+" FROM load_balancers l WHERE l.id = ?", id)
}

// ListRegions returns every region, by id.
func (d *DB) ListRegions(ctx context.Context) ([]lb.Region, error) {
	return queryAll(ctx, d.read, "the regions", func(r *lb.Region) []any { return []any{&r.ID, &r.Name} }, "SELECT id, name FROM regions ORDER BY id")
}
