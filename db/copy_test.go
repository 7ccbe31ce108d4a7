package db

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/internal/pgtest"
	"lbconsole/lb"
)

// dumpTable reads every row of a table as text, sorted, so that two databases' copies of it
// compare whatever order they keep rows in.
func dumpTable(t *testing.T, q queryer, table string) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT * FROM "`+table+`"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%q", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// busySQLite is a copy of the demo database on SQLite that has been used: users with
// sessions and an API key, sign-ins, applied and refused batches, export slots, nonces, a lease.
func busySQLite(t *testing.T) (*DB, auth.APICredentials) {
	t.Helper()
	ctx := context.Background()
	d := openAt(t, seededSQLitePath(t), Options{})
	ann, err := d.CreateUser(ctx, testOrigin, "ann", lb.RoleAdmin, "hash")
	if err != nil {
		t.Fatal(err)
	}
	cred := auth.NewAPICredentials()
	if _, err := d.CreateAPIKey(ctx, testOrigin, ann.ID, cred); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := d.CreateSession(ctx, Session{IDHash: "s1", UserID: ann.ID, Created: now, LastSeen: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "ann", ClientIP: "192.0.2.1"}, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SettleSignIn(ctx, r, SignInAttempt{UserName: "ann", ClientIP: "192.0.2.1"}, SignInFailed); err != nil {
		t.Fatal(err)
	}
	small := smallGroup(t, d)
	ms := members(t, d, small.Group.ID)
	apply(t, d, weightReq(small, "ann", ms[0].ID, 7))
	apply(t, d, removeReq(small, "ann", ms[1].ID))
	if _, err := d.RecordRefusal(ctx, BatchRequest{Actor: "ann", Source: SourceSLBAPI}, "InvalidParameter", "no"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AcquireExportLease(ctx, ann.ID, 2, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := d.UseNonce(ctx, cred.AccessKeyID, "n-1", now.Add(time.Hour), 100); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TryLease(ctx, "node-1", "console-a", time.Hour); err != nil {
		t.Fatal(err)
	}
	return d, cred
}

// TestCopyToPostgres moves a used SQLite database into PostgreSQL, as `console migrate`
// does, and finds every row of every table there as it was, the audit chain verifying to the
// same last hash, and the database working: new rows get new ids, and the API key opens.
func TestCopyToPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, cred := busySQLite(t)
	dst := openAt(t, pgtest.NewDB(t), Options{})
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatalf("CopyTo: %v", err)
	}
	tables, err := queryStrings(ctx, src.read, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	rowsCopied := map[string]int64{}
	for _, c := range copied {
		rowsCopied[c.Table] = c.Rows
	}
	for _, table := range tables {
		if notCopied[table] {
			continue
		}
		want, got := dumpTable(t, src.read, table), dumpTable(t, dst.read, table)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("table %s: PostgreSQL holds %d rows that differ from SQLite's %d:\n got %.600q\nwant %.600q", table, len(got), len(want), got, want)
		}
		if _, ok := rowsCopied[table]; !ok {
			t.Errorf("table %s was not copied", table)
		} else if rowsCopied[table] != int64(len(want)) {
			t.Errorf("table %s: CopyTo reports %d rows; SQLite holds %d", table, rowsCopied[table], len(want))
		}
	}
	if len(tables) < 15 {
		t.Errorf("SQLite has %d tables: %v", len(tables), tables)
	}

	srcChain, dstChain := mustVerify(t, src), mustVerify(t, dst)
	if !dstChain.OK() || dstChain.Rows != srcChain.Rows || dstChain.LastHash != srcChain.LastHash {
		t.Errorf("the copied audit chain: %+v; want OK with %d rows ending in %s", dstChain, srcChain.Rows, srcChain.LastHash)
	}
	bob, err := dst.CreateUser(ctx, testOrigin, "bob", lb.RoleViewer, "hash")
	if err != nil {
		t.Fatalf("a new user after the copy: %v", err)
	}
	if maxID := int64(count(t, src, "SELECT max(id) FROM users")); bob.ID <= maxID {
		t.Errorf("the first user made after the copy got id %d; want one past the copied ids (%d)", bob.ID, maxID)
	}
	if _, _, secret, err := dst.APIKeyByAccessKeyID(ctx, cred.AccessKeyID); err != nil || secret != cred.AccessKeySecret {
		t.Errorf("the copied API key: secret %q, %v; want its secret", secret, err)
	}

	t.Run("ErrTargetNotEmpty", func(t *testing.T) {
		before := dumpTable(t, dst.read, "audit_log")
		_, err := src.CopyTo(ctx, dst)
		if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "audit_log has") || !strings.Contains(err.Error(), "users has") {
			t.Errorf("a second copy: %v; want ErrTargetNotEmpty naming what the target holds", err)
		}
		if after := dumpTable(t, dst.read, "audit_log"); !reflect.DeepEqual(after, before) {
			t.Error("the refused copy changed the target's audit log")
		}
	})
}

// TestCopyToRefusesOneRow refuses a target that holds a single row of any table: nothing
// there may be lost or mixed into the copy.
func TestCopyToRefusesOneRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := openAt(t, seededSQLitePath(t), Options{})
	dst, _ := pgDB(t, Options{})
	if _, err := dst.write.ExecContext(ctx, "INSERT INTO regions (id, name) VALUES ('r-1', 'one')"); err != nil {
		t.Fatal(err)
	}
	// The target's own leases (of consoles already running on it) are not data: they do not
	// make it refused, and the source's are not copied.
	if _, err := dst.TryLease(ctx, "node-1", "console-a", time.Hour); err != nil {
		t.Fatal(err)
	}
	_, err := src.CopyTo(ctx, dst)
	if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "regions has 1 rows") || strings.Contains(err.Error(), "leases") {
		t.Errorf("CopyTo a target with one region: %v; want ErrTargetNotEmpty naming regions alone", err)
	}
	if n := count(t, dst, "SELECT count(*) FROM load_balancers"); n != 0 {
		t.Errorf("the refused copy left %d load balancers in the target", n)
	}
}
