package yearend

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// lastChained is the position of the last event applied before the batch
// (0 when none).
func lastChained(ctx context.Context, tx pgx.Tx) (int64, error) {
	var last int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(position), 0) FROM chain`, planned).Scan(&last); err != nil {
		return 0, fmt.Errorf("yearend: last position: %w", err)
	}
	return last, nil
}

// chainRow records ev's hash; after a gap (events of unknown types the
// runner skipped, between prev and ev) also ev's prev_hash, which is the
// hash of the last skipped event.
func (b *batchState) chainRow(ev *projections.Event, prev int64) {
	w := b.chain
	w.Row()
	w.Int8(ev.Position)
	w.Bytea(ev.Hash[:])
	if ev.Position > 1 && prev != ev.Position-1 {
		w.Bytea(ev.PrevHash[:])
	} else {
		w.Null()
	}
}

// ChainHashAt returns the hash of the event at position (1 ≤ position ≤
// the read model's checkpoint) from the read model alone: the chain row of
// an applied event; the prev_hash of the next one for the last of a run of
// events the runner skipped (types this build does not know); the
// checkpoint's hash at the checkpoint. The hash of any other skipped event
// is not kept: ErrPosition.
func ChainHashAt(ctx context.Context, q projections.Querier, position int64) (events.Hash, error) {
	var h events.Hash
	var b []byte
	err := q.QueryRow(ctx, `SELECT hash FROM (
			SELECT hash, 1 AS pref FROM `+Schema+`.chain WHERE position = $1
			UNION ALL SELECT prev_hash, 2 FROM `+Schema+`.chain WHERE position = $1 + 1 AND prev_hash IS NOT NULL
			UNION ALL SELECT hash, 3 FROM `+Schema+`.checkpoint WHERE position = $1 AND hash IS NOT NULL
		) h ORDER BY pref LIMIT 1`, position).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return h, fmt.Errorf("%w: the hash at position %d is not known to the read model", ErrPosition, position)
	}
	if err != nil {
		return h, fmt.Errorf("yearend: hash at position %d: %w", position, err)
	}
	if len(b) != len(h) {
		return h, fmt.Errorf("yearend: hash at position %d has %d bytes", position, len(b))
	}
	copy(h[:], b)
	return h, nil
}
