package main

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/services/platform/leader"
)

// The roles that exactly one process of a deployment runs at a time,
// whatever number of processes serve the API: the relay, each read
// model's projector, and the checkpoint signer. Each is elected through
// the database (services/platform/leader; docs/architecture.md §14).
const (
	roleRelay       = "relay"
	roleCheckpoints = "checkpoints"
	roleProjector   = "projector:" // + the read model's name
)

// elected runs work while this process holds role (standing by while
// another does), until ctx ends.
func (s *stack) elected(role string, work func(context.Context) error) func(context.Context) error {
	cfg := leader.Config{Pool: s.db.Pool, Role: role, Logger: s.log, Held: s.leaderHeld.WithLabelValues(role)}
	return func(ctx context.Context) error { return leader.Run(ctx, cfg, work) }
}

// projectorParts are the read models' projectors, each elected on its own
// (so that several processes share the work).
func (s *stack) projectorParts(parts map[string]func(context.Context) error) {
	for _, p := range readModels() {
		role := roleProjector + p.Name()
		parts[role] = s.elected(role, func(ctx context.Context) error {
			return projections.Run(ctx, projections.RunnerConfig{Pool: s.db.Pool, NATSURL: s.readerURL,
				Projections: []projections.Projection{p}, Logger: s.log, Registerer: s.registry})
		})
	}
}

// newLeaderGauges is aidledger_leader{role}.
func newLeaderGauges() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "aidledger_leader",
		Help: "1 while this process holds the role (relay, projector:<read model>, checkpoints), else 0.",
	}, []string{"role"})
}
