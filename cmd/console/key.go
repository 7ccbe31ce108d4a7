package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"lbconsole/auth"
)

func keyCommand(ctx context.Context, args []string, e env) error {
	return groupCommand(args, e, "key", map[string]func([]string) error{
		"create": func(a []string) error { return keyCreate(ctx, a, e) },
		"list":   func(a []string) error { return keyList(ctx, a, e) },
		"revoke": func(a []string) error { return keyRevoke(ctx, a, e) },
	})
}

func keyCreate(ctx context.Context, args []string, e env) error {
	var dbPath, user string
	fs := newFlags("key create", e, &dbPath)
	fs.StringVar(&user, "user", "", "the user the key acts as")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || user == "" {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key create")}
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, user)
	if err != nil {
		return err
	}
	cred := auth.NewAPICredentials()
	if _, err := store.CreateAPIKey(ctx, cliOrigin(), u.ID, cred); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "AccessKeyId: %s\nAccessKeySecret: %s\nToken: %s\n", cred.AccessKeyID, cred.AccessKeySecret, cred.Token)
	return nil
}

// keyList prints every key, or one user's, one line each, with a header: what an admin needs
// to find the key to revoke.
func keyList(ctx context.Context, args []string, e env) error {
	var dbPath, user string
	fs := newFlags("key list", e, &dbPath)
	fs.StringVar(&user, "user", "", "only this user's keys")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key list")}
	}
	store, _, err := openExisting(ctx, dbPath, e)
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
	fmt.Fprintln(w, "ID\tACCESS KEY ID\tOWNER\tCREATED\tREVOKED")
	for _, k := range keys {
		revoked := "-"
		if !k.Active() {
			revoked = k.Revoked.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", k.ID, k.AccessKeyID, k.Owner, k.Created.UTC().Format(time.RFC3339), revoked)
	}
	return w.Flush()
}

// keyRevoke ends one key at once, named by its number or its AccessKeyId. A key already
// revoked is the end wanted, so it exits 0 and says so.
func keyRevoke(ctx context.Context, args []string, e env) error {
	var dbPath string
	fs := newFlags("key revoke", e, &dbPath)
	refs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(refs) != 1 || refs[0] == "" {
		return exitError{code: 2, msg: "usage: " + synopsis(e, "key revoke")}
	}
	store, _, err := openExisting(ctx, dbPath, e)
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
