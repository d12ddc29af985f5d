package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
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

// MetricsHandler serves g's metrics in the Prometheus text format, to
// anyone: the API guards it (metricsReaders); `serve --metrics-listen`
// serves it on an address of its own.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// metricsReaders lets through to next only a request with the bearer
// token of a principal who reads the whole ledger (admin, auditor): the
// metrics count every donor's commands. 401 without a valid token, 403
// for any other principal.
func (s *Server) metricsReaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			writeJSON(w, http.StatusUnauthorized, &ledger.Rejection{Code: ledger.CodeUnauthorized,
				Message: "/metrics needs the bearer token of an admin or auditor", MessageZh: "/metrics 需要管理员或审计人员的令牌"})
			return
		}
		p, err := s.cfg.Tokens.Authenticate(r.Context(), strings.TrimSpace(token))
		switch {
		case errors.Is(err, auth.ErrInvalidToken):
			writeJSON(w, http.StatusUnauthorized, &ledger.Rejection{Code: ledger.CodeUnauthorized,
				Message: "invalid token", MessageZh: "令牌无效"})
		case err != nil:
			s.cfg.Logger.Error("authenticate /metrics", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, &ledger.Rejection{Code: ledger.CodeUnavailable,
				Message: "unavailable", MessageZh: "暂不可用"})
		case !p.Scope().Everything():
			writeJSON(w, http.StatusForbidden, &ledger.Rejection{Code: ledger.CodeForbidden,
				Message: "only admin and auditor read the metrics", MessageZh: "仅管理员和审计人员可读取运行指标"})
		default:
			next.ServeHTTP(w, r)
		}
	})
}
