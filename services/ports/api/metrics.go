package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the API's Prometheus instruments.
type metrics struct {
	latency *prometheus.HistogramVec
	appends *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aidledger_http_request_duration_seconds", Help: "Latency of API requests by operation and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"operation", "status"}),
		appends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aidledger_appends_total", Help: "Commands that appended events (idempotent repeats excluded).",
		}, []string{"operation"}),
	}
	reg.MustRegister(m.latency, m.appends)
	return m
}

// observe times every operation.
func (m *metrics) observe(ctx huma.Context, next func(huma.Context)) {
	start := time.Now()
	next(ctx)
	m.latency.WithLabelValues(ctx.Operation().OperationID, strconv.Itoa(ctx.Status())).Observe(time.Since(start).Seconds())
}

// handler serves the metrics of gatherer.
func metricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}
