package dataplane_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// benchServers is a desired backend "web" of n servers on 127.0.0.2, ports 20000 and up (nothing
// listens there and no traffic is sent; with check, their checks, every 10 s, fail).
func benchServers(n, weight int, check bool) dataplane.Desired {
	be := dataplane.Backend{Name: "web", DrainTimeout: time.Minute}
	for i := range n {
		s := dataplane.Server{ID: fmt.Sprintf("m%03d", i), Address: "127.0.0.2", Port: 20000 + i, Weight: weight}
		if check {
			s.Check = &dataplane.Check{Type: dataplane.CheckTCP, Interval: 10 * time.Second, Rise: 2, Fall: 3}
		}
		be.Servers = append(be.Servers, s)
	}
	return dataplane.Desired{Backends: []dataplane.Backend{be}}
}

// BenchmarkPass measures one reconcile pass against a real haproxy on a unix socket: reading the
// desired state, show backend, show servers state, show stat, planning, and applying.
//   - add=N: N servers with a health check missing (3 commands each: add server, enable
//     health, set state drain);
//   - weight=N: N servers whose weight changed (1 command each);
//   - in-sync=N: N servers, nothing to do (the periodic pass).
func BenchmarkPass(b *testing.B) {
	h := haproxytest.Start(b, haproxytest.Config{Backends: []haproxytest.Section{{Name: "web"}}})
	client, err := haproxy.New("bench", h.Unix)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	empty := func(b *testing.B) {
		servers, err := client.Servers(ctx, "web")
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range servers {
			if err := client.SetState(ctx, "web", s.Name, haproxy.StateMaint); err != nil {
				b.Fatal(err)
			}
			if err := client.DelServer(ctx, "web", s.Name); err != nil {
				b.Fatal(err)
			}
		}
	}
	reconciler := func(b *testing.B, desired *dataplane.Desired) *dataplane.Reconciler {
		r, err := dataplane.NewReconciler(dataplane.Config{Node: "bench", Client: client,
			Desired: func(context.Context) (dataplane.Desired, error) { return *desired, nil }})
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	pass := func(b *testing.B, r *dataplane.Reconciler, wantOps int) {
		rep := r.Pass(ctx)
		if rep.Status == dataplane.StatusUnreachable || rep.Status == dataplane.StatusHeld || len(rep.Outcomes) != wantOps {
			b.Fatalf("pass: %s, %d operations, want %d: %v", rep.Status, len(rep.Outcomes), wantOps, rep.Err)
		}
		for _, o := range rep.Outcomes {
			if o.Err != nil {
				b.Fatal(o.Err)
			}
		}
	}
	for _, n := range []int{1, 20, 200} {
		b.Run(fmt.Sprintf("add=%d", n), func(b *testing.B) {
			desired := benchServers(n, 1, true)
			for b.Loop() {
				b.StopTimer()
				empty(b)
				r := reconciler(b, &desired)
				b.StartTimer()
				pass(b, r, 3*n)
			}
		})
	}
	for _, n := range []int{1, 20, 200} {
		b.Run(fmt.Sprintf("weight=%d", n), func(b *testing.B) {
			b.StopTimer()
			empty(b)
			desired := benchServers(n, 1, false)
			r := reconciler(b, &desired)
			pass(b, r, 2*n)
			b.StartTimer()
			for i := 0; b.Loop(); i++ {
				desired = benchServers(n, 2+i%2, false)
				pass(b, r, n)
			}
		})
	}
	b.Run("in-sync=200", func(b *testing.B) {
		b.StopTimer()
		empty(b)
		desired := benchServers(200, 1, false)
		r := reconciler(b, &desired)
		pass(b, r, 400)
		b.StartTimer()
		for b.Loop() {
			pass(b, r, 0)
		}
	})
}

// BenchmarkReadActual measures reading a node of 50 backends of 10 servers each (servers of
// haproxy.cfg, unchecked) when the desired state names all of them: what every pass costs
// before planning.
func BenchmarkReadActual(b *testing.B) {
	var sections []haproxytest.Section
	var desired dataplane.Desired
	for i := range 50 {
		s := haproxytest.Section{Name: fmt.Sprintf("be%02d", i)}
		for j := range 10 {
			s.Lines = append(s.Lines, fmt.Sprintf("server s%d 127.0.0.2:%d", j, 20000+j))
		}
		sections = append(sections, s)
		desired.Backends = append(desired.Backends, dataplane.Backend{Name: s.Name})
	}
	h := haproxytest.Start(b, haproxytest.Config{Backends: sections})
	client, err := haproxy.New("bench", h.Unix)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		a, err := dataplane.ReadActual(context.Background(), client, desired)
		if err != nil || len(a.Backends) != 50 {
			b.Fatalf("%d backends, %v", len(a.Backends), err)
		}
	}
}
