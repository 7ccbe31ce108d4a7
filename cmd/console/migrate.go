package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"lbconsole/db"
)

// migrateCommand copies a SQLite database into a new PostgreSQL database, audit chain and all,
// in one transaction, so that several consoles can then share it. The key stays the same: the
// chain verifies, and the sealed API secrets open, on the target as on the source.
func migrateCommand(ctx context.Context, args []string, e env) error {
	var from, to, keyFile string
	fs := newFlagSet("migrate", e)
	fs.StringVar(&from, "from", "", "the SQLite database file to copy")
	fs.StringVar(&to, "to", "", "the postgres://… URL of the new, empty PostgreSQL database to copy it into")
	fs.StringVar(&keyFile, "key-file", e.Getenv("CONSOLE_KEY_FILE"),
		"file holding the master key (env CONSOLE_KEY_FILE); without it, CONSOLE_SECRET_KEY, or the file FROM.key beside the SQLite database")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || from == "" || to == "" {
		return exitError{code: 2, msg: "usage: console migrate --from FILE.db --to postgres://USER@HOST/DB"}
	}
	if db.IsPostgres(from) || !db.IsPostgres(to) {
		return exitError{code: 2, msg: "console migrate copies a SQLite file (--from FILE.db) into PostgreSQL (--to postgres://…)"}
	}
	if _, err := os.Stat(from); err != nil {
		return exitError{code: 2, msg: fmt.Sprintf("there is no database at %s: give the right --from", from)}
	}
	src, key, err := open(ctx, dbFlags{db: from, keyFile: keyFile}, e, false, nil)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := db.Open(ctx, to, db.Options{Key: key})
	if errors.Is(err, db.ErrWrongKey) {
		return exitError{code: 1, msg: fmt.Sprintf("%s was made with another key than %s: copy into a new, empty database; nothing was copied", db.Redacted(to), from)}
	}
	if err != nil {
		return err
	}
	defer dst.Close()
	copied, err := src.CopyTo(ctx, dst)
	if errors.Is(err, db.ErrTargetNotEmpty) {
		return exitError{code: 1, msg: err.Error()}
	}
	if err != nil {
		return err
	}
	return reportCopy(ctx, e, from, to, copied, dst)
}

// reportCopy prints what was copied, then checks the target's audit chain as `audit verify`
// would, and says how to start the consoles on it.
func reportCopy(ctx context.Context, e env, from, to string, copied []db.TableCopy, dst *db.DB) error {
	w := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "TABLE\tROWS\t")
	for _, c := range copied {
		fmt.Fprintf(w, "%s\t%d\t\n", c.Table, c.Rows)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	res, err := dst.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !res.OK() {
		return exitError{code: 1, msg: fmt.Sprintf("copied, but the audit chain of %s is broken at row %d: %s (check the source with console audit verify --db %s)",
			db.Redacted(to), res.BadSeq, res.Reason, from)}
	}
	fmt.Fprintf(e.Stdout, "copied %s into %s; audit chain intact: %d rows verified", from, db.Redacted(to), res.Rows)
	if res.Rows > 0 {
		fmt.Fprintf(e.Stdout, ", last hash %s", res.LastHash)
	}
	fmt.Fprintf(e.Stdout, "\nStart every console with --db %s and the key of %s (CONSOLE_SECRET_KEY or --key-file).\n", db.Redacted(to), from)
	return nil
}
