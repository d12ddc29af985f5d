package projections

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// switchResult is what switchOver did.
type switchResult struct {
	position      int64
	caughtUp      int64 // events applied to the rebuilt schema
	unknown       int64
	live, rebuilt Digest
	diffs         []RowDiff
}

// switchOver makes the rebuilt schema of p live, in one transaction with a
// synchronous commit (see Rebuild, step 4). Holding the live schema's
// advisory lock keeps every apply step of the live schema out until the
// commit; readers are not blocked except by the final DROP, which waits for
// the queries still reading the old tables, and makes newer ones wait.
func switchOver(ctx context.Context, pool *pgxpool.Pool, p Projection, r rangeReader) (switchResult, error) {
	var sw switchResult
	live, rebuilt, old := Schema(p), rebuildSchema(p), oldSchema(p)
	tx, err := pool.Begin(ctx)
	if err != nil {
		return sw, fmt.Errorf("switch-over: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit

	var liveExists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", live).Scan(&liveExists); err != nil {
		return sw, fmt.Errorf("switch-over: %w", err)
	}
	liveAp := &applier{p: p, schema: live, source: r}
	rebuiltAp := &applier{p: p, schema: rebuilt, source: r}

	// Take the live lock and its checkpoint (an apply step of nothing).
	var liveAt int64
	if liveExists {
		lr, err := liveAp.applyTx(ctx, tx, nil, 0, false)
		if err != nil {
			return sw, fmt.Errorf("switch-over: %w", err)
		}
		liveAt = lr.Checkpoint
	}
	rr, err := rebuiltAp.applyTx(ctx, tx, nil, liveAt, false)
	if err != nil {
		return sw, fmt.Errorf("switch-over: %w", err)
	}
	sw.position = rr.Checkpoint
	sw.caughtUp, sw.unknown = rr.Checkpoint-rr.From, int64(rr.Unknown)
	if liveExists && liveAt < sw.position {
		// The live model lags the rebuilt one: bring it level, only so the
		// checksums compare like with like (it is dropped below).
		if _, err := liveAp.applyTx(ctx, tx, nil, sw.position, false); err != nil {
			return sw, fmt.Errorf("switch-over: %w", err)
		}
	}

	// Both checksums. Nobody else writes either schema while tx holds the
	// live lock, and tx has written at most one of them (whichever was
	// behind): the other's checksum is taken on another connection at the
	// same time, from the same rows.
	liveInTx, rebuiltInTx := liveExists, true
	var outside sync.WaitGroup
	var outsideErr error
	if liveExists && pool.Config().MaxConns >= 3 { // this transaction, Rebuild's lock, and one more
		digest, schema := &sw.rebuilt, rebuilt
		if liveAt >= sw.position { // tx did not bring the live schema level
			digest, schema, liveInTx = &sw.live, live, false
		} else {
			rebuiltInTx = false
		}
		outside.Go(func() { *digest, outsideErr = Checksum(ctx, pool, schema, p) })
	}
	err = inSnapshot(ctx, tx, func(q Querier) error {
		var err error
		if liveInTx {
			if sw.live, err = checksum(ctx, q, live, p); err != nil {
				return err
			}
		}
		if rebuiltInTx {
			sw.rebuilt, err = checksum(ctx, q, rebuilt, p)
		}
		return err
	})
	outside.Wait()
	if err == nil {
		err = outsideErr
	}
	if err == nil && liveExists && !sw.live.Equal(sw.rebuilt) {
		err = inSnapshot(ctx, tx, func(q Querier) error {
			var err error
			sw.diffs, err = diff(ctx, q, live, rebuilt, p, maxRebuildDiffs)
			return err
		})
	}
	if err != nil {
		return sw, fmt.Errorf("switch-over: %w", err)
	}

	sql := "DROP SCHEMA IF EXISTS " + ident(old) + " CASCADE;"
	if liveExists {
		sql += "ALTER SCHEMA " + ident(live) + " RENAME TO " + ident(old) + ";"
	}
	sql += "ALTER SCHEMA " + ident(rebuilt) + " RENAME TO " + ident(live) + ";"
	if liveExists {
		sql += "DROP SCHEMA " + ident(old) + " CASCADE;"
	}
	if _, err := tx.Exec(ctx, sql); err != nil {
		return sw, fmt.Errorf("switch-over: rename: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return sw, fmt.Errorf("switch-over: commit: %w", err)
	}
	return sw, nil
}
