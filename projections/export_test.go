package projections

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
)

// ApplyResult exposes applyResult to the external tests.
type ApplyResult = applyResult

// StepForTest is the apply step of p's live schema, filling gaps from the
// stream through js (nil: no stream).
type StepForTest struct {
	a    *applier
	pool *pgxpool.Pool
}

// NewStepForTest returns the apply step of p's live schema.
func NewStepForTest(pool *pgxpool.Pool, js jetstream.JetStream, stream string, p Projection) *StepForTest {
	a := &applier{p: p, schema: Schema(p)}
	if js != nil {
		a.source = streamReader{js: js, stream: stream}
	}
	return &StepForTest{a: a, pool: pool}
}

// Apply decodes recs and runs the apply step on them, in one transaction.
func (s *StepForTest) Apply(ctx context.Context, recs []events.Record, upTo int64) (ApplyResult, error) {
	batch := make([]Event, len(recs))
	for i, r := range recs {
		var err error
		if batch[i], err = Decode(r); err != nil {
			return ApplyResult{}, err
		}
	}
	return s.a.apply(ctx, s.pool, batch, upTo)
}

// OrderKeysForTest exposes orderKeys.
var OrderKeysForTest = orderKeys

// ScanForTest reads from..to of stream as catch-ups and rebuilds do,
// giving up after stall without a message; it returns how many messages
// it handed on.
func ScanForTest(ctx context.Context, js jetstream.JetStream, stream string, from, to int64, stall time.Duration) (int, error) {
	n := 0
	err := streamReader{js: js, stream: stream, stall: stall}.scan(ctx, from, to, 1, func(b []rawMsg) error {
		n += len(b)
		return nil
	})
	return n, err
}
