package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// applyBatch is how many events go into one transaction and one
// Projection.Apply call of a scratch build.
const applyBatch = 5000

// catchUpRounds bounds how often the scratch model chases a live read model
// that a running projector keeps moving.
const catchUpRounds = 5

// streamFault is a failure to rebuild caused by what the stream holds (a
// missing or altered message): a discrepancy, not a failure to run.
type streamFault struct{ error }

func (f streamFault) Unwrap() error { return f.error }

// checkProjection rebuilds p from the stream into a scratch schema, up to
// the live read model's checkpoint, and compares the two in one snapshot.
func checkProjection(ctx context.Context, cfg Config, sr *streamReader, p projections.Projection, rep *Report, pr *progress) error {
	res := ProjectionResult{Name: p.Name()}
	defer func() { rep.Projections = append(rep.Projections, res) }()

	scratch, err := scratchSchema(p)
	if err != nil {
		return err
	}
	defer cfg.Pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+ident(scratch)+" CASCADE") //nolint:errcheck // best effort
	if err := projections.MigrateInto(ctx, cfg.Pool, scratch, p); err != nil {
		return errf("%s: %w", p.Name(), err)
	}

	var built events.Hash
	var at int64
	for round := 0; ; round++ {
		live, err := projections.Position(ctx, cfg.Pool, p)
		if err != nil {
			return errf("%s: live checkpoint: %w", p.Name(), err)
		}
		if live < at {
			return errf("%s: the live read model went back from %d to %d", p.Name(), at, live)
		}
		pr.plan(live - at)
		at, built, err = build(ctx, cfg.Pool, sr, p, scratch, at, built, live, pr)
		var fault streamFault
		if errors.As(err, &fault) {
			res.Error = fault.Error()
			return nil
		}
		if err != nil {
			return errf("%s: %w", p.Name(), err)
		}
		same, err := compare(ctx, cfg.Pool, p, scratch, at, &res, rep, round == catchUpRounds-1)
		if err != nil {
			return errf("%s: %w", p.Name(), err)
		}
		if same {
			return nil
		}
	}
}

// compare checksums (and, if they differ, diffs) the live read model and
// the scratch one in one snapshot, if the live one is still at position
// at; it reports false without comparing when the live one has moved on
// (unless last, when it fails).
func compare(ctx context.Context, pool *pgxpool.Pool, p projections.Projection, scratch string, at int64, res *ProjectionResult, rep *Report, last bool) (bool, error) {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only
	live, err := projections.Checksum(ctx, tx, projections.Schema(p), p)
	if err != nil {
		return false, err
	}
	if live.Position != at {
		if last {
			return false, fmt.Errorf("the live read model keeps moving (now at %d); stop its projector or retry", live.Position)
		}
		return false, nil
	}
	rebuilt, err := projections.Checksum(ctx, tx, scratch, p)
	if err != nil {
		return false, err
	}
	res.Position, res.Live, res.Rebuilt, res.Match = at, live.Combined, rebuilt.Combined, live.Equal(rebuilt)
	if res.Match {
		return true, nil
	}
	diffs, err := projections.Diff(ctx, tx, projections.Schema(p), scratch, p)
	if err != nil {
		return false, err
	}
	res.Diffs = len(diffs)
	for i, d := range diffs {
		if i >= MaxListed {
			res.Omitted = len(diffs) - MaxListed
			break
		}
		rep.ProjectionDiffs = append(rep.ProjectionDiffs, ProjectionDiff{Projection: p.Name(), Table: d.Table, Key: d.Key,
			Live: nonNil(d.A), Rebuilt: nonNil(d.B)})
	}
	return true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// build applies the stream's events at..to (exclusive of at) to the scratch
// schema, applyBatch per transaction, checking the chain as it goes; prev is
// the hash at position at. It returns the new position and hash.
func build(ctx context.Context, pool *pgxpool.Pool, sr *streamReader, p projections.Projection, scratch string,
	at int64, prev events.Hash, to int64, pr *progress) (int64, events.Hash, error) {
	if to <= at {
		return at, prev, nil
	}
	_, last, count, err := sr.state(ctx, at+1)
	if err != nil {
		return at, prev, err
	}
	if last < to {
		return at, prev, streamFault{fmt.Errorf("the live read model is at position %d but the stream ends at %d", to, last)}
	}
	next := at + 1
	var batch []projections.Event
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+ident(scratch)); err != nil {
				return err
			}
			var known []projections.Event
			for _, ev := range batch {
				if ev.Data != nil {
					known = append(known, ev)
				}
			}
			if len(known) > 0 {
				if err := p.Apply(ctx, tx, known); err != nil {
					return fmt.Errorf("apply %d..%d: %w", batch[0].Position, batch[len(batch)-1].Position, err)
				}
			}
			lastEv := batch[len(batch)-1]
			_, err := tx.Exec(ctx, "UPDATE checkpoint SET position = $1, hash = $2", lastEv.Position, lastEv.Hash[:])
			return err
		})
		if err != nil {
			return err
		}
		pr.add(int64(len(batch)))
		batch = nil
		return nil
	}
	errDone := errors.New("done")
	err = sr.scan(ctx, next, count, func(m streamMsg) error {
		if m.seq > to {
			return errDone
		}
		if m.seq != next {
			return streamFault{fmt.Errorf("stream %s: position %d is missing (the next message is %d): %w", sr.name, next, m.seq, errMissing)}
		}
		rec, err := events.FromWire(m.seq, m.body, m.hdr.Get(events.HeaderPrevHash), m.hdr.Get(events.HeaderHash))
		if err != nil {
			return streamFault{err}
		}
		if rec.PrevHash != prev {
			return streamFault{fmt.Errorf("message %d: prev_hash is not the hash of message %d", m.seq, m.seq-1)}
		}
		ev, err := decode(rec)
		if err != nil {
			return streamFault{err}
		}
		batch = append(batch, ev)
		prev, next = rec.Hash, next+1
		if len(batch) >= applyBatch {
			return flush()
		}
		if m.seq == to {
			return errDone
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDone) {
		return at, prev, err
	}
	if err := flush(); err != nil {
		return at, prev, err
	}
	if next <= to {
		return next - 1, prev, streamFault{fmt.Errorf("stream %s: %s missing: %w", sr.name, span(next, to), errMissing)}
	}
	return to, prev, nil
}

// decode pairs a record with its payload; a type or schema version this
// build does not know gives nil Data (skipped, as the projector does).
func decode(rec events.Record) (projections.Event, error) {
	data, err := rec.Event()
	if err != nil {
		if errors.Is(err, events.ErrUnknownType) || errors.Is(err, events.ErrUnknownVersion) {
			return projections.Event{Record: rec}, nil
		}
		return projections.Event{}, fmt.Errorf("event %d (%s): %w", rec.Position, rec.Type, err)
	}
	return projections.Event{Record: rec, Data: data}, nil
}

// scratchSchema names a scratch schema for p: "vfy_<name>_<random>" (at
// most 61 bytes, since a name has at most 50).
func scratchSchema(p projections.Projection) (string, error) {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		return "", errf("random: %w", err)
	}
	return "vfy_" + p.Name() + "_" + hex.EncodeToString(b), nil
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }
