package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
func (d *DB) ListServers(ctx context.Context, f ServerFilter) (ServerPage, error) {
	where, args := f.where()
	var page ServerPage
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*)"+serverJoins+where, args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("db: unable to count servers: %w", err)
		}
		var err error
		page.Items, err = queryServers(ctx, tx, "SELECT "+serverColumns+serverJoins+where+
			" ORDER BY v.region_id, s.name, s.id LIMIT ? OFFSET ?", append(args, limitOrAll(f.Limit), f.Offset)...)
		return err
	})
	return page, err
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

// Limits of an inventory import.
const (
	// MaxImportRows is the most servers one import may hold.
	MaxImportRows = 5000
	// MaxImportProblems is the most problems an import reports; the rest are only counted.
	MaxImportProblems = 50
	// MaxServerNameLen is the longest server name, in characters.
	MaxServerNameLen = 128
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
}

// ImportProblem is why one line of an import was refused.
type ImportProblem struct {
	Line   int
	Reason string
}

// ImportResult says what an import did. An import is all or nothing: with any problem,
// nothing is imported.
type ImportResult struct {
	Imported int
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

func querySubnets(ctx context.Context, q queryer, query string, args ...any) ([]lb.Subnet, error) {
	return queryAll(ctx, q, "subnets", func(s *lb.Subnet) []any { return []any{&s.ID, &s.VpcID, &s.Name, &s.CIDR} }, query, args...)
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
	if err := checkServerID(s.ID); err != "" {
		bad("%s", err)
	} else if first, dup := idLine[s.ID]; dup {
		bad("server id %s is also on line %d", s.ID, first)
	} else if inv.ids[s.ID] {
		bad("server id %s is already in the inventory", s.ID)
	}
	if _, dup := idLine[s.ID]; !dup && s.ID != "" {
		idLine[s.ID] = r.Line
	}
	if err := checkServerName(s.Name); err != "" {
		bad("%s", err)
	}
	sn, ok := inv.subnets[s.SubnetID]
	switch {
	case s.SubnetID == "":
		bad("subnet_id is empty")
	case !ok:
		bad("subnet %s does not exist", clip(s.SubnetID))
	default:
		if err := lb.CheckAddressInSubnet(s.Address, sn); err != nil {
			bad("%s", err.Error())
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
	if !s.Type.Valid() {
		bad("type %q is not ecs, eni or eci", clip(string(s.Type)))
	}
	if s.Status != lb.StatusRunning && s.Status != lb.StatusStopped {
		bad("status %q is not Running or Stopped", clip(string(s.Status)))
	}
	return reasons
}

// checkServerID enforces the clouds' id shapes: i-… for an instance, eni-… for a network
// interface, 3 to 64 lower-case letters, digits and dashes.
func checkServerID(id string) string {
	switch {
	case id == "":
		return "id is empty"
	case len(id) > lb.MaxServerIDLen:
		return fmt.Sprintf("id is %d characters long: at most %d are allowed", len(id), lb.MaxServerIDLen)
	case !strings.HasPrefix(id, "i-") && !strings.HasPrefix(id, "eni-"):
		return fmt.Sprintf("id %q must start with i- or eni-", clip(id))
	case id == "eni-":
		return "id eni- has nothing after its prefix"
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Sprintf("id %q may hold only lower-case letters, digits and dashes", clip(id))
		}
	}
	if len(id) < 3 {
		return fmt.Sprintf("id %q is too short: at least 3 characters", id)
	}
	return ""
}

func checkServerName(name string) string {
	if fault := lb.TextFault(name); fault != "" {
		return "name " + fault
	}
	if n := utf8.RuneCountInString(name); n > MaxServerNameLen {
		return fmt.Sprintf("name is %d characters long: at most %d are allowed", n, MaxServerNameLen)
	}
	return ""
}

// clip shortens a value quoted in a message, so that one huge cell cannot flood the page.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// importAuditEntry describes an import for the audit log; a refusal adds its outcome and reasons.
func importAuditEntry(req ImportRequest, now time.Time) AuditEntry {
	var ids []string
	lines := 0
	for _, r := range req.Rows {
		if r.Line > 1 {
			lines++
		}
		if r.Problem == "" && checkServerID(r.Server.ID) == "" {
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
