package yearend

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// Checkpoint returns the read model's checkpoint: the last position
// applied (0 when nothing has been) and that event's hash (the zero hash
// at position 0).
func Checkpoint(ctx context.Context, q projections.Querier) (int64, events.Hash, error) {
	var pos int64
	var b []byte
	var h events.Hash
	if err := q.QueryRow(ctx, `SELECT position, hash FROM `+Schema+`.checkpoint`).Scan(&pos, &b); err != nil {
		return 0, h, fmt.Errorf("yearend: checkpoint: %w", err)
	}
	if b == nil && pos > 0 { // an operator moved the checkpoint by hand
		h, err := ChainHashAt(ctx, q, pos)
		return pos, h, err
	}
	copy(h[:], b)
	return pos, h, nil
}

// resolvePosition returns the position a report is computed at and its
// hash: atPosition, or the checkpoint when atPosition is 0. A position
// beyond the checkpoint is ErrPosition: the read model has not applied it
// yet (wait for it, then compute).
func resolvePosition(ctx context.Context, q projections.Querier, atPosition int64) (int64, events.Hash, error) {
	cp, h, err := Checkpoint(ctx, q)
	if err != nil {
		return 0, h, err
	}
	switch {
	case atPosition < 0:
		return 0, h, fmt.Errorf("%w: position %d", ErrInvalid, atPosition)
	case atPosition == 0 || atPosition == cp:
		return cp, h, nil
	case atPosition > cp:
		return 0, h, fmt.Errorf("%w: position %d is beyond the read model's checkpoint %d", ErrPosition, atPosition, cp)
	}
	h, err = ChainHashAt(ctx, q, atPosition)
	return atPosition, h, err
}
