// Command console runs lbconsole: the web console and APIs (serve, the default), and the
// administrative subcommands (user, key, audit, fleet).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"lbconsole/lb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Program: programName(os.Args[0])})
	var exit exitError
	switch {
	case errors.As(err, &exit):
		fmt.Fprintln(os.Stderr, exit.msg)
		os.Exit(exit.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(2)
	}
}

// env is the program's outside world, passed in so that tests run the real program.
type env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, receives the address the server listens on once it accepts connections.
	Ready chan<- string
	// Program is how the person runs the program ("go run ./cmd/console", "./console"), for
	// the commands that usage and hints show; empty means "console".
	Program string
}

// exitError ends the program with a given status and message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// run runs the subcommand that args name. A refusal by the rules (an *lb.Error, the store's
// included: a user that does not exist, a name that is taken) ends the program with status 1
// and its message: the command line's one map from errors to exit statuses.
func run(ctx context.Context, args []string, e env) error {
	err := dispatch(ctx, args, e)
	if errors.Is(err, errHelp) {
		return nil
	}
	if _, refused := lb.AsError(err); refused {
		return exitError{code: 1, msg: err.Error()}
	}
	return err
}

// dispatch calls the subcommand that args name.
func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && isHelp(args[0]) {
		if len(args) > 1 && args[0] == "help" {
			// help COMMAND: that command's flags.
			return dispatch(ctx, append(slices.Clone(args[1:]), "--help"), e)
		}
		fmt.Fprintln(e.Stdout, usage(e))
		return errHelp
	}
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-') {
		return serve(ctx, args, e)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], e)
	case "user":
		return userCommand(ctx, args[1:], e)
	case "audit":
		return auditCommand(ctx, args[1:], e)
	case "key":
		return keyCommand(ctx, args[1:], e)
	case "fleet":
		return fleetCommand(ctx, args[1:], e)
	}
	return exitError{code: 2, msg: fmt.Sprintf("unknown command %q\n%s", args[0], usage(e))}
}
