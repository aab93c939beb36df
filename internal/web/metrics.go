package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are per server (not the global registry) so that tests can build
// many servers in one process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kuulu_http_requests_total", Help: "HTTP requests by method, route area and status."}, []string{"method", "area", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kuulu_http_request_duration_seconds", Help: "HTTP request latency by route area.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"area"})
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// area is the first path segment: bounded label cardinality whatever the URL.
func area(p string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	switch seg {
	case "", "login", "logout", "admin", "static", "healthz", "readyz", "metrics", "account", "saavutettavuusseloste", "auth":
		if seg == "" {
			return "home"
		}
		return seg
	}
	return "other"
}

func (m *metrics) observe(r *http.Request, status int, d time.Duration) {
	a := area(r.URL.Path)
	m.requests.WithLabelValues(r.Method, a, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(a).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
