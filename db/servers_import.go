package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"lbconsole/lb"
)

// Limits of an inventory import.
const (
	// MaxImportRows is the most servers one import may hold.
	MaxImportRows = 5000
	// MaxImportProblems is the most problems an import reports; the rest are only counted.
	MaxImportProblems = 50
	// maxAuditIDs is how many server ids an import's audit entry names.
	maxAuditIDs = 200
)

// ActionImportServers is the audit log's action for an inventory import.
const ActionImportServers = "import_servers"

// ServerImport is one row of an inventory import as read from the file.
type ServerImport struct {
	// Line is the row's line in the file (the header is line 1), so that problems point at it.
	Line int
	// Server holds ID, Name, Address, SubnetID, Type and Status as given; the rest is ignored.
	Server lb.Server
	// Problem says why the row could not be read at all; the store reports it as it is.
	Problem string
}

// ImportRequest is one inventory import.
type ImportRequest struct {
	Origin
	// File is the uploaded file's name, for the audit log.
	File string
	Rows []ServerImport
	// Upsert updates the servers whose ids the inventory holds, instead of refusing them, and
	// checks every row by the fleet file's rules (see upsertServers).
	Upsert bool
}

// ImportProblem is why one line of an import was refused.
type ImportProblem struct {
	Line   int
	Reason string
}

// ImportResult says what an import did. An import is all or nothing: with any problem,
// nothing is imported.
type ImportResult struct {
	// Imported counts the servers created; with Upsert, created or updated.
	Imported int
	// Updated counts the existing servers an upsert changed, and Unchanged those it left as
	// they were.
	Updated, Unchanged int
	// Problems are the first MaxImportProblems bad lines, in file order.
	Problems []ImportProblem
	// BadRows is how many lines had problems in all.
	BadRows int
	// Seq is the audit entry that records the import, applied or refused.
	Seq int64
}

// Refused reports whether the import was refused.
func (r ImportResult) Refused() bool { return r.BadRows > 0 }

// ImportServers adds servers to the inventory, all of them or none. Every row is checked
// against the rules and against the inventory as it is inside the same write transaction, so
// that a check cannot go stale before the insert. Applied and refused imports are both recorded
// in the audit log, in that transaction.
func (d *DB) ImportServers(ctx context.Context, req ImportRequest) (ImportResult, error) {
	if req.Upsert {
		return d.upsertServers(ctx, req)
	}
	var res ImportResult
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		inv, err := loadImportInventory(ctx, tx, req.Rows)
		if err != nil {
			return err
		}
		problems := checkImport(req.Rows, inv)
		e := importAuditEntry(req, d.now())
		if len(problems) > 0 {
			res.BadRows = len(problems)
			res.Problems = problems[:min(len(problems), MaxImportProblems)]
			e.Outcome, e.Message = string(lb.KindInvalid), importRefusal(problems, len(req.Rows))
		} else if err := insertServers(ctx, tx, req.Rows); err != nil {
			return err
		} else {
			res.Imported = len(req.Rows)
		}
		res.Seq, err = d.appendAudit(ctx, tx, e)
		return err
	})
	return res, err
}

func insertServers(ctx context.Context, tx *sql.Tx, rows []ServerImport) error {
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO servers (id, name, address, subnet_id, type, status) VALUES (?,?,?,?,?,?)")
	if err != nil {
		return fmt.Errorf("db: unable to prepare the import: %w", err)
	}
	defer stmt.Close()
	for _, r := range rows {
		s := r.Server
		if _, err := stmt.ExecContext(ctx, s.ID, s.Name, s.Address, s.SubnetID, string(s.Type), string(s.Status)); err != nil {
			return fmt.Errorf("db: unable to import server %s (line %d): %w", s.ID, r.Line, err)
		}
	}
	return nil
}

// importInventory is the part of the inventory that an import's rows can collide with.
type importInventory struct {
	subnets   map[string]lb.Subnet
	ids       map[string]bool
	addresses map[[2]string]string // (subnet, address) → the server id that has it
}

func loadImportInventory(ctx context.Context, tx *sql.Tx, rows []ServerImport) (importInventory, error) {
	inv := importInventory{subnets: map[string]lb.Subnet{}, ids: map[string]bool{}, addresses: map[[2]string]string{}}
	var ids, subnets []any
	seenSubnet := map[string]bool{}
	for _, r := range rows {
		if r.Problem != "" {
			continue
		}
		ids = append(ids, r.Server.ID)
		if sn := r.Server.SubnetID; !seenSubnet[sn] {
			seenSubnet[sn] = true
			subnets = append(subnets, sn)
		}
	}
	sns, err := querySubnets(ctx, tx, "SELECT id, vpc_id, name, cidr FROM subnets WHERE id IN ("+placeholders(len(subnets))+")", subnets...)
	if err != nil {
		return inv, err
	}
	for _, sn := range sns {
		inv.subnets[sn.ID] = sn
	}
	existing, err := queryStrings(ctx, tx, "SELECT id FROM servers WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return inv, err
	}
	for _, id := range existing {
		inv.ids[id] = true
	}
	type use struct{ subnet, address, server string }
	taken, err := queryAll(ctx, tx, "the addresses in use", func(u *use) []any { return []any{&u.subnet, &u.address, &u.server} },
		"SELECT subnet_id, address, id FROM servers WHERE subnet_id IN ("+placeholders(len(subnets))+")", subnets...)
	for _, u := range taken {
		inv.addresses[[2]string{u.subnet, u.address}] = u.server
	}
	return inv, err
}

func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	return queryAll(ctx, q, "server ids", func(s *string) []any { return []any{s} }, query, args...)
}

// checkImport returns a problem for every bad row, in file order, each naming all that is
// wrong with the row so that one round of fixes is enough.
func checkImport(rows []ServerImport, inv importInventory) []ImportProblem {
	var problems []ImportProblem
	idLine := map[string]int{}
	addrLine := map[[2]string]int{}
	good := 0
	for _, r := range rows {
		if r.Problem != "" {
			problems = append(problems, ImportProblem{Line: r.Line, Reason: r.Problem})
			continue
		}
		good++
		if good > MaxImportRows {
			problems = append(problems, ImportProblem{Line: r.Line, Reason: fmt.Sprintf("the file has more than %d servers: split it into smaller files", MaxImportRows)})
			break
		}
		reasons := checkImportRow(r, inv, idLine, addrLine)
		if len(reasons) > 0 {
			problems = append(problems, ImportProblem{Line: r.Line, Reason: strings.Join(reasons, "; ")})
		}
	}
	if len(rows) == 0 {
		problems = append(problems, ImportProblem{Line: 1, Reason: "the file holds no servers: add rows under the header"})
	}
	slices.SortStableFunc(problems, func(a, b ImportProblem) int { return a.Line - b.Line })
	return problems
}

// checkImportRow applies every rule to one row. idLine and addrLine remember the rows seen so
// far, to find duplicates within the file.
func checkImportRow(r ServerImport, inv importInventory, idLine map[string]int, addrLine map[[2]string]int) []string {
	s := r.Server
	var reasons []string
	bad := func(format string, args ...any) { reasons = append(reasons, fmt.Sprintf(format, args...)) }
	if err := lb.CheckServerID(s.ID); err != nil {
		bad("%s", err)
	} else if first, dup := idLine[s.ID]; dup {
		bad("server id %s is also on line %d", s.ID, first)
	} else if inv.ids[s.ID] {
		bad("server id %s is already in the inventory", s.ID)
	}
	if _, dup := idLine[s.ID]; !dup && s.ID != "" {
		idLine[s.ID] = r.Line
	}
	if err := lb.CheckServerName(s.Name); err != nil {
		bad("%s", err)
	}
	sn, ok := inv.subnets[s.SubnetID]
	switch {
	case s.SubnetID == "":
		bad("subnet_id is empty")
	case !ok:
		bad("subnet %s does not exist", lb.Clip(s.SubnetID))
	default:
		if err := lb.CheckAddressInSubnet(s.Address, sn); err != nil {
			bad("%s", err)
			break
		}
		key := [2]string{s.SubnetID, s.Address}
		if first, dup := addrLine[key]; dup {
			bad("address %s in subnet %s is also on line %d", s.Address, s.SubnetID, first)
		} else if owner, used := inv.addresses[key]; used {
			bad("address %s in subnet %s is already used by server %s", s.Address, s.SubnetID, owner)
		} else {
			addrLine[key] = r.Line
		}
	}
	if err := lb.CheckServerType(s.Type); err != nil {
		bad("%s", err)
	}
	if err := lb.CheckServerStatus(s.Status); err != nil {
		bad("%s", err)
	}
	return reasons
}

// importAuditEntry describes an import for the audit log; a refusal adds its outcome and reasons.
func importAuditEntry(req ImportRequest, now time.Time) AuditEntry {
	var ids []string
	lines := 0
	for _, r := range req.Rows {
		if r.Line > 1 {
			lines++
		}
		if r.Problem == "" && lb.CheckServerID(r.Server.ID) == nil {
			ids = append(ids, r.Server.ID)
		}
	}
	servers := strings.Join(ids[:min(len(ids), maxAuditIDs)], " ")
	if len(ids) > maxAuditIDs {
		servers += " …"
	}
	return AuditEntry{
		Time:      now.UTC().Truncate(time.Microsecond),
		Actor:     req.Actor,
		Source:    SourceConsole,
		ClientIP:  req.ClientIP,
		RequestID: req.RequestID,
		Action:    ActionImportServers,
		Outcome:   OutcomeOK,
		Count:     len(ids),
		Servers:   servers,
		Request:   fmt.Sprintf("%s: %d rows", req.File, lines),
		Before:    "[]",
		After:     "[]",
	}
}

// importRefusal is the audit message of a refused import: how many lines were bad and the first
// few reasons.
func importRefusal(problems []ImportProblem, rows int) string {
	const shown = 5
	parts := make([]string, 0, shown)
	for _, p := range problems[:min(len(problems), shown)] {
		parts = append(parts, fmt.Sprintf("line %d: %s", p.Line, p.Reason))
	}
	msg := fmt.Sprintf("nothing imported, %d of %d lines refused: %s", len(problems), rows, strings.Join(parts, "; "))
	if len(problems) > shown {
		msg += "; …"
	}
	return msg
}
