package main

import (
	"os/user"

	"lbconsole/db"
)

// cliOrigin is who the audit log names for a change made on the command line: the operating
// system account that ran it, with source cli. Nobody signs in there, and whoever can run the
// command can read the database and its key anyway; the account name is what is known of them.
// "cli" stands in when the account has no name.
func cliOrigin() db.Origin {
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return db.Origin{Actor: name, Source: db.SourceCLI}
}
