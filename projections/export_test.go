package projections

import (
	"context"

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
