package main

import (
	"context"
	"fmt"

	"lbconsole/export"
)

func auditCommand(ctx context.Context, args []string, e env) error {
	return groupCommand(args, e, "audit", map[string]func([]string) error{
		"verify": func(a []string) error { return auditVerify(ctx, a, e) },
		"export": func(a []string) error { return auditExport(ctx, a, e) },
	})
}

// auditVerify exits 0 when the chain is intact and 1 naming the first bad row otherwise.
func auditVerify(ctx context.Context, args []string, e env) error {
	var dbPath string
	fs := newFlags("audit verify", e, &dbPath)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !res.OK() {
		return exitError{code: 1, msg: fmt.Sprintf("audit chain broken at row %d: %s", res.BadSeq, res.Reason)}
	}
	fmt.Fprintf(e.Stdout, "audit chain intact: %d rows verified\n", res.Rows)
	if res.Rows > 0 {
		// Rows cut from the end leave a shorter chain that still verifies: compare this with
		// a copy kept elsewhere to notice that.
		fmt.Fprintf(e.Stdout, "last row %d, hash %s\n", res.Rows, res.LastHash)
	}
	return nil
}

// auditExport writes the CSV of the console's download: the same filters, read by the same
// function, and the same rows in the same order.
func auditExport(ctx context.Context, args []string, e env) error {
	var dbPath string
	var p export.Params
	fs := newFlags("audit export", e, &dbPath)
	fs.StringVar(&p.Actor, "actor", "", "only this actor")
	fs.StringVar(&p.Source, "source", "", "only this source: console, slb-api, pool-api")
	fs.StringVar(&p.Action, "action", "", "only this action")
	fs.StringVar(&p.LoadBalancer, "lb", "", "only this load balancer")
	fs.StringVar(&p.Group, "group", "", "only this group")
	fs.StringVar(&p.Outcome, "outcome", "", "ok, refused, or an error kind")
	fs.StringVar(&p.Since, "since", "", "from this time: RFC 3339, or a date (UTC)")
	fs.StringVar(&p.Until, "until", "", "before this time: RFC 3339, or a date (UTC)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	f, err := export.Filter(p)
	if err != nil {
		// The message starts with the parameter's name, which is the flag's.
		return exitError{code: 2, msg: "--" + err.Error()}
	}
	store, _, err := openExisting(ctx, dbPath, e)
	if err != nil {
		return err
	}
	defer store.Close()
	return export.AuditCSV(ctx, e.Stdout, store, f)
}
