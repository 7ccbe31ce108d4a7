package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lbconsole/dataplane/controller"
	"lbconsole/dataplane/haproxyrun"
	"lbconsole/db"
	"lbconsole/demo"
	"lbconsole/handlers"
)

// startDataPlane runs a reconciler for every HAProxy node of every load balancer that has a
// data plane, kicked by the store after each commit that changes one, until the returned stop
// is called (or ctx ends). stop waits for the reconcilers to end their passes.
func startDataPlane(ctx context.Context, store *db.DB, metrics *handlers.Metrics, interval time.Duration, log *slog.Logger) (func(), error) {
	m := controller.NewMetrics()
	if err := metrics.Register(m.Collectors()...); err != nil {
		return nil, err
	}
	ctrl, err := controller.New(controller.Config{Store: store, Interval: interval, Logger: log, Metrics: m})
	if err != nil {
		return nil, err
	}
	store.SetChangeListener(ctrl)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctrl.Run(ctx)
	}()
	return func() {
		store.SetChangeListener(nil)
		cancel()
		<-done
	}, nil
}

// startDemoHAProxy starts the demo's haproxy and backend servers, binds the demo load balancer
// to them, and says where to send requests.
func startDemoHAProxy(ctx context.Context, store *db.DB, e env) (*demo.HAProxyDemo, error) {
	o := cliOrigin()
	o.Source = db.SourceFleet
	d, err := demo.StartHAProxy(ctx, store, o)
	if errors.Is(err, haproxyrun.ErrNotInstalled) {
		return nil, exitError{code: 2, msg: demo.ErrNoHAProxy.Error()}
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.Stdout, "demo haproxy: curl %s/  (load balancer %s, group %s, backend %s, Runtime API %s)\n",
		d.URL, demo.HAProxyLB, demo.HAProxyGroup, demo.HAProxyBackend, d.Proxy.Unix)
	return d, nil
}
