package relay

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the relay's Prometheus collectors. Without a Registerer they
// exist but are not exported.
type metrics struct {
	lag           prometheus.Gauge
	published     prometheus.Counter
	lastPublished prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer, stream string) (*metrics, error) {
	labels := prometheus.Labels{"stream": stream}
	m := &metrics{
		lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aidledger_relay_lag_positions", ConstLabels: labels,
			Help: "Ledger head position minus the last position known to be in the stream.",
		}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aidledger_relay_published_total", ConstLabels: labels,
			Help: "Events the relay published and the stream acknowledged.",
		}),
		lastPublished: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aidledger_relay_last_published_position", ConstLabels: labels,
			Help: "Last ledger position known to be in the stream (= its last sequence).",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.lag, err = register(reg, m.lag); err != nil {
		return nil, err
	}
	if m.published, err = register(reg, m.published); err != nil {
		return nil, err
	}
	if m.lastPublished, err = register(reg, m.lastPublished); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the identical collector registered
// before (by an earlier Relay of the same stream).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		return c, fmt.Errorf("relay: registering metrics: %w", err)
	}
	return c, nil
}
