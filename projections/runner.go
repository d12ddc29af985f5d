package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultStream is the JetStream stream of the ledger.
const DefaultStream = "LEDGER"

// DefaultAckWait is how long a delivered event may stay unacknowledged
// before JetStream redelivers it.
const DefaultAckWait = 30 * time.Second

// RunnerConfig configures Run.
type RunnerConfig struct {
	// Pool is the database of the read models (and nothing else is needed
	// from Postgres: events come from the stream).
	Pool *pgxpool.Pool
	// NATSURL is the NATS server (or cluster URLs, comma-separated).
	NATSURL string
	// Stream is the ledger's JetStream stream; "" means DefaultStream.
	Stream string
	// Projections are the read models to keep up to date.
	Projections []Projection
	// Logger receives the runner's logs; nil means slog.Default().
	Logger *slog.Logger
	// Registerer receives the metrics (see metrics.go); nil means none.
	Registerer prometheus.Registerer
	// AckWait is the durable consumers' AckWait; 0 means DefaultAckWait.
	// An apply step that cannot succeed within half of it is nacked for
	// redelivery with backoff.
	AckWait time.Duration
	// FaultHook, for tests only, is called at named points of the live
	// path; a panic in it is a crash of that projection's pipeline at that
	// point: nothing more is committed or acknowledged (the delivery in
	// hand is nacked, as at any shutdown, so it comes back), and the
	// pipeline restarts. The points are "received" (a delivery, before the apply
	// step), "apply.before_commit" (rows and checkpoint written, not yet
	// committed), "applied" (committed, not yet acknowledged), "acked"
	// (acknowledgement sent) and "catchup.applied" (a catch-up batch
	// committed).
	FaultHook func(point string)
}

// Run keeps every projection of cfg up to date from the stream until ctx
// ends, then returns nil. Only an invalid configuration is an error
// returned at once; everything else (Postgres or NATS unavailable, a
// missing stream, a failing apply step) is logged and retried with backoff,
// for ever.
//
// For each projection, independently of the others, Run:
//   - migrates its schema (Migrate);
//   - creates or updates its durable pull consumer "proj-<name>" on the
//     stream (DeliverAll, AckExplicit, FilterSubject "aid.>", MaxDeliver -1,
//     AckWait);
//   - catches up from its checkpoint to the stream's last sequence by
//     reading the stream directly, in large batches (as Rebuild does), so a
//     restart after downtime does not replay event by event;
//   - consumes the durable consumer directly (nats.go jetstream, a pull
//     iterator on the pipeline's NATS connection) and runs the apply step
//     for each delivery, verified against its hash headers: an event at or
//     below the checkpoint is acknowledged as a duplicate, a gap before it
//     is filled from the stream first, the events already queued behind it
//     join its transaction; it is acknowledged after its transaction
//     commits, or nacked (redelivered with backoff, see nakDelay) when the
//     step keeps failing;
//   - every second, sets the lag metric from the stream's last sequence
//     and catches up from the stream in batches when the read model is
//     behind and has not moved since the last check (a stalled or lost
//     delivery), or is 1000 or more positions behind (a burst that one
//     transaction per delivery cannot keep up with).
//
// Any pipeline failure — a lost consumer, a closed subscription, a panic —
// tears the pipeline down (unacknowledged deliveries are redelivered) and
// starts it again after a backoff of up to 10 s.
func Run(ctx context.Context, cfg RunnerConfig) error {
	if cfg.Pool == nil {
		return errors.New("projections: Run: no Pool")
	}
	if cfg.NATSURL == "" {
		return errors.New("projections: Run: no NATSURL")
	}
	if len(cfg.Projections) == 0 {
		return errors.New("projections: Run: no Projections")
	}
	seen := map[string]bool{}
	for _, p := range cfg.Projections {
		if err := checkName(p); err != nil {
			return fmt.Errorf("projections: Run: %w", err)
		}
		if seen[p.Name()] {
			return fmt.Errorf("projections: Run: projection %q given twice", p.Name())
		}
		seen[p.Name()] = true
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = DefaultAckWait
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return err
	}

	var wg sync.WaitGroup
	for _, p := range cfg.Projections {
		pr := &projector{p: p, cfg: &cfg, m: m, log: cfg.Logger.With("projection", p.Name())}
		wg.Go(func() { pr.supervise(ctx) })
	}
	wg.Wait()
	return nil
}
