package handlers_test

import (
	"fmt"
	"testing"
)

// Requests with made-up method names are counted under method "other": a flood of them adds
// no series to /metrics.
func TestMetricsCountUnknownMethodsAsOther(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	c := s.browser()
	const n = 300
	for i := 0; i < n; i++ {
		r := c.Do(fmt.Sprintf("MADEUP%d", i), []string{"/lbs", "/login", "/no-such-page"}[i%3], nil)
		if r.StatusCode >= 500 {
			t.Fatalf("MADEUP%d = %d", i, r.StatusCode)
		}
	}
	samples := parseMetrics(t, s.browser().Get("/metrics").Body)
	known := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
		"OPTIONS": true, "CONNECT": true, "TRACE": true, "other": true}
	seen := map[string]bool{}
	for _, sm := range samples {
		if m, ok := sm.labels["method"]; ok {
			seen[m] = true
			if !known[m] {
				t.Errorf("series %s has method %q; want the standard methods and other only", sm.name, m)
				break
			}
		}
	}
	if v, _ := metricValue(samples, "lbconsole_http_requests_total", map[string]string{"method": "other"}); v != n {
		t.Errorf(`lbconsole_http_requests_total{method="other"} sums to %v; want %d`, v, n)
	}
	t.Logf("method labels: %v", seen)
}
