package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/handlers/requestid"
)

func fleetCommand(ctx context.Context, args []string, e env) error {
	return groupCommand(args, e, "fleet", map[string]func([]string) error{
		"apply":  func(a []string) error { return fleetApply(ctx, a, e) },
		"export": func(a []string) error { return fleetExport(ctx, a, e) },
		"adopt":  func(a []string) error { return fleetAdopt(ctx, a, e) },
	})
}

// fleetApply makes the database what a fleet file says: it prints the plan, then applies it
// in one transaction (or, with --dry-run, only tries). A file the rules refuse changes nothing
// and ends with status 1, one problem a line, each naming the object, the field and the line
// of the file; a file that cannot be read, or a wrong flag, ends with status 2.
func fleetApply(ctx context.Context, args []string, e env) error {
	var dbPath string
	var opts db.ApplyOptions
	fs := newFlags("fleet apply", e, &dbPath)
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&opts.Prune, "prune", false, "delete what the file does not name")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return exitError{code: 2, msg: "give one fleet file (YAML or JSON), or - to read it from standard input"}
	}
	name, data, err := readFleetFile(files[0], e.Stdin)
	if err != nil {
		return err
	}
	doc, err := fleet.Parse(data)
	if err != nil {
		return refusedFile(name, data, err)
	}
	store, _, err := openStore(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	// One request id for every audit entry of this apply, so that they can be found together.
	o := cliOrigin()
	o.Source, o.RequestID = db.SourceFleet, requestid.New()
	plan, err := store.ApplyFleet(ctx, o, doc, opts)
	if err != nil {
		return refusedFile(name, data, err)
	}
	if err := plan.Write(e.Stdout); err != nil {
		return err
	}
	switch {
	case plan.Empty():
	case opts.DryRun:
		fmt.Fprintln(e.Stdout, "dry run: nothing was changed")
	default:
		fmt.Fprintln(e.Stdout, "applied: "+appliedSummary(plan))
		fmt.Fprintln(e.Stdout, "audited with request id "+o.RequestID)
	}
	return nil
}

// appliedSummary counts what an apply did.
func appliedSummary(p fleet.Plan) string {
	create, update, del, lists := p.Counts()
	return fmt.Sprintf("%d created, %d updated, %d deleted, %d member %s replaced", create, update, del, lists, plural(lists, "list", "lists"))
}

// refusedFile words the problems of a refused file, one a line with its line in the file,
// for status 1. An error that is no problem of the file (the database failing) is returned as
// it is.
func refusedFile(name string, data []byte, err error) error {
	var ps fleet.Problems
	if !errors.As(err, &ps) {
		return err
	}
	ps = fleet.Locate(data, ps)
	// In the file's order, as a compiler lists errors; those without a line last.
	slices.SortStableFunc(ps, func(a, b fleet.Problem) int {
		return cmp.Compare(lineOrLast(a.Line), lineOrLast(b.Line))
	})
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("%s is refused, nothing was changed: %d %s", name, len(ps), plural(len(ps), "problem", "problems")))
	for _, p := range ps {
		lines = append(lines, p.String())
	}
	return exitError{code: 1, msg: strings.Join(lines, "\n")}
}

func lineOrLast(line int) int {
	if line == 0 {
		return math.MaxInt
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// readFleetFile reads the file, or standard input for "-".
func readFleetFile(path string, stdin io.Reader) (string, []byte, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return "", nil, exitError{code: 2, msg: fmt.Sprintf("unable to read the fleet file from standard input: %v", err)}
		}
		return "standard input", data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, exitError{code: 2, msg: fmt.Sprintf("unable to read the fleet file: %v", err)}
	}
	return path, data, nil
}

// fleetExport writes the fleet to standard output in the schema fleet apply reads: applying
// the export changes nothing.
func fleetExport(ctx context.Context, args []string, e env) error {
	var dbPath, format string
	fs := newFlags("fleet export", e, &dbPath)
	fs.StringVar(&format, "format", fleet.FormatYAML, "yaml or json")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return exitError{code: 2, msg: fmt.Sprintf("fleet export takes no argument, got %q: it writes to standard output", rest[0])}
	}
	if format != fleet.FormatYAML && format != fleet.FormatJSON {
		return exitError{code: 2, msg: fmt.Sprintf("--format %q: give yaml or json", format)}
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	doc, err := store.ExportFleet(ctx)
	if err != nil {
		return err
	}
	out, err := fleet.Marshal(doc, format)
	if err != nil {
		return err
	}
	_, err = e.Stdout.Write(out)
	return err
}
