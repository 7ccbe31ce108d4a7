package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// sample is one measured operation: what it took and the bytes it moved on the wire.
type sample struct {
	d     time.Duration
	bytes int
}

// op is one timed call; setup work that must not be timed happens in prepare.
type op func() (bytes int, err error)

// timing is the distribution of a set of samples.
type timing struct {
	p50, p99 time.Duration
	bytes    int     // of the last sample
	perSec   float64 // completed calls a second, over all clients
}

// measure calls o n times from clients goroutines at once, after one untimed warm-up call.
func measure(n, clients int, o op) (timing, error) {
	if _, err := o(); err != nil {
		return timing{}, err
	}
	clients = max(1, clients)
	samples := make([]sample, n)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				b, err := o()
				if err != nil {
					errs <- err
					return
				}
				samples[i] = sample{time.Since(t0), b}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	select {
	case err := <-errs:
		return timing{}, err
	default:
	}
	ds := make([]time.Duration, n)
	for i, s := range samples {
		ds[i] = s.d
	}
	slices.Sort(ds)
	return timing{p50: ds[n/2], p99: ds[min(n-1, n*99/100)], bytes: samples[n-1].bytes, perSec: float64(n) / wall.Seconds()}, nil
}

// row is one line of the table: the app beside its floor.
type row struct {
	name, floorName string
	app, floor      timing
	goal            string
	note            string
}

// rowSpec is a row to run.
type rowSpec struct {
	name string
	run  func() (row, error)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func printTable(w io.Writer, c config, rows []row) {
	fmt.Fprintf(w, "\nScale: %d load balancers, %d servers, a %d-member group; %d samples a row.\n\n", c.lbs, c.servers, c.members, c.n)
	fmt.Fprintln(w, "| what | app p50 | app p99 | on the wire | floor | floor p50 | ratio (p50) | goal |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range rows {
		ratio := "—"
		if r.floor.p50 > 0 {
			ratio = fmt.Sprintf("%.1f×", float64(r.app.p50)/float64(r.floor.p50))
		}
		wire := "—"
		if r.app.bytes > 0 {
			wire = fmt.Sprintf("%.1f KB", float64(r.app.bytes)/1000)
		}
		name := r.name
		if r.note != "" {
			name += " (" + r.note + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, ms(r.app.p50), ms(r.app.p99), wire, r.floorName, ms(r.floor.p50), ratio, r.goal)
	}
}
