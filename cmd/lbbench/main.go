// Command lbbench measures the console at fleet scale against floors taken in the same run.
//
// It generates a fleet (10,000 load balancers and 100,000 servers by default) with
// fleet.Generate, adds one load balancer a group of 1,000 members, applies it to a new SQLite
// file with the store's ApplyFleet (as `console fleet apply` does), serves the real router
// in-process on a real loopback listener, and times each request the issue names beside its
// floor: a trivial Echo handler, Echo serving the same bytes, or a raw SQL transaction making
// the same row changes. It prints a markdown table of p50, p99 and the ratio of the p50s.
// Absolute times on a shared machine are noisy; the ratios within one run are what to compare.
//
//	go run ./cmd/lbbench                                   # 10k / 100k, the scale
//	go run ./cmd/lbbench -lbs 200 -servers 2000 -n 20      # the short mode CI runs
//	go run ./cmd/lbbench -cpuprofile cpu.out -only search  # profile some rows
//
// It asserts nothing: a failed request stops it, a slow one is only reported.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime/pprof"
	"syscall"
	"time"
)

type config struct {
	lbs, servers, members int
	n                     int    // samples per row
	clients               int    // concurrent SLB clients
	only                  string // a regexp of row names to run
	keep                  string // a directory to build the database in and keep
	cpuprofile            string
}

func main() {
	var c config
	flag.IntVar(&c.lbs, "lbs", 10_000, "load balancers in the generated fleet")
	flag.IntVar(&c.servers, "servers", 100_000, "servers in the generated fleet")
	flag.IntVar(&c.members, "members", 1_000, "members of the big group")
	flag.IntVar(&c.n, "n", 100, "samples per row")
	flag.IntVar(&c.clients, "clients", 8, "concurrent SLB API clients")
	flag.StringVar(&c.only, "only", "", "run only the rows whose name matches this regexp")
	flag.StringVar(&c.keep, "dir", "", "build the database in this directory and keep it, or use the one an earlier run kept there (default: a temporary one)")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured requests to this file")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "lbbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	only, err := regexp.Compile(c.only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	dir := c.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "lbbench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	start := time.Now()
	f, err := buildFleet(ctx, dir, c)
	if err != nil {
		return err
	}
	defer f.close()
	fmt.Fprintf(os.Stderr, "lbbench: %d load balancers, %d servers, a %d-member group built in %s\n",
		c.lbs, c.servers, c.members, time.Since(start).Round(time.Millisecond))
	b, err := newBench(ctx, f, c)
	if err != nil {
		return err
	}
	defer b.close()
	if c.cpuprofile != "" {
		out, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var rows []row
	for _, r := range b.rows() {
		if !only.MatchString(r.name) {
			continue
		}
		res, err := r.run()
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		rows = append(rows, res)
		fmt.Fprintf(os.Stderr, "lbbench: %s done\n", r.name)
	}
	printTable(os.Stdout, c, rows)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		// Linux reports kilobytes. The process holds the console, its clients and the floors.
		fmt.Fprintf(os.Stdout, "\nPeak RSS of the run (the console, its clients and the floors in one process, the fleet's build included): %d MiB\n", ru.Maxrss>>10)
	}
	return nil
}
