package controller

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lbconsole/dataplane"
	"lbconsole/db"
)

// Metrics are the data plane's Prometheus metrics. A nil *Metrics counts nothing.
type Metrics struct {
	passes    *prometheus.CounterVec
	ops       *prometheus.CounterVec
	drift     prometheus.Counter
	reachable *prometheus.GaugeVec
	converge  prometheus.Histogram
	led       *prometheus.GaugeVec
	holder    *prometheus.GaugeVec
}

// NewMetrics makes the metrics; register Collectors with the console's registry.
func NewMetrics() *Metrics {
	return &Metrics{
		passes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lbconsole_dataplane_reconcile_runs_total",
			Help: "Reconciler passes over HAProxy nodes, by how they ended: in-sync, converging, drift-corrected, unreachable or held.",
		}, []string{"status"}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lbconsole_dataplane_operations_total",
			Help: "Runtime API operations by kind (add, weight, drain, delete, …) and result (ok, refused, unreachable, not-tried).",
		}, []string{"kind", "result"}),
		drift: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lbconsole_dataplane_drift_corrected_total",
			Help: "Servers found changed outside lbconsole (by hand on the socket, a restarted HAProxy) and set back.",
		}),
		reachable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lbconsole_dataplane_node_reachable",
			Help: "1 when the last pass could read the HAProxy node's Runtime API, 0 when it could not.",
		}, []string{"load_balancer", "node"}),
		converge: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lbconsole_dataplane_apply_to_converged_seconds",
			Help:    "From the commit of a change to a group to the first pass that finds a node running it, per node.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
		led: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lbconsole_dataplane_node_led",
			Help: "1 for each HAProxy node this console holds the lease of and reconciles; of the consoles on one database, one leads each node.",
		}, []string{"load_balancer", "node"}),
		holder: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lbconsole_dataplane_holder_info",
			Help: "Always 1: the name this console holds leases under (host/pid/random), to tell replicas apart.",
		}, []string{"holder"}),
	}
}

// Collectors are the metrics to register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.passes, m.ops, m.drift, m.reachable, m.converge, m.led, m.holder}
}

// pass counts one pass of node n.
func (m *Metrics) pass(n db.Node, rep dataplane.Report, converged []db.Converged) {
	if m == nil {
		return
	}
	m.passes.WithLabelValues(string(rep.Status)).Inc()
	for _, o := range rep.Outcomes {
		m.ops.WithLabelValues(string(o.Op.Kind), string(o.Result())).Inc()
	}
	m.drift.Add(float64(rep.DriftCorrected()))
	switch rep.Status {
	case dataplane.StatusUnreachable:
		m.reachable.WithLabelValues(n.LoadBalancerID, n.RuntimeAPI).Set(0)
	case dataplane.StatusHeld:
		// The pass did not try the node: what is known of it stands.
	default:
		m.reachable.WithLabelValues(n.LoadBalancerID, n.RuntimeAPI).Set(1)
	}
	for _, c := range converged {
		if !c.Committed.IsZero() {
			m.converge.Observe(max(c.At.Sub(c.Committed), time.Duration(0)).Seconds())
		}
	}
}

// forget drops the series of a node this console no longer reconciles.
func (m *Metrics) forget(n db.Node) {
	if m == nil {
		return
	}
	m.reachable.DeleteLabelValues(n.LoadBalancerID, n.RuntimeAPI)
	m.led.DeleteLabelValues(n.LoadBalancerID, n.RuntimeAPI)
}

// leading says that this console now reconciles node n.
func (m *Metrics) leading(n db.Node) {
	if m == nil {
		return
	}
	m.led.WithLabelValues(n.LoadBalancerID, n.RuntimeAPI).Set(1)
}

// identify names this console's lease holder.
func (m *Metrics) identify(holder string) {
	if m == nil {
		return
	}
	m.holder.WithLabelValues(holder).Set(1)
}
