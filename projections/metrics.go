package projections

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the runner's Prometheus metrics, all labelled by projection
// name.
type metrics struct {
	// position is the checkpoint: aidledger_projection_position.
	position *prometheus.GaugeVec
	// lag is the stream's last sequence minus the checkpoint:
	// aidledger_projection_lag_positions.
	lag *prometheus.GaugeVec
	// applied counts events handed to Projection.Apply:
	// aidledger_projection_applied_events_total.
	applied *prometheus.CounterVec
	// unknown counts events skipped because this build does not know their
	// type or version: aidledger_projection_unknown_events_total.
	unknown *prometheus.CounterVec
	// filled counts events read from the stream to fill a gap:
	// aidledger_projection_gap_filled_events_total.
	filled *prometheus.CounterVec
	// duplicates counts deliveries at or below the checkpoint:
	// aidledger_projection_duplicate_deliveries_total.
	duplicates *prometheus.CounterVec
	// failures counts failed apply steps (each is retried or nacked):
	// aidledger_projection_apply_failures_total.
	failures *prometheus.CounterVec
	// restarts counts pipeline restarts after an error:
	// aidledger_projection_restarts_total.
	restarts *prometheus.CounterVec
}

// newMetrics creates the metrics and registers them with reg (none when reg
// is nil). Metrics already registered there by an earlier runner are
// reused, so Run may be called again with the same registerer.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	label := []string{"projection"}
	gauge := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, label)
	}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, label)
	}
	m := &metrics{
		position:   gauge("aidledger_projection_position", "Last ledger position applied to the read model (its checkpoint)."),
		lag:        gauge("aidledger_projection_lag_positions", "Ledger positions in the stream not yet applied to the read model."),
		applied:    counter("aidledger_projection_applied_events_total", "Events applied to the read model."),
		unknown:    counter("aidledger_projection_unknown_events_total", "Events skipped because this build does not know their type or schema version."),
		filled:     counter("aidledger_projection_gap_filled_events_total", "Events read from the stream to fill a gap (out-of-order or lost deliveries)."),
		duplicates: counter("aidledger_projection_duplicate_deliveries_total", "Deliveries of events the read model already had."),
		failures:   counter("aidledger_projection_apply_failures_total", "Apply steps that failed (retried, or nacked for redelivery)."),
		restarts:   counter("aidledger_projection_restarts_total", "Restarts of a projection's pipeline after an error."),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.position, err = register(reg, m.position); err != nil {
		return nil, err
	}
	if m.lag, err = register(reg, m.lag); err != nil {
		return nil, err
	}
	for _, c := range []**prometheus.CounterVec{&m.applied, &m.unknown, &m.filled, &m.duplicates, &m.failures, &m.restarts} {
		if *c, err = register(reg, *c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// register registers c, or returns the identical collector registered
// before.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var already prometheus.AlreadyRegisteredError
		if errors.As(err, &already) {
			if existing, ok := already.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, fmt.Errorf("projections: registering metrics: %w", err)
	}
	return c, nil
}

// committed records an apply step that committed.
func (m *metrics) committed(name string, res applyResult) {
	m.applied.WithLabelValues(name).Add(float64(res.Applied))
	if res.Unknown > 0 {
		m.unknown.WithLabelValues(name).Add(float64(res.Unknown))
	}
	if res.Filled > 0 {
		m.filled.WithLabelValues(name).Add(float64(res.Filled))
	}
	if res.Skipped > 0 {
		m.duplicates.WithLabelValues(name).Add(float64(res.Skipped))
	}
	m.position.WithLabelValues(name).Set(float64(res.Checkpoint))
}
