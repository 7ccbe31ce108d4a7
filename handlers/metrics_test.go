package handlers_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// metricSample is one line of the Prometheus text format.
type metricSample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

func parseMetrics(t *testing.T, body string) []metricSample {
	t.Helper()
	var out []metricSample
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("unparsable metrics line %q", line)
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Errorf("metrics line %q: %v", line, err)
			continue
		}
		s := metricSample{name: m[1], labels: map[string]string{}, value: v}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[p[1]] = p[2]
		}
		out = append(out, s)
	}
	return out
}

// metricValue sums the samples of name whose labels include want.
func metricValue(samples []metricSample, name string, want map[string]string) (float64, bool) {
	sum, found := 0.0, false
next:
	for _, s := range samples {
		if s.name != name {
			continue
		}
		for k, v := range want {
			if s.labels[k] != v {
				continue next
			}
		}
		sum, found = sum+s.value, true
	}
	return sum, found
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	f := newGroupFixture(t, s)
	wantStatus(t, f.c.Get("/lbs/"+f.lbID), http.StatusOK)
	wantStatus(t, f.c.Get("/no-such/xyz-98765"), http.StatusNotFound)
	chosen := pickMembers(t, s.members(f.group.ID), 2)
	r := f.c.Post(f.path+"/batch", f.c.WithCSRF(batchForm("remove", f.version, ids(chosen))), htmx)
	wantStatus(t, r, http.StatusOK)

	anon := s.browser().Get("/metrics")
	t.Run("MetricsArePublic", func(t *testing.T) {
		// Decided in routes.go: /metrics is outside the session group, so any client that reaches
		// the port may read it. This test pins that down; see the report for the concern.
		wantStatus(t, anon, http.StatusOK)
	})
	samples := parseMetrics(t, anon.Body)

	t.Run("RequestsAreCountedByRoutePattern", func(t *testing.T) {
		if v, ok := metricValue(samples, "lbconsole_http_requests_total", map[string]string{"route": "/lbs/:lb", "method": "GET", "code": "200"}); !ok || v < 1 {
			t.Errorf(`lbconsole_http_requests_total{route="/lbs/:lb",method="GET",code="200"} = %v (found %v); want ≥ 1`, v, ok)
		}
		if v, ok := metricValue(samples, "lbconsole_http_requests_total", map[string]string{"route": "/lbs/:lb/groups/:group/batch", "method": "POST", "code": "200"}); !ok || v != 1 {
			t.Errorf("batch POSTs counted = %v (found %v); want 1", v, ok)
		}
		for _, sm := range samples {
			if route, ok := sm.labels["route"]; ok {
				for _, raw := range []string{f.lbID, f.group.ID, "xyz-98765", chosen[0].ID} {
					if strings.Contains(route, raw) {
						t.Errorf("route label %q carries the raw path segment %q", route, raw)
					}
				}
			}
		}
	})

	t.Run("ConsoleRemovalIsCounted", func(t *testing.T) {
		v, ok := metricValue(samples, "lbconsole_batches_total", map[string]string{"source": "console", "action": "remove", "outcome": "ok"})
		if !ok || v != 1 {
			t.Errorf(`lbconsole_batches_total{source="console",action="remove",outcome="ok"} = %v (found %v); want 1`, v, ok)
		}
	})

	t.Run("WriteWaitIsObserved", func(t *testing.T) {
		if v, ok := metricValue(samples, "lbconsole_db_write_wait_seconds_count", nil); !ok || v < 1 {
			t.Errorf("lbconsole_db_write_wait_seconds_count = %v (found %v); want ≥ 1", v, ok)
		}
	})
}
