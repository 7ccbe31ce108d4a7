package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// upsertServers is an import that creates the servers the inventory lacks and updates those
// it holds, all or none. The rows are a fleet file's servers: the fleet rules check them against
// the whole fleet (an address moved out of its subnet, a server that groups use moved out of
// their load balancer's VPC, …), so that an update is held to exactly what an edit on the admin
// pages or a fleet file would be. Each server created or updated gets its audit entry, as a
// fleet change's, and the import its import_servers entry, applied or refused.
func (d *DB) upsertServers(ctx context.Context, req ImportRequest) (ImportResult, error) {
	var res ImportResult
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		e := importAuditEntry(req, d.now())
		e.Request += " (update existing)"
		problems, err := d.upsertRows(ctx, tx, req, &res)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			res = ImportResult{BadRows: len(problems), Problems: problems[:min(len(problems), MaxImportProblems)]}
			e.Outcome, e.Message = string(lb.KindInvalid), importRefusal(problems, len(req.Rows))
		}
		res.Seq, err = d.appendAudit(ctx, tx, e)
		return err
	})
	return res, err
}

// upsertRows checks the rows and, when none has a problem, writes them; it returns the
// problems, by line.
func (d *DB) upsertRows(ctx context.Context, tx *sql.Tx, req ImportRequest, res *ImportResult) ([]ImportProblem, error) {
	if problems := unreadableRows(req.Rows); len(problems) > 0 {
		return problems, nil
	}
	desired := fleet.Document{Servers: make([]fleet.Server, len(req.Rows))}
	for i, r := range req.Rows {
		s := r.Server
		desired.Servers[i] = fleet.Server{ID: s.ID, Name: s.Name, Address: s.Address, Subnet: s.SubnetID, Type: s.Type, Status: s.Status}
	}
	current, err := exportFleet(ctx, tx)
	if err != nil {
		return nil, err
	}
	p, err := fleet.ValidateAndPlan(current, desired, false)
	var ps fleet.Problems
	if errors.As(err, &ps) {
		return problemLines(ps, req.Rows), nil
	}
	if err != nil {
		return nil, err
	}
	o := req.Origin
	if err := newFleetApplier(d, tx, &o, current, p).apply(ctx, p); err != nil {
		return nil, err
	}
	res.Imported, res.Updated = len(p.Servers.Create)+len(p.Servers.Update), len(p.Servers.Update)
	res.Unchanged = len(req.Rows) - res.Imported
	return nil, nil
}

// unreadableRows refuses the rows the file could not give, too many rows, and none.
func unreadableRows(rows []ServerImport) []ImportProblem {
	var problems []ImportProblem
	for i, r := range rows {
		if i == MaxImportRows {
			return append(problems, ImportProblem{Line: r.Line, Reason: fmt.Sprintf("the file has more than %d servers: split it into smaller files", MaxImportRows)})
		}
		if r.Problem != "" {
			problems = append(problems, ImportProblem{Line: r.Line, Reason: r.Problem})
		}
	}
	if len(rows) == 0 {
		problems = append(problems, ImportProblem{Line: 1, Reason: "the file holds no servers: add rows under the header"})
	}
	return problems
}

// problemLines places each of the fleet rules' problems on the line of the server it names
// (an id given twice, on its later line). A problem of another object, which a server's change
// would break, keeps no line.
func problemLines(ps fleet.Problems, rows []ServerImport) []ImportProblem {
	first, last := map[string]int{}, map[string]int{}
	byIndex := map[string]int{}
	for i, r := range rows {
		if _, seen := first[r.Server.ID]; !seen {
			first[r.Server.ID] = r.Line
		}
		last[r.Server.ID] = r.Line
		byIndex[fmt.Sprintf("#%d", i)] = r.Line
	}
	out := make([]ImportProblem, len(ps))
	for i, p := range ps {
		line := 0
		if p.Kind == fleet.KindServer {
			if line = byIndex[p.ID]; line == 0 {
				line = first[p.ID]
				if p.Field == "id" {
					line = last[p.ID]
				}
			}
		}
		out[i] = ImportProblem{Line: line, Reason: p.String()}
	}
	return out
}
