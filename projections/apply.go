package projections

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
)

// ErrBrokenChain is returned by the apply step when an event's prev_hash is
// not the hash of the event before it (the previous one in the batch, or
// the one the checkpoint records): the stream was altered, or the read
// model does not belong to it. The projection stops there rather than
// apply events it cannot vouch for.
var ErrBrokenChain = errors.New("hash chain broken")

// fillChunk is how many missing events the apply step reads from the
// stream at a time, and the smallest batch it hands to Projection.Apply.
const fillChunk = 5000

// rangeReader fills gaps: the events at positions from..to, verified and
// decoded, in order (streamReader.readRange).
type rangeReader interface {
	readRange(ctx context.Context, from, to int64) ([]Event, error)
}

// applier is the one apply step every path uses — live delivery, catch-up,
// gap filling, rebuild and switch-over — for one projection in one schema.
type applier struct {
	p      Projection
	schema string
	// source fills gaps; without one a gap is an error.
	source rangeReader
	// fault is RunnerConfig.FaultHook (tests only); nil otherwise.
	fault func(point string)
	// keep is RebuildConfig.Keep (BuildInto only); nil keeps every event.
	keep func(*Event) bool
}

// applyResult says what one apply step did.
type applyResult struct {
	// From and Checkpoint are the checkpoint before and after the step.
	From, Checkpoint int64
	// Applied events went to Projection.Apply; Unknown ones (types or
	// versions this build does not know) were skipped but passed; Filled
	// of those (either kind) were read from the stream to fill a gap;
	// Skipped were at or below the checkpoint already (duplicates).
	Applied, Unknown, Filled, Skipped int
}

// apply runs the apply step in a transaction of its own and commits it.
//
// The transaction sets synchronous_commit off. That is safe here: a commit
// that a Postgres crash loses takes the rows and the checkpoint with it
// (they are in one transaction, and an asynchronous commit is lost whole or
// not at all), so the read model is simply at an older position, consistent
// with it. The events after that position are still in the stream, and the
// next apply step — the next delivery, or the runner's stall check — sees
// the gap and fills it from there (the runner checks every second). The
// worst a reader sees is the read model at an older position for a moment
// after a Postgres crash, never one inconsistent with its checkpoint; the
// ledger's book of record is the event store, whose commits are durable.
func (a *applier) apply(ctx context.Context, pool *pgxpool.Pool, batch []Event, upTo int64) (applyResult, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return applyResult{}, fmt.Errorf("%s: begin: %w", a.schema, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	res, err := a.applyTx(ctx, tx, batch, upTo, true)
	if err != nil {
		return res, err
	}
	a.hook("apply.before_commit")
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("%s: commit at %d: %w", a.schema, res.Checkpoint, err)
	}
	return res, nil
}

// applyTx is the apply step inside the caller's transaction tx:
//
//  1. SET LOCAL search_path to the schema (and synchronous_commit off if
//     async), take the schema's advisory transaction lock — serialising
//     every apply step and the switch-over of this schema, in any process —
//     and read the checkpoint FOR UPDATE, all in one round trip;
//  2. skip events at or below the checkpoint (redeliveries, duplicates);
//  3. bring the read model to max(last event of batch, upTo): events of the
//     batch are taken as given, and every position missing between the
//     checkpoint and there (an out-of-order delivery, events acknowledged
//     but lost) is read from the stream first, so events are always
//     applied at checkpoint+1, in order;
//  4. check every event's prev_hash against the hash before it;
//  5. hand the decoded events to Projection.Apply (events of unknown types
//     are left out, but passed), in as few calls as possible;
//  6. set the checkpoint to the last position and its hash.
//
// batch must hold verified records (events.FromWire) with their decoded
// payloads (Data nil for an unknown type), in any order.
func (a *applier) applyTx(ctx context.Context, tx pgx.Tx, batch []Event, upTo int64, async bool) (applyResult, error) {
	var res applyResult
	cp, cpHash, err := a.lockCheckpoint(ctx, tx, async)
	if err != nil {
		return res, err
	}
	// prev is the hash the next event must name as its prev_hash; unknown
	// (no check) when the checkpoint's hash is NULL.
	var prev events.Hash
	known := cpHash != nil
	if known {
		prev = *cpHash
	}
	res.From, res.Checkpoint = cp, cp

	if !slices.IsSortedFunc(batch, byPosition) {
		batch = slices.SortedStableFunc(slices.Values(batch), byPosition)
	}
	target := upTo
	if n := len(batch); n > 0 {
		target = max(target, batch[n-1].Position)
	}
	if target <= cp {
		res.Skipped = len(batch)
		return res, nil
	}

	flushAt := max(len(batch), fillChunk)
	var pending []Event
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := a.p.Apply(ctx, tx, pending); err != nil {
			return fmt.Errorf("%s: apply %d..%d: %w", a.schema, pending[0].Position, pending[len(pending)-1].Position, err)
		}
		res.Applied += len(pending)
		pending = nil // Apply may keep what it was given
		return nil
	}
	take := func(ev Event) error {
		if known && ev.PrevHash != prev {
			return fmt.Errorf("%s: event %d: prev_hash %s, but event %d has hash %s: %w",
				a.schema, ev.Position, ev.PrevHash, ev.Position-1, prev, ErrBrokenChain)
		}
		prev, known = ev.Hash, true
		switch {
		case ev.Data == nil:
			res.Unknown++
		case a.keep != nil && !a.keep(&ev): // not part of the view: passed over
		default:
			pending = append(pending, ev)
		}
		if len(pending) >= flushAt {
			return flush()
		}
		return nil
	}

	next := cp + 1
	i := 0
	for next <= target {
		switch {
		case i < len(batch) && batch[i].Position < next:
			res.Skipped++ // at or below the checkpoint, or repeated in batch
			i++
		case i < len(batch) && batch[i].Position == next:
			if err := take(batch[i]); err != nil {
				return res, err
			}
			i++
			next++
		default: // next is missing: fill from the stream up to the next event given
			end := target
			if i < len(batch) {
				end = batch[i].Position - 1
			}
			end = min(end, next+fillChunk-1)
			if a.source == nil {
				return res, fmt.Errorf("%s: events %d..%d are missing and there is no stream to read them from", a.schema, next, end)
			}
			filled, err := a.source.readRange(ctx, next, end)
			if err != nil {
				return res, fmt.Errorf("%s: filling the gap %d..%d: %w", a.schema, next, end, err)
			}
			for _, ev := range filled {
				if ev.Position != next {
					return res, fmt.Errorf("%s: filling the gap: got event %d, want %d: %w", a.schema, ev.Position, next, errStreamGap)
				}
				if err := take(ev); err != nil {
					return res, err
				}
				next++
			}
			res.Filled += len(filled)
			if len(filled) == 0 {
				return res, fmt.Errorf("%s: filling the gap %d..%d: nothing read: %w", a.schema, next, end, errStreamGap)
			}
		}
	}
	res.Skipped += len(batch) - i
	if err := flush(); err != nil {
		return res, err
	}
	// At least one event was taken (next > target > cp), so prev is its hash.
	if _, err := tx.Exec(ctx, "UPDATE checkpoint SET position = $1, hash = $2", next-1, prev[:]); err != nil {
		return res, fmt.Errorf("%s: set checkpoint %d: %w", a.schema, next-1, err)
	}
	res.Checkpoint = next - 1
	return res, nil
}

// lockCheckpoint does step 1 of applyTx and returns the checkpoint and its
// hash (nil when unknown).
func (a *applier) lockCheckpoint(ctx context.Context, tx pgx.Tx, async bool) (int64, *events.Hash, error) {
	// A lock held longer than this is a session that died without telling
	// (its step is retried, or redelivered, rather than waited for forever).
	sql := "SET LOCAL search_path TO " + ident(a.schema) + "; SET LOCAL lock_timeout TO '60s';"
	if async {
		sql += "SET LOCAL synchronous_commit TO off;"
	}
	sql += fmt.Sprintf("SELECT pg_advisory_xact_lock(%d);", lockKey("apply", a.schema)) +
		"SELECT position, encode(hash, 'hex') FROM checkpoint FOR UPDATE"
	results, err := tx.Conn().PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		return 0, nil, fmt.Errorf("%s: lock checkpoint: %w", a.schema, err)
	}
	rows := results[len(results)-1].Rows
	if len(rows) != 1 {
		return 0, nil, fmt.Errorf("%s: checkpoint has %d rows, want 1", a.schema, len(rows))
	}
	cp, err := strconv.ParseInt(string(rows[0][0]), 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: checkpoint position: %w", a.schema, err)
	}
	if rows[0][1] == nil {
		return cp, nil, nil
	}
	var h events.Hash
	if n, err := hex.Decode(h[:], rows[0][1]); err != nil || n != len(h) {
		return 0, nil, fmt.Errorf("%s: checkpoint hash %q is not 32 bytes of hex", a.schema, rows[0][1])
	}
	return cp, &h, nil
}

// hook calls the fault hook, if any.
func (a *applier) hook(point string) {
	if a.fault != nil {
		a.fault(point)
	}
}

func byPosition(x, y Event) int { return cmp.Compare(x.Position, y.Position) }
