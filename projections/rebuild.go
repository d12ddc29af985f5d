package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrRebuildRunning means another Rebuild of the same projection holds its lock.
var ErrRebuildRunning = errors.New("a rebuild of this projection is already running")

// DefaultRebuildBatch is Rebuild's default batch: events per transaction
// and per Projection.Apply call.
const DefaultRebuildBatch = 5000

// maxRebuildDiffs caps, per table, the differing rows a RebuildResult
// lists.
const maxRebuildDiffs = 100

// RebuildConfig configures Rebuild.
type RebuildConfig struct {
	Pool *pgxpool.Pool
	// NATSURL and Stream ("" means DefaultStream) locate the ledger stream.
	NATSURL string
	Stream  string
	// Projection is the read model to rebuild.
	Projection Projection
	// BatchSize is how many events go into one transaction and one
	// Projection.Apply call; 0 means DefaultRebuildBatch.
	BatchSize int
	// Progress, if not nil, is called after each batch commits with the
	// rebuilt schema's position and the position it is heading for.
	Progress func(done, total int64)
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
	// Keep, when not nil, selects the events a BuildInto applies (a view
	// of part of the log, e.g. audittrail.AsOf): it sees every event of a
	// known type once, in position order, and those it returns false for
	// are passed over like events of unknown types (they move the
	// checkpoint and change nothing). Rebuild, which replaces the live
	// read model, refuses a config with Keep.
	Keep func(*Event) bool
}

// RebuildResult is what Rebuild did.
type RebuildResult struct {
	// Position is where the switch-over happened: the live read model's
	// position afterwards, and where both checksums were taken.
	Position int64
	// Events is how many events were read from the stream and applied;
	// Unknown of them were skipped as types or versions this build does
	// not know.
	Events, Unknown int64
	// Duration is the whole rebuild, switch-over included.
	Duration time.Duration
	// Live is the checksum of the read model that was live, Rebuilt that of
	// the one that replaced it, both at Position (their Schema fields name
	// the schemas as they were then: proj_<name> and proj_<name>_rebuild).
	// Live is zero (and Match false) when there was no live read model.
	Live, Rebuilt Digest
	// Match reports Live.Equal(Rebuilt): the live read model was exactly
	// what its events give. A mismatch means the projection changed (a
	// fix, a new table) or the live model is wrong; it does not stop the
	// switch-over — the rebuilt model is the correct one for this build.
	Match bool
	// Diffs, when Match is false, lists differing rows (live is A, rebuilt
	// is B), at most 100 per table.
	Diffs []RowDiff
}

// Rebuild rebuilds a projection from the first event of the stream and
// makes the result live:
//
//  1. it creates the schema "proj_<name>_rebuild" afresh (dropping any
//     left over) and migrates it;
//  2. it reads the stream from sequence 1 to its last sequence with an
//     ordered consumer, verifying and decoding on every core, and applies
//     the events BatchSize at a time, one transaction per batch, through
//     the same apply step as the live runner;
//  3. it catches the rebuilt schema up to the live checkpoint, which has
//     moved meanwhile, without any lock;
//  4. it switches over in ONE transaction, holding the live schema's
//     advisory lock (the live runner waits; readers do not): it brings
//     both schemas to the same position — the rebuilt one to the live
//     checkpoint, or the live one to the rebuilt position if the live one
//     lags — takes both checksums there (and the differing rows if they
//     disagree), renames proj_<name> to proj_<name>_old and
//     proj_<name>_rebuild to proj_<name>, and drops the old schema.
//
// The stream must hold every event from sequence 1 (no limits, no purge);
// a missing sequence is an error. Only one Rebuild of a projection runs at
// a time (ErrRebuildRunning); live runners may run throughout.
//
// A reader never finds the schema missing or empty: until the commit it
// sees the old tables, after it the new ones (a query that arrives during
// the switch waits for it, then reads the new tables). A live runner's
// apply step that was waiting for the lock continues on the new schema. If
// Rebuild fails before the switch-over the live read model is untouched and
// the rebuild schema is dropped.
func Rebuild(ctx context.Context, cfg RebuildConfig) (RebuildResult, error) {
	start := time.Now()
	var res RebuildResult
	p := cfg.Projection
	if err := checkName(p); err != nil {
		return res, fmt.Errorf("rebuild: %w", err)
	}
	if cfg.Pool == nil || cfg.NATSURL == "" {
		return res, errors.New("rebuild: Pool and NATSURL are required")
	}
	if cfg.Keep != nil {
		return res, errors.New("rebuild: a live read model holds every event: Keep is for BuildInto only")
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultRebuildBatch
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("projection", p.Name())

	// One rebuild of a projection at a time: the session lock lives as long
	// as this connection.
	lockConn, err := cfg.Pool.Acquire(ctx)
	if err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	defer lockConn.Release()
	var locked bool
	if err := lockConn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockKey("rebuild", Schema(p))).Scan(&locked); err != nil {
		return res, fmt.Errorf("rebuild %s: lock: %w", p.Name(), err)
	}
	if !locked {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), ErrRebuildRunning)
	}
	defer lockConn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey("rebuild", Schema(p))) //nolint:errcheck // released with the session anyway

	nc, err := connect(cfg.NATSURL, "aidledger-rebuild-"+p.Name())
	if err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return res, fmt.Errorf("rebuild %s: jetstream: %w", p.Name(), err)
	}
	r := streamReader{js: js, stream: cfg.Stream}
	total, err := r.lastSeq(ctx)
	if err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}

	target := rebuildSchema(p)
	if _, err := cfg.Pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident(target)+" CASCADE"); err != nil {
		return res, fmt.Errorf("rebuild %s: drop %s: %w", p.Name(), target, err)
	}
	switched := false
	defer func() {
		if !switched {
			_, _ = cfg.Pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+ident(target)+" CASCADE")
		}
	}()
	if err := migrateSchema(ctx, cfg.Pool, target, p); err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}

	ap := &applier{p: p, schema: target, source: r}
	counted := func(ar applyResult) {
		res.Events += ar.Checkpoint - ar.From
		res.Unknown += int64(ar.Unknown)
		if cfg.Progress != nil {
			cfg.Progress(ar.Checkpoint, max(total, ar.Checkpoint))
		}
	}
	log.Info("rebuilding from the stream", "events", total, "schema", target)
	bulk, isBulk := p.(BulkLoader)
	if isBulk {
		if err := inSchema(ctx, cfg.Pool, target, bulk.BeginBulk); err != nil {
			return res, fmt.Errorf("rebuild %s: begin bulk load: %w", p.Name(), err)
		}
	}
	if err := replay(ctx, cfg.Pool, r, ap, 1, total, cfg.BatchSize, counted); err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	if isBulk {
		if err := inSchema(ctx, cfg.Pool, target, bulk.EndBulk); err != nil {
			return res, fmt.Errorf("rebuild %s: end bulk load: %w", p.Name(), err)
		}
	}

	// Close in on the live checkpoint without holding its lock, so that the
	// switch-over, which holds it, has little left to apply.
	done := total
	for range 3 {
		live, err := liveCheckpoint(ctx, cfg.Pool, p)
		if err != nil {
			return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
		}
		if live <= done {
			break
		}
		total = live
		if err := replay(ctx, cfg.Pool, r, ap, done+1, live, cfg.BatchSize, counted); err != nil {
			return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
		}
		done = live
	}

	sw, err := switchOver(ctx, cfg.Pool, p, r)
	if err != nil {
		return res, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	switched = true
	res.Events += sw.caughtUp
	res.Unknown += sw.unknown
	res.Position, res.Live, res.Rebuilt, res.Diffs = sw.position, sw.live, sw.rebuilt, sw.diffs
	res.Match = sw.live.Equal(sw.rebuilt)
	res.Duration = time.Since(start)
	log.Info("rebuilt", "position", res.Position, "events", res.Events, "duration", res.Duration, "match", res.Match)
	return res, nil
}

// liveCheckpoint is the live schema's checkpoint, 0 if it does not exist.
func liveCheckpoint(ctx context.Context, pool *pgxpool.Pool, p Projection) (int64, error) {
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", Schema(p)).Scan(&exists); err != nil {
		return 0, fmt.Errorf("live schema: %w", err)
	}
	if !exists {
		return 0, nil
	}
	return Position(ctx, pool, p)
}

// inSchema runs fn in a transaction whose search_path is schema.
func inSchema(ctx context.Context, pool *pgxpool.Pool, schema string, fn func(context.Context, pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+ident(schema)); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// BuildInto rebuilds p from the stream into schema (dropped first if it exists) up to position `to`
// (0: the stream's last sequence), without touching the live read model and without switching over.
// It returns the position reached; the caller drops the schema when done.
//
// It is the first phase of Rebuild aimed at a schema of the caller's
// choosing, e.g. a scratch schema for a point-in-time view or an auditor's
// comparison: the schema is migrated afresh, then events 1..to are read
// from the stream (cfg.Stream, "" meaning DefaultStream) and applied in
// batches of cfg.BatchSize through the same apply step as the live runner
// (BeginBulk/EndBulk around the replay for a BulkLoader, as Rebuild does).
// Afterwards the schema holds exactly what events 1..to give, its
// checkpoint at the returned position. cfg.Progress, if set, is called
// after each batch with (position reached, to).
//
// Contract:
//   - schema must be a name of at most 63 bytes other than p's live schema
//     (Schema(p)) and the schemas Rebuild uses (proj_<name>_rebuild,
//     proj_<name>_old); anything in it beforehand is lost.
//   - to must be in 0..the stream's last sequence: a position the stream
//     does not hold yet is an error, not a wait. With an empty stream and
//     to 0 the schema is migrated and empty, and 0 is returned.
//   - It takes no rebuild lock, so several builds into different schemas
//     may run at once, alongside the live runner and Rebuild; two builds
//     into the same schema must not.
//   - On error the schema is dropped (as far as it can be); on success the
//     caller owns it and must drop it (DROP SCHEMA … CASCADE) when done.
func BuildInto(ctx context.Context, cfg RebuildConfig, schema string, to int64) (int64, error) {
	p := cfg.Projection
	if err := checkName(p); err != nil {
		return 0, fmt.Errorf("build into %s: %w", schema, err)
	}
	switch {
	case schema == "" || len(schema) > 63:
		return 0, fmt.Errorf("build %s into %q: the schema name must be 1 to 63 bytes", p.Name(), schema)
	case schema == Schema(p) || schema == rebuildSchema(p) || schema == oldSchema(p):
		return 0, fmt.Errorf("build %s into %s: that schema belongs to the live read model or to Rebuild", p.Name(), schema)
	case to < 0:
		return 0, fmt.Errorf("build %s into %s: position %d is negative", p.Name(), schema, to)
	}
	if cfg.Pool == nil || cfg.NATSURL == "" {
		return 0, fmt.Errorf("build %s into %s: Pool and NATSURL are required", p.Name(), schema)
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultRebuildBatch
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	fail := func(err error) (int64, error) {
		return 0, fmt.Errorf("build %s into %s: %w", p.Name(), schema, err)
	}

	nc, err := connect(cfg.NATSURL, "aidledger-build-"+p.Name())
	if err != nil {
		return fail(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fail(fmt.Errorf("jetstream: %w", err))
	}
	r := streamReader{js: js, stream: cfg.Stream}
	last, err := r.lastSeq(ctx)
	if err != nil {
		return fail(err)
	}
	if to == 0 {
		to = last
	}
	if to > last {
		return fail(fmt.Errorf("position %d is beyond the stream's last sequence %d", to, last))
	}

	if _, err := cfg.Pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident(schema)+" CASCADE"); err != nil {
		return fail(fmt.Errorf("drop: %w", err))
	}
	built := false
	defer func() {
		if !built {
			_, _ = cfg.Pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+ident(schema)+" CASCADE")
		}
	}()
	if err := migrateSchema(ctx, cfg.Pool, schema, p); err != nil {
		return fail(err)
	}
	bulk, isBulk := p.(BulkLoader)
	if isBulk {
		if err := inSchema(ctx, cfg.Pool, schema, bulk.BeginBulk); err != nil {
			return fail(fmt.Errorf("begin bulk load: %w", err))
		}
	}
	var reached int64
	progress := func(ar applyResult) {
		reached = ar.Checkpoint
		if cfg.Progress != nil {
			cfg.Progress(ar.Checkpoint, to)
		}
	}
	log.Debug("building from the stream", "projection", p.Name(), "schema", schema, "to", to)
	if err := replay(ctx, cfg.Pool, r, &applier{p: p, schema: schema, source: r, keep: cfg.Keep}, 1, to, cfg.BatchSize, progress); err != nil {
		return fail(err)
	}
	if isBulk {
		if err := inSchema(ctx, cfg.Pool, schema, bulk.EndBulk); err != nil {
			return fail(fmt.Errorf("end bulk load: %w", err))
		}
	}
	if reached != to {
		return fail(fmt.Errorf("replay stopped at %d, want %d", reached, to))
	}
	built = true
	return reached, nil
}
