package db

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lbconsole/lb"
)

// Outcome of an applied batch; refused ones record their error kind.
const OutcomeOK = "ok"

// FieldAuditEntry names an audit entry, by its sequence number, in errors.
const FieldAuditEntry = "Seq"

// AuditEntry is one batch attempt as the audit log keeps it.
type AuditEntry struct {
	Seq          int64
	Time         time.Time
	Actor        string
	Source       string
	ClientIP     string
	RequestID    string
	Action       string
	Region       string
	LoadBalancer string
	Group        string
	Outcome      string
	Message      string
	Count        int    // servers named (refused) or touched (applied)
	Servers      string // space-separated ServerId or ServerId:Port
	Request      string
	Before       string // JSON array of the affected members as they were
	After        string // JSON array of the affected members as they became
	GroupVersion int64  // the group's version after an applied change
	Reverts      int64  // the entry this one reverts, or zero
	PrevHash     string
	Hash         string
	// LoadBalancerName, GroupName and GroupKind are what the entry's load balancer and group
	// are called now, read beside the entry for people (empty once they are deleted). They are
	// not part of the entry, nor of its hash.
	LoadBalancerName string
	GroupName        string
	GroupKind        lb.GroupKind
}

// AuditMember is a member as the audit log's before and after record it.
type AuditMember struct {
	ID          string `json:"id"`
	ServerID    string `json:"server_id"`
	Address     string `json:"address"`
	Port        int    `json:"port"`
	Weight      int    `json:"weight"`
	Type        string `json:"type"`
	Description string `json:"description"`
	SubnetID    string `json:"subnet_id"`
	// Maintenance is left out when false, so that the entries of members never in maintenance
	// read as they did before the flag existed.
	Maintenance bool   `json:"maintenance,omitempty"`
	Backup      bool   `json:"backup,omitempty"` // left out when false, as Maintenance
	Created     string `json:"created,omitempty"`
}

func newAuditEntry(req BatchRequest, res BatchResult, refusal error, now time.Time) AuditEntry {
	e := AuditEntry{
		Time:         now.UTC().Truncate(time.Microsecond),
		Actor:        req.Actor,
		Source:       req.Source,
		ClientIP:     req.ClientIP,
		RequestID:    req.RequestID,
		Action:       string(req.Batch.Action),
		Region:       res.LoadBalancer.RegionID,
		LoadBalancer: firstNonEmpty(res.LoadBalancer.ID, req.LoadBalancerID),
		Group:        firstNonEmpty(res.Group.ID, req.GroupRef),
		Outcome:      OutcomeOK,
		Request:      req.Request,
		Before:       membersJSON(res.Diff.Before()),
		After:        membersJSON(res.Diff.After()),
	}
	if refusal != nil {
		e.Outcome, e.Message = string(lb.ErrorKind(refusal)), refusal.Error()
		e.Before, e.After = "[]", "[]"
		e.Servers, e.Count = specServers(req.Batch, res.Members)
		return e
	}
	e.Servers, e.Count = diffServers(res.Diff)
	e.GroupVersion = res.Group.Version
	return e
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func membersJSON(ms []lb.Member) string {
	out := make([]AuditMember, 0, len(ms))
	for _, m := range ms {
		out = append(out, AuditMember{ID: m.ID, ServerID: m.ServerID, Address: m.Address, Port: m.Port,
			Weight: m.Weight, Type: string(m.Type), Description: m.Description, SubnetID: m.SubnetID, Maintenance: m.Maintenance,
			Backup: m.Backup, Created: formatTime(m.Created)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func serverLabel(serverID, address string, port int) string {
	name := serverID
	if name == "" {
		name = address
	}
	if port == 0 {
		return name
	}
	return name + ":" + strconv.Itoa(port)
}

func diffServers(d lb.Diff) (string, int) {
	var names []string
	for _, m := range append(d.Before(), d.Added...) {
		names = append(names, serverLabel(m.ServerID, m.Address, m.Port))
	}
	return strings.Join(names, " "), len(names)
}

// specServers names the servers a refused batch asked about; entries that name a member by id
// are looked up in the group's members, so the log says which servers, not which ids.
func specServers(b lb.Batch, members []lb.Member) (string, int) {
	byID := make(map[string]lb.Member, len(members))
	for _, m := range members {
		byID[m.ID] = m
	}
	var names []string
	for _, s := range append(append([]lb.Spec{}, b.Old...), b.New...) {
		name := serverLabel(s.ServerID, s.Address, s.Port)
		if m, ok := byID[s.MemberID]; ok && name == "" {
			name = serverLabel(m.ServerID, m.Address, m.Port)
		}
		if name == "" {
			name = s.MemberID
		}
		names = append(names, name)
	}
	return strings.Join(names, " "), len(names)
}

// canonical is the text the chain's HMAC covers: every column but the hash, in a fixed order.
func (e AuditEntry) canonical() []byte {
	b, _ := json.Marshal([]any{e.Seq, e.Time.UTC().Format(timeLayout), e.Actor, e.Source, e.ClientIP, e.RequestID,
		e.Action, e.Region, e.LoadBalancer, e.Group, e.Outcome, e.Message, e.Count, e.Servers, e.Request,
		e.Before, e.After, e.GroupVersion, e.Reverts, e.PrevHash})
	return b
}

func (d *DB) chainHash(e AuditEntry) string {
	m := hmac.New(sha256.New, d.auditKey)
	m.Write([]byte(e.PrevHash))
	m.Write(e.canonical())
	return hex.EncodeToString(m.Sum(nil))
}

// appendAudit adds e at the end of the chain, inside the caller's write transaction.
func (d *DB) appendAudit(ctx context.Context, tx queryer, e AuditEntry) (int64, error) {
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("db: unable to read the end of the audit chain: %w", err)
	}
	e.Seq++
	e.Hash = d.chainHash(e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, formatTime(e.Time), e.Actor, e.Source, e.ClientIP, e.RequestID, e.Action, e.Region, e.LoadBalancer, e.Group,
		e.Outcome, e.Message, e.Count, e.Servers, e.Request, e.Before, e.After, e.GroupVersion, e.Reverts, e.PrevHash, e.Hash)
	if err != nil {
		return 0, fmt.Errorf("db: unable to append to the audit log: %w", err)
	}
	return e.Seq, nil
}

const auditColumns = `seq, time, actor, source, client_ip, request_id, action, region, load_balancer, group_id,
	outcome, message, servers_count, servers, request, before, after, group_version, reverts, prev_hash, hash`

func auditDest(e *AuditEntry) []any {
	return []any{&e.Seq, (*timeText)(&e.Time), &e.Actor, &e.Source, &e.ClientIP, &e.RequestID, &e.Action, &e.Region,
		&e.LoadBalancer, &e.Group, &e.Outcome, &e.Message, &e.Count, &e.Servers, &e.Request, &e.Before, &e.After,
		&e.GroupVersion, &e.Reverts, &e.PrevHash, &e.Hash}
}

// The audit log as people read it: each entry with the names its load balancer and group have
// now. The table is "a" in the queries' conditions.
var (
	auditNamedColumns = "a." + strings.ReplaceAll(strings.Join(strings.Fields(auditColumns), " "), ", ", ", a.") +
		", coalesce(l.name, ''), coalesce(g.name, ''), coalesce(g.kind, '')"
	auditNamedFrom = " FROM audit_log a LEFT JOIN load_balancers l ON l.id = a.load_balancer LEFT JOIN groups g ON g.id = a.group_id"
)

func auditNamedDest(e *AuditEntry) []any {
	return append(auditDest(e), &e.LoadBalancerName, &e.GroupName, &e.GroupKind)
}

// VerifyResult says whether the audit chain is intact and, if not, where it first breaks.
type VerifyResult struct {
	Rows     int64
	LastHash string // the hash of the last row, to compare with a copy kept elsewhere
	BadSeq   int64  // zero when intact
	Reason   string
}

// OK reports whether the whole chain verified.
func (r VerifyResult) OK() bool { return r.BadSeq == 0 }

// VerifyAudit recomputes the chain from the first row and reports the first row whose hash,
// link or sequence does not hold: an edited, inserted or deleted row breaks it there.
func (d *DB) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	var r VerifyResult
	prev := AuditEntry{}
	err := d.StreamAudit(ctx, AuditFilter{Ascending: true}, func(e AuditEntry) error {
		r.Rows++
		switch {
		case e.Seq != prev.Seq+1:
			r.BadSeq, r.Reason = e.Seq, fmt.Sprintf("row %d follows row %d: rows are missing", e.Seq, prev.Seq)
		case e.PrevHash != prev.Hash:
			r.BadSeq, r.Reason = e.Seq, fmt.Sprintf("row %d does not link to row %d", e.Seq, prev.Seq)
		case !hmac.Equal([]byte(e.Hash), []byte(d.chainHash(e))):
			r.BadSeq, r.Reason = e.Seq, fmt.Sprintf("row %d was changed after it was written", e.Seq)
		}
		if r.BadSeq != 0 {
			return errStop
		}
		prev = e
		r.LastHash = e.Hash
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return r, err
}

var errStop = errors.New("stop")

// Diff reads the entry's before and after back into the change it recorded: members only
// before were removed, only after were added, in both were changed.
func (e AuditEntry) Diff() lb.Diff {
	before, after := decodeMembers(e.Before), decodeMembers(e.After)
	was := make(map[string]lb.Member, len(before))
	for _, b := range before {
		was[b.ID] = b
	}
	var d lb.Diff
	stays := make(map[string]bool, len(after))
	for _, a := range after {
		if b, ok := was[a.ID]; ok {
			d.Changed = append(d.Changed, lb.Change{Before: b, After: a})
			stays[a.ID] = true
		} else {
			d.Added = append(d.Added, a)
		}
	}
	for _, b := range before {
		if !stays[b.ID] {
			d.Removed = append(d.Removed, b)
		}
	}
	return d
}

// RecordRefusal audits a change an interface refused before it reached the store (a request
// that breaks a rule the interface checks itself), so that every refused attempt is in the
// audit log. outcome is the interface's error code.
func (d *DB) RecordRefusal(ctx context.Context, req BatchRequest, outcome, message string) (int64, error) {
	e := newAuditEntry(req, BatchResult{}, errors.New(message), d.now())
	e.Outcome = outcome
	var seq int64
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		seq, err = d.appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		d.observe.AuditFailed(req.Source, string(req.Batch.Action))
		return 0, err
	}
	d.observe.BatchDone(req.Source, string(req.Batch.Action), outcome)
	return seq, nil
}
