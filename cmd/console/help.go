package main

import (
	"errors"
	"flag"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// command is one subcommand as the usage lists it.
type command struct {
	name string // "user add"
	args string // what follows the name
	note string // what it does
}

// commands are every subcommand, in the order the usage lists them.
var commands = []command{
	{"serve", "[--addr 127.0.0.1:8080] [--db lbconsole.db] [--demo] [--demo-haproxy] [--reconcile-interval 5s]", "the console and both APIs; the command when none is named (see serve --help for TLS, proxies and sessions)"},
	{"user add", "NAME --role viewer|operator|admin", "the password is read from standard input"},
	{"user passwd", "NAME [--revoke-keys]", "the password is read from standard input; ends the user's sessions"},
	{"key create", "--user NAME [--label TEXT] [--expires 90d|2027-01-31]", "prints AccessKeyId, AccessKeySecret and Token"},
	{"key list", "[--user NAME]", "every key: id, AccessKeyId, owner, created, revoked, expires, last used, label"},
	{"key revoke", "ACCESS_KEY_ID_OR_ID", "the key stops working at once"},
	{"audit verify", "", "checks the audit log's hash chain; status 1 names the first bad entry"},
	{"audit export", "[--actor A] [--source S] [--action A] [--lb ID] [--group ID] [--outcome O] [--since T] [--until T]", "the audit log as CSV on standard output"},
	{"fleet apply", "[--dry-run] [--prune] FILE", "YAML or JSON (- reads standard input); prints the plan, then applies it"},
	{"fleet export", "[--format yaml|json]", "the fleet, in the schema fleet apply reads"},
	{"fleet adopt", "--runtime-api ADDR [--lb ID] [--format yaml|json]", "fleet entries that adopt what a running HAProxy has"},
	{"migrate", "--from FILE.db --to postgres://…", "copies a SQLite database into a new, empty PostgreSQL one, the audit chain included"},
	{"help", "[COMMAND]", "this text, or one command's flags (also: COMMAND --help)"},
}

// errHelp says that help was asked for and printed: the program ends with status 0.
var errHelp = errors.New("help printed")

// program is how the person runs this program, for the commands the usage and hints show:
// "go run ./cmd/console" under go run, which builds into a go-build directory (a temporary
// one's exe/, or since Go 1.24 a "-d" directory of the build cache), else the path it was
// started by ("./console", "console").
func programName(arg0 string) string {
	slashed := filepath.ToSlash(arg0)
	dir := path.Base(path.Dir(slashed))
	if strings.Contains(slashed, "/go-build") && (dir == "exe" || strings.HasSuffix(dir, "-d")) {
		return "go run ./cmd/console"
	}
	if arg0 == "" {
		return "console"
	}
	return arg0
}

// program is the invocation to show in usage and hints.
func (e env) program() string {
	if e.Program == "" {
		return "console"
	}
	return e.Program
}

// usage is the whole usage: every subcommand.
func usage(e env) string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands {
		b.WriteString(usageLine(e, c))
	}
	b.WriteString("Every subcommand takes --db (env CONSOLE_DB): a SQLite file, or a postgres://USER@HOST/DB URL that\nseveral consoles share; the master key: --key-file (env CONSOLE_KEY_FILE) or CONSOLE_SECRET_KEY\n(hex or base64; SQLite also keeps it in DB.key beside the database). And --help. Status 1: refused by the rules, nothing changed; 2: bad usage or no database.")
	return b.String()
}

// groupUsage is the usage of the subcommands of one group (user, key, audit, fleet).
func groupUsage(e env, group string) string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			b.WriteString(usageLine(e, c))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func usageLine(e env, c command) string {
	line := "  " + e.program() + " " + c.name
	if c.args != "" {
		line += " " + c.args
	}
	return line + "\n      " + c.note + "\n"
}

// synopsis is one command's usage line, for messages that say how to call it.
func synopsis(e env, name string) string {
	for _, c := range commands {
		if c.name == name {
			return strings.TrimSpace(e.program() + " " + c.name + " " + c.args)
		}
	}
	return e.program() + " " + name
}

// groupCommand runs the subcommand of a group (user, key, audit, fleet) that args name, or
// prints the group's usage when asked for help.
func groupCommand(args []string, e env, group string, subs map[string]func([]string) error) error {
	switch {
	case len(args) == 0:
		return exitError{code: 2, msg: groupUsage(e, group)}
	case isHelp(args[0]):
		fmt.Fprintln(e.Stdout, groupUsage(e, group))
		return errHelp
	}
	if run, ok := subs[args[0]]; ok {
		return run(args[1:])
	}
	return exitError{code: 2, msg: fmt.Sprintf("unknown %s command %q\n%s", group, args[0], groupUsage(e, group))}
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// printHelp prints one command's usage line and flags to standard output, the flags written
// --name as the usage writes them.
func printHelp(fs *flag.FlagSet, e env, name string) {
	fmt.Fprintf(e.Stdout, "usage: %s\n", synopsis(e, name))
	for _, c := range commands {
		if c.name == name {
			fmt.Fprintf(e.Stdout, "  %s\n", c.note)
		}
	}
	fmt.Fprintln(e.Stdout, "\nflags:")
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		fmt.Fprintf(e.Stdout, "%s\n      %s", line, text)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(e.Stdout, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(e.Stdout)
	})
}
