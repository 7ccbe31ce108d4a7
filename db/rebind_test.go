package db

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"PlaceholdersAreNumberedInOrder", "SELECT a FROM t WHERE b = ? AND c IN (?,?)", "SELECT a FROM t WHERE b = $1 AND c IN ($2,$3)"},
		{"NoPlaceholders", "SELECT count(*) FROM users", "SELECT count(*) FROM users"},
		{"LikeIgnoresCaseAsInSQLite", `name LIKE ? ESCAPE '\' OR id like ?`, `name ILIKE $1 ESCAPE '\' OR id ILIKE $2`},
		{"NotLike", "a NOT LIKE ?", "a NOT ILIKE $1"},
		{"WordsThatContainLikeStay", "SELECT likely, unlike, like_count, liked FROM t", "SELECT likely, unlike, like_count, liked FROM t"},
		{"QuestionMarkInTextStays", "SELECT '?' || ? FROM t WHERE x = 'a?b'", "SELECT '?' || $1 FROM t WHERE x = 'a?b'"},
		{"LikeInTextStays", "SELECT 'LIKE' WHERE a LIKE ?", "SELECT 'LIKE' WHERE a ILIKE $1"},
		{"DoubledQuoteInText", "SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , $1"},
		{"QuotedIdentifier", `SELECT "what?" FROM t WHERE a = ?`, `SELECT "what?" FROM t WHERE a = $1`},
		{"LineComment", "SELECT 1 -- why? LIKE\nWHERE a = ?", "SELECT 1 -- why? LIKE\nWHERE a = $1"},
		{"BlockComment", "SELECT /* a ? b LIKE */ ?", "SELECT /* a ? b LIKE */ $1"},
		{"ManyPlaceholders", strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
		{"UnterminatedTextRunsToTheEnd", "SELECT 'abc ?", "SELECT 'abc ?"},
		{"NonASCIIIsCopied", "SELECT 'é' WHERE nom = ?", "SELECT 'é' WHERE nom = $1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := rebind(tt.in); got != tt.want {
				t.Errorf("rebind(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// portabilityRules are what the store's SQL must not say, so that one statement serves both
// databases: each is a SQLite-only spelling with a portable one named in its message.
var portabilityRules = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`(?i)\bINSERT\s+OR\s+(IGNORE|REPLACE)\b`), "use INSERT … ON CONFLICT … DO NOTHING/UPDATE"},
	{regexp.MustCompile(`(?i)\bREPLACE\s+INTO\b`), "use INSERT … ON CONFLICT … DO UPDATE"},
	{regexp.MustCompile(`(?i)\bPRAGMA\b`), "no PRAGMA in store methods"},
	{regexp.MustCompile(`(?i)\bLIMIT\s+-1\b`), "use limitOrAll"},
	{regexp.MustCompile(`(?i)\b(IFNULL|GROUP_CONCAT|IIF|INSTR|PRINTF|STRFTIME|DATETIME|JULIANDAY|UNIXEPOCH|LAST_INSERT_ROWID|TOTAL_CHANGES|CHANGES)\s*\(`), "a SQLite-only function: use COALESCE, string_agg in Go, or compute in Go"},
	{regexp.MustCompile(`(?i)\b(MAX|MIN)\s*\([^()]*,`), "scalar max/min of several values: use CASE, or compute in Go"},
	{regexp.MustCompile(`(?i)\bROWID\b`), "name the primary key"},
	{regexp.MustCompile(`(?i)\bCOLLATE\s+NOCASE\b`), "compare lower(x) = lower(?), or LIKE (ILIKE on PostgreSQL)"},
	{regexp.MustCompile(`(?i)\bGLOB\b`), "use LIKE"},
	{regexp.MustCompile(`\$[0-9]`), "write ? placeholders: rebind numbers them for PostgreSQL"},
}

// dialectFiles are the files that talk to SQLite itself (its DSN, its pragmas) and to nothing
// else, or to PostgreSQL itself: the rules do not apply to them.
var dialectFiles = map[string]bool{"db.go": true, "migrate.go": true, "postgres.go": true, "copy.go": true, "rebind.go": true}

// TestStoreSQLIsPortable reads the store's source and holds every SQL text in it to
// portabilityRules, so that a statement that works on SQLite only is found before it fails on
// PostgreSQL in production.
func TestStoreSQLIsPortable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || dialectFiles[name] {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil || !looksLikeSQL(text) {
				return true
			}
			checked++
			for _, p := range sqlProblems(text) {
				t.Errorf("%s: %s", fset.Position(lit.Pos()), p)
			}
			return true
		})
	}
	if checked < 100 {
		t.Errorf("checked %d SQL texts; the store has more: is looksLikeSQL still right?", checked)
	}
}

var sqlWords = regexp.MustCompile(`\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|VALUES|ON CONFLICT|ORDER BY|LIMIT)\b`)

func looksLikeSQL(s string) bool { return sqlWords.MatchString(s) }

// sqlProblems says what in query is not portable, one problem a line.
func sqlProblems(query string) []string {
	var out []string
	for _, r := range portabilityRules {
		if m := r.re.FindString(query); m != "" {
			out = append(out, fmt.Sprintf("%q is not portable SQL: %s", m, r.why))
		}
	}
	if q := quotedQuestionMark(query); q != "" {
		out = append(out, fmt.Sprintf("%s holds a ?, easily taken for a parameter (rebind leaves it as text): pass the text as a parameter", q))
	}
	return out
}

// TestPortabilityRules shows that the rules find what they are about, and pass the store's
// usual statements.
func TestPortabilityRules(t *testing.T) {
	for _, bad := range []string{
		"INSERT OR IGNORE INTO t (a) VALUES (?)",
		"insert or replace into t (a) values (?)",
		"REPLACE INTO t (a) VALUES (?)",
		"PRAGMA user_version",
		"SELECT a FROM t LIMIT -1",
		"SELECT ifnull(a, '') FROM t",
		"SELECT group_concat(a) FROM t",
		"SELECT max(a, b) FROM t",
		"SELECT rowid FROM t",
		"SELECT a FROM t WHERE b = ? COLLATE NOCASE",
		"SELECT a FROM t WHERE b = $1",
		"SELECT a FROM t WHERE b = 'why?'",
		"SELECT a FROM t WHERE b GLOB ?",
	} {
		if len(sqlProblems(bad)) == 0 {
			t.Errorf("sqlProblems(%q) found nothing", bad)
		}
	}
	for _, good := range []string{
		"INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO NOTHING",
		`SELECT max(seq) FROM audit_log WHERE a LIKE ? ESCAPE '\' AND b = ''`,
		"SELECT a FROM t ORDER BY a LIMIT ? OFFSET ?",
		"SELECT COALESCE(SUM(n), 0) FROM t WHERE k = ?",
	} {
		if p := sqlProblems(good); len(p) > 0 {
			t.Errorf("sqlProblems(%q) = %q; want none", good, p)
		}
	}
}

// quotedQuestionMark returns the first quoted text ('…' or "…") in query that holds a ?, or "".
func quotedQuestionMark(query string) string {
	for i := 0; i < len(query); i++ {
		if query[i] != '\'' && query[i] != '"' {
			continue
		}
		end := quotedEnd(query, i)
		if strings.Contains(query[i:end], "?") {
			return query[i:end]
		}
		i = end - 1
	}
	return ""
}
