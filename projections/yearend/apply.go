package yearend

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/projections"
)

// Apply folds batch (events in strictly increasing position order; events
// of unknown types may be missing, or present with a nil Data, which Apply
// skips exactly as if they were missing) into the read model inside tx,
// whose search_path is the target schema. It reads the lookup rows of
// earlier batches that the events refer to (one query per table), folds
// every event in order in memory, collecting its contributions and its
// chain row, then writes with one COPY per table and one UPDATE per
// changed lookup table — a handful of statements whatever the batch size.
//
// Apply is deterministic (no clock, no randomness), keeps no state between
// calls, and the tables it leaves do not depend on how the events were cut
// into batches. An event that contradicts the model (ErrInconsistent)
// fails the whole batch; tx must then be rolled back.
func (*Projection) Apply(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	if len(batch) == 0 {
		return nil
	}
	for i := 1; i < len(batch); i++ {
		if batch[i].Position <= batch[i-1].Position {
			return fmt.Errorf("yearend: batch out of order: position %d follows %d", batch[i].Position, batch[i-1].Position)
		}
	}
	prev, err := lastChained(ctx, tx)
	if err != nil {
		return err
	}
	if batch[0].Position <= prev {
		return fmt.Errorf("%w: position %d applied already (last %d)", ErrInconsistent, batch[0].Position, prev)
	}
	b := newBatchState()
	if err := b.load(ctx, tx, batch); err != nil {
		return err
	}
	for i := range batch {
		ev := &batch[i]
		if ev.Data == nil {
			continue // a type this build does not know: as if the runner had skipped it
		}
		b.chainRow(ev, prev)
		prev = ev.Position
		b.cur, b.ordinal = ev, 0
		if err := b.fold(ev.Data); err != nil {
			return fmt.Errorf("yearend: position %d (%s %s): %w", ev.Position, ev.Type, ev.ID, err)
		}
	}
	return b.flush(ctx, tx)
}
