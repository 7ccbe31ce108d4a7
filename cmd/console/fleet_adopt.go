package main

import (
	"context"
	"fmt"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/fleet"
)

// fleetAdopt reads a running HAProxy node and prints fleet entries that adopt its backends and
// servers, so that applying them and reconciling changes nothing on the node. With --lb, the
// load balancer as the database has it, bound to the node, its groups holding the node's
// servers: a fleet file to apply. Without, the groups alone, to paste under a load balancer.
// What cannot be adopted goes to standard error, one a line.
func fleetAdopt(ctx context.Context, args []string, e env) error {
	var dbPath, api, lbID, format string
	fs := newFlags("fleet adopt", e, &dbPath)
	fs.StringVar(&api, "runtime-api", "", "the node's Runtime API: unix:/path/to/admin.sock or tcp:host:port")
	fs.StringVar(&lbID, "lb", "", "the load balancer to adopt into (read from --db): prints a fleet file to apply")
	fs.StringVar(&format, "format", fleet.FormatYAML, "yaml or json")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return exitError{code: 2, msg: fmt.Sprintf("fleet adopt takes no argument, got %q: name the node with --runtime-api", rest[0])}
	}
	if format != fleet.FormatYAML && format != fleet.FormatJSON {
		return exitError{code: 2, msg: fmt.Sprintf("--format %q: give yaml or json", format)}
	}
	client, err := haproxy.New(api, api)
	if err != nil {
		return exitError{code: 2, msg: "--runtime-api: " + err.Error()}
	}
	proposal, err := dataplane.Propose(ctx, client)
	if err != nil {
		return fmt.Errorf("unable to read the node: %w", err)
	}
	doc, adopted, err := adoptDocument(ctx, e, dbPath, lbID, api, proposal)
	if err != nil {
		return err
	}
	for _, s := range adopted.Skipped {
		fmt.Fprintln(e.Stderr, "not adopted: "+s)
	}
	return writeAdopted(e, doc, adopted, format)
}

// adoptDocument places the proposal in load balancer lbID as the database has it, or alone.
func adoptDocument(ctx context.Context, e env, dbPath, lbID, api string, p dataplane.Proposal) (*fleet.Document, fleet.Adopted, error) {
	if lbID == "" {
		return nil, fleet.AdoptProposal(p, nil, nil), nil
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return nil, fleet.Adopted{}, err
	}
	defer store.Close()
	l, subnets, err := store.ExportLoadBalancer(ctx, lbID)
	if err != nil {
		return nil, fleet.Adopted{}, err
	}
	doc, adopted := fleet.AdoptInto(l, subnets, api, p)
	return &doc, adopted, nil
}

// writeAdopted prints the fleet file, or without one the groups alone.
func writeAdopted(e env, doc *fleet.Document, adopted fleet.Adopted, format string) error {
	if doc == nil {
		out, err := fleet.MarshalGroups(adopted.Groups, format)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stderr, "paste these groups under a load balancer's groups, with dataplane: {haproxy: {runtime_api: [...]}} naming the node; or give --lb to print a fleet file to apply")
		_, err = e.Stdout.Write(out)
		return err
	}
	out, err := fleet.Marshal(*doc, format)
	if err != nil {
		return err
	}
	_, err = e.Stdout.Write(out)
	return err
}
