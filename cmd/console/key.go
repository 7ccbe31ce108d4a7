package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
)

func keyCommand(ctx context.Context, args []string, e env) error {
	return groupCommand(args, e, "key", map[string]func([]string) error{
		"create": func(a []string) error { return keyCreate(ctx, a, e) },
		"list":   func(a []string) error { return keyList(ctx, a, e) },
		"revoke": func(a []string) error { return keyRevoke(ctx, a, e) },
	})
}

func keyCreate(ctx context.Context, args []string, e env) error {
	var dbf dbFlags
	var user, label, expires string
	fs := newFlags("key create", e, &dbf)
	fs.StringVar(&user, "user", "", "the user the key acts as")
	fs.StringVar(&label, "label", "", "what the key is for, shown beside it (at most 64 characters)")
	fs.StringVar(&expires, "expires", "", "when the key stops working: after a `time` such as 90d or 12h, or on a date such as 2027-01-31 (UTC); never when not given")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || user == "" {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key create")}
	}
	until, err := expiry(expires, time.Now())
	if err != nil {
		return err
	}
	store, _, err := openExisting(ctx, dbf, e)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, user)
	if err != nil {
		return err
	}
	cred := auth.NewAPICredentials()
	if _, err := store.CreateAPIKeyWith(ctx, cliOrigin(), u.ID, cred, db.KeySpec{Label: label, Expires: until}); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "AccessKeyId: %s\nAccessKeySecret: %s\nToken: %s\n", cred.AccessKeyID, cred.AccessKeySecret, cred.Token)
	if !until.IsZero() {
		fmt.Fprintf(e.Stderr, "the key expires at %s\n", until.UTC().Format(time.RFC3339))
	}
	return nil
}

// expiry reads --expires: a lifetime from now (90d, 36h) or a time (2027-01-31, RFC 3339), or
// nothing for a key that never expires.
func expiry(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	bad := exitError{code: 2, msg: fmt.Sprintf("--expires %q: give a lifetime such as 90d or 12h, or a date such as 2027-01-31", s)}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return time.Time{}, bad
		}
		return now.Add(time.Duration(n) * 24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, bad
		}
		return now.Add(d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, bad
}

// keyList prints every key, or one user's, one line each, with a header: what an admin needs
// to find the key to revoke.
func keyList(ctx context.Context, args []string, e env) error {
	var dbf dbFlags
	var user string
	fs := newFlags("key list", e, &dbf)
	fs.StringVar(&user, "user", "", "only this user's keys")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key list")}
	}
	store, _, err := openExisting(ctx, dbf, e)
	if err != nil {
		return err
	}
	defer store.Close()
	if user != "" {
		if _, err := store.UserByName(ctx, user); err != nil {
			return err
		}
	}
	keys, err := store.ListEveryAPIKey(ctx, user)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	// The columns scripts read come first; later ones are added at the end.
	fmt.Fprintln(w, "ID\tACCESS KEY ID\tOWNER\tCREATED\tREVOKED\tEXPIRES\tLAST USED\tLABEL")
	for _, k := range keys {
		label := k.Label
		if label == "" {
			label = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.AccessKeyID, k.Owner, k.Created.UTC().Format(time.RFC3339),
			orDash(k.Revoked), orDash(k.Expires), orDash(k.LastUsed), label)
	}
	return w.Flush()
}

// orDash is a time for key list, or - for none.
func orDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// keyRevoke ends one key at once, named by its number or its AccessKeyId. A key already
// revoked is the end wanted, so it exits 0 and says so.
func keyRevoke(ctx context.Context, args []string, e env) error {
	var dbf dbFlags
	fs := newFlags("key revoke", e, &dbf)
	refs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(refs) != 1 || refs[0] == "" {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key revoke")}
	}
	store, _, err := openExisting(ctx, dbf, e)
	if err != nil {
		return err
	}
	defer store.Close()
	k, err := store.FindAPIKey(ctx, refs[0])
	if err != nil {
		return fmt.Errorf("%w: console key list shows them", err)
	}
	if k, err = store.RevokeAPIKey(ctx, cliOrigin(), k.ID); err != nil {
		return err
	}
	if !k.Active() {
		fmt.Fprintf(e.Stdout, "key %d (%s) of %s was already revoked at %s: nothing changed\n", k.ID, k.AccessKeyID, k.Owner, k.Revoked.UTC().Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(e.Stdout, "key %d (%s) of %s revoked: it no longer works\n", k.ID, k.AccessKeyID, k.Owner)
	return nil
}
