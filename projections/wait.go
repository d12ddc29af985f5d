package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotReached is returned by WaitFor when the read model has not reached
// the position in time.
var ErrNotReached = errors.New("read model has not reached the position")

// Position returns the checkpoint of p's live read model: the last ledger
// position it reflects. Rows read in the same snapshot (the same statement,
// or a REPEATABLE READ transaction) are exactly the effect of events
// 1..Position.
func Position(ctx context.Context, q Querier, p Projection) (int64, error) {
	var pos int64
	if err := q.QueryRow(ctx, "SELECT position FROM "+qualified(Schema(p), "checkpoint")).Scan(&pos); err != nil {
		return 0, fmt.Errorf("%s: checkpoint: %w", Schema(p), err)
	}
	return pos, nil
}

// Polling intervals of WaitFor: it starts fast (a projection is usually a
// few milliseconds behind a command's response) and backs off.
const (
	waitFirstPoll = 2 * time.Millisecond
	waitMaxPoll   = 50 * time.Millisecond
)

// WaitFor waits until p's read model has reached position (checkpoint ≥
// position) and returns the checkpoint it saw. After timeout it returns the
// current checkpoint and an error wrapping ErrNotReached; when ctx ends,
// the current checkpoint and ctx's error. A read model whose schema the
// runner has not created yet counts as being at position 0. It polls the checkpoint, every
// 2 ms at first and at most every 50 ms. It is what a read with
// "min_position" calls before it queries the read model.
func WaitFor(ctx context.Context, pool *pgxpool.Pool, p Projection, position int64, timeout time.Duration) (int64, error) {
	deadline := time.Now().Add(timeout)
	interval := waitFirstPoll
	var timer *time.Timer
	for {
		reached, err := Position(ctx, pool, p)
		if err != nil && !notCreated(err) {
			return reached, err
		}
		if reached >= position {
			return reached, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return reached, fmt.Errorf("%w: %s is at %d, want %d (waited %s)", ErrNotReached, p.Name(), reached, position, timeout)
		}
		if timer == nil {
			timer = time.NewTimer(min(interval, left))
			defer timer.Stop()
		} else {
			timer.Reset(min(interval, left))
		}
		select {
		case <-ctx.Done():
			return reached, fmt.Errorf("waiting for %s to reach %d: %w", p.Name(), position, ctx.Err())
		case <-timer.C:
		}
		interval = min(2*interval, waitMaxPoll)
	}
}

// notCreated reports an error saying the checkpoint table does not exist
// (yet): undefined_table, or invalid_schema_name.
func notCreated(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "3F000")
}

// Behind is how many ledger positions each projection's checkpoint is
// behind head (0 when it has reached it), by projection name.
func Behind(ctx context.Context, q Querier, head int64, ps ...Projection) (map[string]int64, error) {
	out := make(map[string]int64, len(ps))
	for _, p := range ps {
		pos, err := Position(ctx, q, p)
		if err != nil {
			return nil, err
		}
		out[p.Name()] = max(0, head-pos)
	}
	return out, nil
}
