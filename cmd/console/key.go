package main

import (
	"context"
	"errors"
	"fmt"

	"lbconsole/auth"
	"lbconsole/db"
)

func keyCommand(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "create" {
		return exitError{code: 2, msg: usage}
	}
	var dbPath, user string
	fs := newFlags("key create", e, &dbPath)
	fs.StringVar(&user, "user", "", "the user the key acts as")
	if rest, err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	} else if len(rest) > 0 || user == "" {
		return exitError{code: 2, msg: "usage: console key create --user NAME"}
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, user)
	if errors.Is(err, db.ErrNotFound) {
		return exitError{code: 1, msg: fmt.Sprintf("there is no user %s", user)}
	} else if err != nil {
		return err
	}
	cred := auth.NewAPICredentials()
	if _, err := store.CreateAPIKey(ctx, u.ID, cred); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "AccessKeyId: %s\nAccessKeySecret: %s\nToken: %s\n", cred.AccessKeyID, cred.AccessKeySecret, cred.Token)
	return nil
}
