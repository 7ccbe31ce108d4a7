package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
)

func userCommand(ctx context.Context, args []string, e env) error {
	return groupCommand(args, e, "user", map[string]func([]string) error{
		"add":    func(a []string) error { return userAdd(ctx, a, e) },
		"passwd": func(a []string) error { return userPasswd(ctx, a, e) },
	})
}

func userAdd(ctx context.Context, args []string, e env) error {
	var dbPath, role string
	fs := newFlags("user add", e, &dbPath)
	fs.StringVar(&role, "role", string(lb.RoleViewer), "viewer, operator or admin")
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 1 || !lb.ValidUserName(names[0]) {
		return exitError{code: 2, msg: "give one user name of 1 to 64 letters, digits, dots, dashes or underscores"}
	}
	r, err := lb.ParseRole(role)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	hash, store, err := newPasswordAndStore(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.CreateUser(ctx, cliOrigin(), names[0], r, hash); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "user %s added with role %s\n", names[0], role)
	return nil
}

func userPasswd(ctx context.Context, args []string, e env) error {
	var dbPath string
	var revokeKeys bool
	fs := newFlags("user passwd", e, &dbPath)
	fs.BoolVar(&revokeKeys, "revoke-keys", false, "also revoke the user's API keys")
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return exitError{code: 2, msg: "give one user name"}
	}
	hash, store, err := newPasswordAndStore(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, names[0])
	if err != nil {
		return err
	}
	_, ended, err := store.ResetPassword(ctx, cliOrigin(), u.ID, hash, revokeKeys)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "password of %s changed; %d sessions were ended\n", names[0], ended.Sessions)
	if revokeKeys {
		fmt.Fprintf(e.Stdout, "%d API keys of %s were revoked\n", ended.Keys, names[0])
		return nil
	}
	return noteKeptKeys(ctx, store, e, names[0])
}

// noteKeptKeys says when a user whose password changed still has working API keys: a new
// password does not stop a script holding one.
func noteKeptKeys(ctx context.Context, store *db.DB, e env, name string) error {
	keys, err := store.ListEveryAPIKey(ctx, name)
	if err != nil {
		return err
	}
	active := 0
	for _, k := range keys {
		if k.Active() {
			active++
		}
	}
	if active > 0 {
		fmt.Fprintf(e.Stdout, "%s still has %d working API keys: run again with --revoke-keys, or revoke them one by one with %s key revoke\n", name, active, e.program())
	}
	return nil
}

// newPasswordAndStore reads and hashes the new password, then opens the store: a password that
// is refused opens nothing.
func newPasswordAndStore(ctx context.Context, dbPath string, e env) (string, *db.DB, error) {
	hash, err := readNewPassword(e)
	if err != nil {
		return "", nil, err
	}
	store, _, err := openStore(ctx, dbPath, e)
	return hash, store, err
}

// readNewPassword reads one line from standard input and hashes it.
func readNewPassword(e env) (string, error) {
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", exitError{code: 2, msg: "write the password on standard input"}
	}
	password := strings.TrimRight(line, "\r\n")
	if err := auth.CheckNewPassword(password); err != nil {
		return "", exitError{code: 2, msg: err.Error()}
	}
	return auth.HashPassword(password)
}
