package main

import (
	"context"
	"encoding/csv"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lbconsole/lb"
)

// console runs the program with stdin and returns its standard output, failing on an error.
func console(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	e, stdout, _ := testEnv(nil, stdin)
	if err := run(context.Background(), args, e); err != nil {
		t.Fatalf("console %s = %v", strings.Join(args, " "), err)
	}
	return stdout.String()
}

// consoleFails runs the program and returns its error and exit status.
func consoleFails(t *testing.T, args ...string) (error, int) {
	t.Helper()
	e, _, _ := testEnv(nil, "")
	err := run(context.Background(), args, e)
	return err, exitCode(err)
}

// verifyOK runs audit verify with the right key and returns its report.
func verifyOK(t *testing.T, path string) string {
	t.Helper()
	e, stdout, _ := testEnv(nil, "")
	if err := run(context.Background(), []string{"audit", "verify", "--db", path}, e); err != nil {
		t.Fatalf("audit verify with the right key = %v; want the chain intact", err)
	}
	return stdout.String()
}

// createdKey returns the AccessKeyId that key create printed.
func createdKey(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if id, ok := strings.CutPrefix(line, "AccessKeyId: "); ok {
			return id
		}
	}
	t.Fatalf("no AccessKeyId in %q", out)
	return ""
}

// keyLines returns key list's lines by AccessKeyId, each split into its columns.
func keyLines(t *testing.T, out string) map[string][]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	// Scripts read the first five columns; later ones are added at the end, the label last, as
	// it may hold spaces.
	const head = "ID ACCESS KEY ID OWNER CREATED REVOKED EXPIRES LAST USED LABEL"
	if len(lines) == 0 || strings.Join(strings.Fields(lines[0]), " ") != head {
		t.Fatalf("key list header = %q; want %s", lines[0], head)
	}
	out2 := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 8 {
			t.Fatalf("key list line %q has %d columns; want 8 or more", l, len(f))
		}
		out2[f[1]] = append(f[:7:7], strings.Join(f[7:], " "))
	}
	return out2
}

// keyWorks reports whether the SLB API would accept the key.
func keyWorks(t *testing.T, path, accessKeyID string) bool {
	t.Helper()
	e, _, _ := testEnv(nil, "")
	store, _, err := openStore(context.Background(), dbFlags{db: path}, e)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, _, _, err = store.APIKeyByAccessKeyID(context.Background(), accessKeyID)
	if err != nil && lb.ErrorKind(err) != lb.KindUnauthenticated {
		t.Fatal(err)
	}
	return err == nil
}

func TestKeyCommands(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	console(t, goodPassword+"\n", "user", "add", "alice", "--role", "operator", "--db", path)
	console(t, goodPassword+"\n", "user", "add", "bob", "--role", "viewer", "--db", path)
	alice1 := createdKey(t, console(t, "", "key", "create", "--user", "alice", "--db", path))
	alice2 := createdKey(t, console(t, "", "key", "create", "--user", "alice", "--db", path))
	bob1 := createdKey(t, console(t, "", "key", "create", "--user", "bob", "--db", path))

	t.Run("ListShowsEveryKeyWithItsOwner", func(t *testing.T) {
		lines := keyLines(t, console(t, "", "key", "list", "--db", path))
		if len(lines) != 3 {
			t.Fatalf("key list shows %d keys; want 3", len(lines))
		}
		for id, owner := range map[string]string{alice1: "alice", alice2: "alice", bob1: "bob"} {
			if l := lines[id]; l == nil || l[2] != owner || l[4] != "-" || l[0] == "" {
				t.Errorf("key list line of %s = %q; want an id, owner %s, not revoked", id, l, owner)
			}
		}
		if only := keyLines(t, console(t, "", "key", "list", "--user", "bob", "--db", path)); len(only) != 1 || only[bob1] == nil {
			t.Errorf("key list --user bob = %v; want bob's one key", only)
		}
		if err, code := consoleFails(t, "key", "list", "--user", "nobody", "--db", path); code != 1 || !strings.Contains(err.Error(), "nobody") {
			t.Errorf("key list --user nobody = %v (status %d); want status 1 naming nobody", err, code)
		}
	})

	t.Run("RevokeByAccessKeyIdOrNumber", func(t *testing.T) {
		out := console(t, "", "key", "revoke", alice1, "--db", path)
		if !strings.Contains(out, alice1) || !strings.Contains(out, "alice") || !strings.Contains(out, "revoked") {
			t.Errorf("key revoke = %q; want it to name the key, its owner and say it was revoked", out)
		}
		number := keyLines(t, console(t, "", "key", "list", "--db", path))[bob1][0]
		console(t, "", "key", "revoke", number, "--db", path)
		lines := keyLines(t, console(t, "", "key", "list", "--db", path))
		for id, revoked := range map[string]bool{alice1: true, alice2: false, bob1: true} {
			if got := lines[id][4] != "-"; got != revoked {
				t.Errorf("key list shows %s revoked %v; want %v", id, got, revoked)
			}
			if keyWorks(t, path, id) == revoked {
				t.Errorf("key %s works %v after the revocations; want %v", id, !revoked, !revoked)
			}
		}
	})

	t.Run("AgainIsNothingToDo", func(t *testing.T) {
		if out := console(t, "", "key", "revoke", alice1, "--db", path); !strings.Contains(out, "already revoked") {
			t.Errorf("key revoke again = %q; want it to say it was already revoked", out)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			code int
		}{
			{[]string{"key", "revoke", "LTAInosuchkey"}, 1},
			{[]string{"key", "revoke", "99999"}, 1},
			{[]string{"key", "revoke"}, 2},
			{[]string{"key", "revoke", alice2, bob1}, 2},
			{[]string{"key", "shred"}, 2},
		} {
			if err, code := consoleFails(t, append(tc.args, "--db", path)...); code != tc.code {
				t.Errorf("console %v = %v (status %d); want status %d", tc.args, err, code, tc.code)
			}
		}
		if !keyWorks(t, path, alice2) {
			t.Error("alice's second key stopped working after refused commands")
		}
	})
}

// auditCSV runs audit export with the given filters and returns the rows as maps by column.
func auditCSV(t *testing.T, path string, filters ...string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(console(t, "", append([]string{"audit", "export", "--db", path}, filters...)...))).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("audit export: %v", err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// Every account change made on the command line is in the audit log, under its own action,
// with source cli and the operating system account that ran it.
func TestCLIAccountEventsAreAudited(t *testing.T) {
	t.Parallel()
	me := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		me = u.Username
	}
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	e, _, _ := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": goodPassword}, "")
	_, stop := serving(t, e, "serve", "--addr", "127.0.0.1:0", "--db", path)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	console(t, goodPassword+"\n", "user", "add", "alice", "--role", "operator", "--db", path)
	kept := createdKey(t, console(t, "", "key", "create", "--user", "alice", "--db", path))
	if out := console(t, "another good password\n", "user", "passwd", "alice", "--db", path); !strings.Contains(out, "still has 1 working API key") {
		t.Errorf("user passwd = %q; want it to say alice still has 1 working API key", out)
	}
	if !keyWorks(t, path, kept) {
		t.Error("user passwd without --revoke-keys revoked the key")
	}
	if out := console(t, "a third good password\n", "user", "passwd", "alice", "--revoke-keys", "--db", path); !strings.Contains(out, "1 API keys of alice were revoked") {
		t.Errorf("user passwd --revoke-keys = %q; want it to say 1 key was revoked", out)
	}
	if keyWorks(t, path, kept) {
		t.Error("user passwd --revoke-keys left the key working")
	}

	rows := auditCSV(t, path, "--source", "cli")
	var got []string
	for _, r := range rows {
		if r["actor"] != me || r["outcome"] != "ok" {
			t.Errorf("audit row %s: actor %q, outcome %q; want %q, ok", r["seq"], r["actor"], r["outcome"], me)
		}
		got = append(got, r["action"])
	}
	want := []string{"create_user", "create_user", "create_key", "reset_password", "reset_password", "revoke_key"}
	if !slices.Equal(got, want) {
		t.Errorf("cli audit actions = %v; want %v (the first admin, alice, her key, two resets, the revocation)", got, want)
	}
	if len(rows) == len(want) && (!strings.Contains(rows[0]["message"], "admin") || !strings.Contains(rows[5]["message"], kept)) {
		t.Errorf("messages = %q, %q; want them to name the first admin and the revoked key", rows[0]["message"], rows[5]["message"])
	}
	if out := verifyOK(t, path); !strings.Contains(out, "6 rows") {
		t.Errorf("audit verify = %q; want 6 intact rows", out)
	}
}

// A key is made with a label and an expiry, which key list shows; a lifetime or an expiry that
// cannot be read is refused, with nothing made.
func TestKeyCreateWithLabelAndExpiry(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lbconsole.db")
	console(t, goodPassword+"\n", "user", "add", "alice", "--role", "operator", "--db", path)
	id := createdKey(t, console(t, "", "key", "create", "--user", "alice", "--label", "deploy pipeline", "--expires", "90d", "--db", path))
	dated := createdKey(t, console(t, "", "key", "create", "--user", "alice", "--expires", "2099-01-31", "--db", path))
	lines := keyLines(t, console(t, "", "key", "list", "--db", path))
	if l := lines[id]; l[7] != "deploy pipeline" || l[5] == "-" || l[6] != "-" {
		t.Errorf("key list line = %q; want the label, an expiry, no use yet", l)
	}
	if l := lines[dated]; l[5] != "2099-01-31T00:00:00Z" || l[7] != "-" {
		t.Errorf("key list line = %q; want the expiry 2099-01-31T00:00:00Z and no label", l)
	}
	for _, bad := range [][]string{{"--expires", "soon"}, {"--expires", "0d"}, {"--expires", "2001-01-01"}, {"--label", strings.Repeat("x", 65)}} {
		args := append([]string{"key", "create", "--user", "alice", "--db", path}, bad...)
		if err, code := consoleFails(t, args...); code == 0 {
			t.Errorf("key create %q succeeded (%v); want it refused", bad, err)
		}
	}
	if n := len(keyLines(t, console(t, "", "key", "list", "--db", path))); n != 2 {
		t.Errorf("after the refusals key list shows %d keys; want 2", n)
	}
}
