package balances

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/projections"
)

// Apply folds batch (consecutive events in position order) into the read
// model inside tx, whose search_path is proj_balances. It reads the rows of
// earlier batches that the events refer to (one query per table), folds
// every event in order in memory, then writes with one COPY per table for
// new rows, one UPDATE per table for changed rows and one additive upsert
// for pairing_years — a handful of statements whatever the batch size.
//
// Apply is deterministic (no clock, no randomness) and keeps no state
// between calls, and the tables it leaves do not depend on how the events
// were cut into batches. An event that contradicts the model (see
// ErrInconsistent) fails the whole batch; tx must then be rolled back.
func (*Projection) Apply(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	if len(batch) == 0 {
		return nil
	}
	b := newBatchState()
	if err := b.load(ctx, tx, batch); err != nil {
		return err
	}
	for i := range batch {
		ev := &batch[i]
		if err := b.fold(ev.Data); err != nil {
			return fmt.Errorf("balances: position %d (%s %s): %w", ev.Position, ev.Type, ev.ID, err)
		}
	}
	return b.flush(ctx, tx)
}
