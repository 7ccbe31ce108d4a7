package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the console's Prometheus metrics. It is also the store's observer (db.Observer),
// so batches and database waits are counted where they happen.
type Metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	batches   *prometheus.CounterVec
	writeWait prometheus.Histogram
	// auditFailures counts batch attempts whose audit entry could not be written.
	auditFailures *prometheus.CounterVec
}

// NewMetrics registers the console's metrics, with the Go runtime's, in a registry of their own.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lbconsole_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lbconsole_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lbconsole_batches_total", Help: "Batch attempts by source, action and outcome (ok or the error kind).",
		}, []string{"source", "action", "outcome"}),
		writeWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lbconsole_db_write_wait_seconds", Help: "Time spent waiting for the database's single writer.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5},
		}),
	}
	m.auditFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lbconsole_audit_write_failures_total",
		Help: "Batch attempts, applied or refused, whose audit entry could not be written (a full disk, a read-only database): nothing changed and the caller was told to retry.",
	}, []string{"source", "action"})
	m.registry.MustRegister(m.requests, m.latency, m.batches, m.writeWait, m.auditFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds collectors of other parts of the console (the data plane's) to the metrics
// served at /metrics.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// BatchDone counts one batch attempt.
func (m *Metrics) BatchDone(source, action, outcome string) {
	m.batches.WithLabelValues(source, action, outcome).Inc()
}

// AuditFailed counts one batch attempt whose audit entry could not be written.
func (m *Metrics) AuditFailed(source, action string) {
	m.auditFailures.WithLabelValues(source, action).Inc()
}

// WriteWait records how long a transaction waited for the writer.
func (m *Metrics) WriteWait(d time.Duration) { m.writeWait.Observe(d.Seconds()) }

// handler serves the metrics in Prometheus' text format.
func (m *Metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}

// observe counts every request by its route pattern (never the raw path) and its method (never
// a made-up one), so that no request can create new series.
func (m *Metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok && !c.Response().Committed {
			status = he.Code
		} else if err != nil && !c.Response().Committed {
			status = http.StatusInternalServerError
		}
		method := methodLabel(c.Request().Method)
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return err
	}
}

// methodLabel is the method as a label: HTTP lets a client make up any method name, so only
// the standard ones get a series of their own and every other name is counted as "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}
