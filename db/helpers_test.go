package db

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"lbconsole/internal/pgtest"
	"lbconsole/lb"
)

// testKey is the audit key every test store is opened with, unless a test says otherwise.
var testKey = bytes.Repeat([]byte("0123456789abcdef"), 2)

// TestMain removes the seeded template that seededPath builds once for the whole run, and stops
// the PostgreSQL cluster that tests on PostgreSQL start.
func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
}

// clock is a settable time source for Options.Now, safe to read from many goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openAt opens the store at path and closes it when the test ends.
func openAt(t *testing.T, path string, opts Options) *DB {
	t.Helper()
	if opts.Key == nil {
		opts.Key = testKey
	}
	d, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// emptyDB opens a fresh database: a file in the test's temporary directory or, on
// PostgreSQL, a database of its own. It returns the store and the DSN to open it again with.
func emptyDB(t *testing.T, opts Options) (*DB, string) {
	t.Helper()
	if onPostgres() {
		url := migratedPG.NewDB(t)
		return openAt(t, url, opts), url
	}
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	return openAt(t, path, opts), path
}

// SeedDemoForTests is demo.Seed, set by demo_hook_test.go: package demo imports db, so only
// db's external tests can import it.
var SeedDemoForTests func(context.Context, *DB) (bool, error)

var (
	templateOnce sync.Once
	templateDir  string
	templatePath string
	templateErr  error
)

// seededPath returns a fresh copy of a database holding the demo data. The demo is written
// once per test run and copied, because seeding under -race takes about a second.
func seededPath(t *testing.T) string {
	t.Helper()
	if onPostgres() {
		return seededPG.NewDB(t)
	}
	return seededSQLitePath(t)
}

// seededSQLitePath is seededPath on SQLite, whatever the tests' backend.
func seededSQLitePath(t *testing.T) string {
	t.Helper()
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "lbconsole-db-test-")
		if templateErr != nil {
			return
		}
		templatePath = filepath.Join(templateDir, "demo.db")
		ctx := context.Background()
		d, err := Open(ctx, templatePath, Options{Key: testKey})
		if err != nil {
			templateErr = err
			return
		}
		seeded, err := SeedDemoForTests(ctx, d)
		if err == nil && !seeded {
			err = errors.New("demo.Seed on an empty database reported false")
		}
		templateErr = errors.Join(err, d.Close())
	})
	if templateErr != nil {
		t.Fatalf("unable to build the demo template: %v", templateErr)
	}
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	copyFile(t, templatePath, path)
	return path
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// seededDB opens a fresh copy of the demo database.
func seededDB(t *testing.T, opts Options) (*DB, string) {
	t.Helper()
	path := seededPath(t)
	return openAt(t, path, opts), path
}

// target is one group of one load balancer, found in the demo data.
type target struct {
	LB    lb.LoadBalancer
	Group GroupSummary
}

// findGroup returns the first group (by region and name) for which keep is true.
func pickGroup(t *testing.T, d *DB, keep func(lb.LoadBalancer, GroupSummary) bool) target {
	t.Helper()
	ctx := context.Background()
	page, err := d.ListLoadBalancers(ctx, LBFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range page.Items {
		groups, err := d.ListGroups(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if keep(l.LoadBalancer, g) {
				return target{LB: l.LoadBalancer, Group: g}
			}
		}
	}
	t.Fatal("no group in the demo data fits")
	return target{}
}

// bigGroup is the demo's VServer group with 250 members or more.
func bigGroup(t *testing.T, d *DB) target {
	t.Helper()
	return pickGroup(t, d, func(l lb.LoadBalancer, g GroupSummary) bool { return g.Members >= 250 })
}

// smallGroup is a VServer group of an active load balancer other than the big group's.
func smallGroup(t *testing.T, d *DB, not ...string) target {
	t.Helper()
	return pickGroup(t, d, func(l lb.LoadBalancer, g GroupSummary) bool {
		for _, id := range not {
			if l.ID == id {
				return false
			}
		}
		return l.Status == lb.LBActive && g.Kind == lb.KindVServer && g.Members >= 8 && g.Members < 250
	})
}

// lockedGroup is the default server list of the demo's locked load balancer.
func lockedGroup(t *testing.T, d *DB) target {
	t.Helper()
	return pickGroup(t, d, func(l lb.LoadBalancer, g GroupSummary) bool { return l.Status == lb.LBLocked })
}

func members(t *testing.T, d *DB, groupID string) []lb.Member {
	t.Helper()
	ms, err := d.ListMembers(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func groupVersion(t *testing.T, d *DB, tg target) int64 {
	t.Helper()
	g, err := d.GetGroup(context.Background(), tg.LB.ID, tg.Group.ID)
	if err != nil {
		t.Fatal(err)
	}
	return g.Version
}

func auditTotal(t *testing.T, d *DB) int {
	t.Helper()
	page, err := d.ListAudit(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

func getAudit(t *testing.T, d *DB, seq int64) AuditEntry {
	t.Helper()
	e, err := d.GetAudit(context.Background(), seq)
	if err != nil {
		t.Fatalf("GetAudit(%d): %v", seq, err)
	}
	return e
}

// removeReq is a console removal of the given members from tg's group.
func removeReq(tg target, actor string, memberIDs ...string) BatchRequest {
	var old []lb.Spec
	for _, id := range memberIDs {
		old = append(old, lb.Spec{MemberID: id})
	}
	return BatchRequest{
		LoadBalancerID: tg.LB.ID,
		GroupRef:       tg.Group.ID,
		Batch:          lb.Batch{Action: lb.ActionRemove, Old: old},
		Actor:          actor,
		Source:         SourceConsole,
		ClientIP:       "192.0.2.10",
		RequestID:      "req-" + actor,
		Request:        fmt.Sprintf("remove %v", memberIDs),
	}
}

// weightReq sets one member's weight.
func weightReq(tg target, actor, memberID string, weight int) BatchRequest {
	return BatchRequest{
		LoadBalancerID: tg.LB.ID,
		GroupRef:       tg.Group.ID,
		Batch:          lb.Batch{Action: lb.ActionSetWeights, New: []lb.Spec{{MemberID: memberID, Weight: &weight}}},
		Actor:          actor,
		Source:         SourceConsole,
		ClientIP:       "192.0.2.10",
		RequestID:      "req-" + actor,
		Request:        "weight " + memberID + " " + strconv.Itoa(weight),
	}
}

func apply(t *testing.T, d *DB, req BatchRequest) BatchResult {
	t.Helper()
	res, err := d.ApplyBatch(context.Background(), req)
	if err != nil {
		t.Fatalf("ApplyBatch(%s by %s): %v", req.Batch.Action, req.Actor, err)
	}
	return res
}

func memberIDs(ms []lb.Member) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func label(m lb.Member) string {
	if m.Port == 0 {
		return m.ServerID
	}
	return m.ServerID + ":" + strconv.Itoa(m.Port)
}

func seqs(entries []AuditEntry) []int64 {
	out := []int64{}
	for _, e := range entries {
		out = append(out, e.Seq)
	}
	return out
}

func count(t *testing.T, d *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.read.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
