package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lbconsole/lb"
)

// AuditFilter selects audit entries. Empty fields select everything.
type AuditFilter struct {
	// Actor matches the start of the actor's name.
	Actor  string
	Source string
	Action string
	// LoadBalancer and Group match the start of the id, or of the name the load balancer or
	// group has now.
	LoadBalancer string
	Group        string
	Outcome      string // "ok", "refused" (anything but ok), or an exact error kind
	Since        time.Time
	Until        time.Time
	// Ascending lists oldest first; the default is newest first.
	Ascending bool
	Offset    int
	Limit     int
}

func (f AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	for col, v := range map[string]string{"a.source": f.Source, "a.action": f.Action} {
		if v != "" {
			add(col+" = ?", v)
		}
	}
	if f.Actor != "" {
		add(`a.actor LIKE ? ESCAPE '\'`, escapeLike(f.Actor)+"%")
	}
	if f.LoadBalancer != "" {
		prefix := escapeLike(f.LoadBalancer) + "%"
		conds = append(conds, `(a.load_balancer LIKE ? ESCAPE '\' OR a.load_balancer IN (SELECT id FROM load_balancers WHERE name LIKE ? ESCAPE '\'))`)
		args = append(args, prefix, prefix)
	}
	if f.Group != "" {
		prefix := escapeLike(f.Group) + "%"
		conds = append(conds, `(a.group_id LIKE ? ESCAPE '\' OR a.group_id IN (SELECT id FROM groups WHERE name LIKE ? ESCAPE '\'))`)
		args = append(args, prefix, prefix)
	}
	switch f.Outcome {
	case "":
	case "refused":
		add("a.outcome <> ?", OutcomeOK)
	default:
		add("a.outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		add("a.time >= ?", formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("a.time < ?", formatTime(f.Until))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// AuditPage is one page of entries and how many match in all.
type AuditPage struct {
	Items []AuditEntry
	Total int
}

// ListAudit returns one page of the entries that match f.
func (d *DB) ListAudit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	var page AuditPage
	where, args := f.where()
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM audit_log a"+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("db: unable to count audit entries: %w", err)
	}
	err := d.StreamAudit(ctx, f, func(e AuditEntry) error {
		page.Items = append(page.Items, e)
		return nil
	})
	return page, err
}

// auditPageSize is how many entries StreamAudit reads per query.
const auditPageSize = 500

// StreamAudit calls fn for each entry that matches f, in order, so that an export of any size
// keeps memory flat. It reads in pages of auditPageSize entries, each page its own short read
// keyed on seq, and calls fn only once the page's connection is back in the pool: a consumer
// that waits (a download to a slow or stalled client) never holds a database connection. The
// log is append-only, so paging on seq neither skips nor repeats an entry. It stops at the
// first error fn returns.
func (d *DB) StreamAudit(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error {
	left := limitOrAll(f.Limit)
	var cursor int64 // the last seq seen; zero before the first page
	for offset := f.Offset; left != 0; offset = 0 {
		n := auditPageSize
		if left > 0 {
			n = min(n, left)
		}
		page, err := d.auditPage(ctx, f, cursor, offset, n)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < n {
			return nil
		}
		cursor = page[len(page)-1].Seq
		if left > 0 {
			left -= len(page)
		}
	}
	return nil
}

// auditPage reads up to n entries that match f past cursor (after it when ascending, before it
// otherwise), skipping offset of them, and closes its rows before it returns.
func (d *DB) auditPage(ctx context.Context, f AuditFilter, cursor int64, offset, n int) ([]AuditEntry, error) {
	where, args := f.where()
	order, past := " ORDER BY a.seq DESC", "a.seq < ?"
	if f.Ascending {
		order, past = " ORDER BY a.seq", "a.seq > ?"
	}
	if cursor != 0 {
		if where == "" {
			where = " WHERE " + past
		} else {
			where += " AND " + past
		}
		args = append(args, cursor)
	}
	return queryAll(ctx, d.read, "the audit log", auditNamedDest, "SELECT "+auditNamedColumns+auditNamedFrom+where+order+" LIMIT ? OFFSET ?",
		append(args, n, offset)...)
}

// GetAudit returns one entry; an unknown one is an *lb.Error of kind not found.
func (d *DB) GetAudit(ctx context.Context, seq int64) (AuditEntry, error) {
	return readAudit(ctx, d.read, seq)
}

func readAudit(ctx context.Context, q queryer, seq int64) (AuditEntry, error) {
	return queryOne(ctx, q, fmt.Sprintf("audit entry %d", seq), lb.Errorf(lb.KindNotFound, FieldAuditEntry, "audit entry %d does not exist", seq),
		auditNamedDest, "SELECT "+auditNamedColumns+auditNamedFrom+" WHERE a.seq = ?", seq)
}

// GroupChangesSince returns the applied entries that moved a group past version, oldest
// first: what changed since someone loaded the group at that version.
func (d *DB) GroupChangesSince(ctx context.Context, groupID string, version int64) ([]AuditEntry, error) {
	return queryAll(ctx, d.read, "the changes of "+groupID, auditNamedDest,
		"SELECT "+auditNamedColumns+auditNamedFrom+" WHERE a.group_id = ? AND a.outcome = ? AND a.group_version > ? ORDER BY a.seq LIMIT 50",
		groupID, OutcomeOK, version)
}

// RevertedBy returns the applied entry that reverted seq, or zero.
func (d *DB) RevertedBy(ctx context.Context, seq int64) (int64, error) {
	var by int64
	err := d.read.QueryRowContext(ctx, "SELECT seq FROM audit_log WHERE reverts = ? AND outcome = ? ORDER BY seq LIMIT 1", seq, OutcomeOK).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("db: unable to look for a revert of %d: %w", seq, err)
	}
	return by, nil
}
