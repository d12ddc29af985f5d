package projections_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { errs[i] = projections.Migrate(e.ctx, e.pool, e.proj) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var version, rows int
	var pos int64
	if err := e.pool.QueryRow(e.ctx, "SELECT version FROM proj_testcounts.schema_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(e.ctx, "SELECT count(*), max(position) FROM proj_testcounts.checkpoint").Scan(&rows, &pos); err != nil {
		t.Fatal(err)
	}
	if version != 1 || rows != 1 || pos != 0 {
		t.Fatalf("version %d, checkpoint rows %d at %d; want 1, 1 at 0", version, rows, pos)
	}
	var public int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&public); err != nil {
		t.Fatal(err)
	}
	if public != 0 {
		t.Fatalf("%d tables leaked into public", public)
	}
}

func TestApplyStepSkipsDuplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	recs := e.publish(t, 100)
	step := projections.NewStepForTest(e.pool, e.js, projections.DefaultStream, e.proj)

	check := func(res projections.ApplyResult, err error, applied, skipped, filled int, cp int64) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if res.Applied != applied || res.Skipped != skipped || res.Filled != filled || res.Checkpoint != cp {
			t.Fatalf("result %+v, want applied %d skipped %d filled %d checkpoint %d", res, applied, skipped, filled, cp)
		}
	}
	res, err := step.Apply(e.ctx, recs[:50], 0)
	check(res, err, 50, 0, 0, 50)
	res, err = step.Apply(e.ctx, recs[:50], 0) // the same batch again
	check(res, err, 0, 50, 0, 50)
	res, err = step.Apply(e.ctx, recs[39:60], 0) // overlapping
	check(res, err, 10, 11, 0, 60)
	// Shuffled, with repeats inside the batch.
	batch := append(slices.Clone(recs[55:70]), recs[60:65]...)
	rand.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	res, err = step.Apply(e.ctx, batch, 0)
	check(res, err, 10, 10, 0, 70)
	e.checkModel(t, "proj_testcounts", 70)
}

func TestApplyStepFillsGapsFromTheStream(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	recs := e.publish(t, 200)
	step := projections.NewStepForTest(e.pool, e.js, projections.DefaultStream, e.proj)
	apply := func(batch []events.Record, upTo int64) projections.ApplyResult {
		t.Helper()
		res, err := step.Apply(e.ctx, batch, upTo)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	apply(recs[:10], 0)
	// Event 13 arrives before 11 and 12 (an out-of-order redelivery).
	if res := apply(recs[12:13], 0); res.Filled != 2 || res.Applied != 3 || res.Checkpoint != 13 {
		t.Fatalf("deliver 13 at 10: %+v, want 2 filled, 3 applied, checkpoint 13", res)
	}
	if res := apply(recs[10:11], 0); res.Skipped != 1 || res.Checkpoint != 13 {
		t.Fatalf("late 11: %+v, want skipped", res)
	}
	// Catch up with no event in hand.
	if res := apply(nil, 50); res.Filled != 37 || res.Checkpoint != 50 {
		t.Fatalf("catch up to 50: %+v", res)
	}
	// A gap longer than a few messages goes through an ordered consumer;
	// it spans an event of an unknown type (97).
	if res := apply(recs[149:150], 0); res.Filled != 99 || res.Unknown != 1 || res.Applied != 99 || res.Checkpoint != 150 {
		t.Fatalf("deliver 150 at 50: %+v, want 99 filled, 1 unknown, 99 applied", res)
	}

	// Commits lost in a Postgres crash (synchronous_commit off): save the
	// read model at 150, apply up to 180 (and acknowledge it), then put
	// the saved state back. The next delivery finds the gap 151..199.
	if _, err := e.pool.Exec(e.ctx, `CREATE TABLE saved_types AS TABLE proj_testcounts.type_counts;
		CREATE TABLE saved_donors AS TABLE proj_testcounts.donor_counts;
		CREATE TABLE saved_checkpoint AS TABLE proj_testcounts.checkpoint`); err != nil {
		t.Fatal(err)
	}
	apply(recs[150:180], 0)
	if _, err := e.pool.Exec(e.ctx, `BEGIN;
		DELETE FROM proj_testcounts.type_counts; INSERT INTO proj_testcounts.type_counts TABLE saved_types;
		DELETE FROM proj_testcounts.donor_counts; INSERT INTO proj_testcounts.donor_counts TABLE saved_donors;
		UPDATE proj_testcounts.checkpoint c SET position = s.position, hash = s.hash FROM saved_checkpoint s;
		COMMIT`); err != nil {
		t.Fatal(err)
	}
	if res := apply(recs[199:200], 0); res.Filled != 49 || res.Checkpoint != 200 {
		t.Fatalf("deliver 200 at 150: %+v, want 49 filled", res)
	}
	e.checkModel(t, "proj_testcounts", 200)

	// The result is what a rebuild from the stream gives.
	rb, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Match || rb.Position != 200 {
		t.Fatalf("rebuild: match %v at %d; live %s, rebuilt %s; diffs %v", rb.Match, rb.Position, rb.Live, rb.Rebuilt, rb.Diffs)
	}
}

func TestApplyStepWithoutStreamRefusesGaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	recs := e.log.next(20)
	step := projections.NewStepForTest(e.pool, nil, "", e.proj)
	if _, err := step.Apply(e.ctx, recs[:5], 0); err != nil {
		t.Fatal(err)
	}
	if _, err := step.Apply(e.ctx, recs[6:7], 0); err == nil {
		t.Fatal("a gap with no stream to fill it was accepted")
	}
	if pos, err := projections.Position(e.ctx, e.pool, e.proj); err != nil || pos != 5 {
		t.Fatalf("position %d, %v; want 5", pos, err)
	}
}

func TestApplyStepRejectsABrokenChain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	recs := e.log.next(20)
	step := projections.NewStepForTest(e.pool, nil, "", e.proj)
	if _, err := step.Apply(e.ctx, recs[:10], 0); err != nil {
		t.Fatal(err)
	}
	// A record that verifies on its own (its hash matches its prev_hash
	// header and body) but does not follow event 10.
	forge := func(r events.Record) events.Record {
		r.PrevHash[0] ^= 0xff
		r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
		return r
	}
	if _, err := step.Apply(e.ctx, []events.Record{forge(recs[10])}, 0); !errors.Is(err, projections.ErrBrokenChain) {
		t.Fatalf("forged 11 after the checkpoint: %v, want ErrBrokenChain", err)
	}
	if _, err := step.Apply(e.ctx, []events.Record{recs[10], forge(recs[11])}, 0); !errors.Is(err, projections.ErrBrokenChain) {
		t.Fatalf("forged 12 inside a batch: %v, want ErrBrokenChain", err)
	}
	if pos, err := projections.Position(e.ctx, e.pool, e.proj); err != nil || pos != 10 {
		t.Fatalf("position %d, %v; want 10 (nothing applied)", pos, err)
	}
	// An operator who moves the checkpoint by hand clears its hash: the
	// next event is then accepted without the link check.
	if _, err := e.pool.Exec(e.ctx, "UPDATE proj_testcounts.checkpoint SET hash = NULL"); err != nil {
		t.Fatal(err)
	}
	if _, err := step.Apply(e.ctx, []events.Record{forge(recs[10])}, 0); err != nil {
		t.Fatalf("after clearing the hash: %v", err)
	}
}

func TestApplyStepSerialisesConcurrentSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	recs := e.publish(t, 400)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			step := projections.NewStepForTest(e.pool, e.js, projections.DefaultStream, e.proj)
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range 40 {
				lo := rng.IntN(len(recs))
				hi := min(len(recs), lo+1+rng.IntN(30))
				if _, err := step.Apply(e.ctx, recs[lo:hi], 0); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	step := projections.NewStepForTest(e.pool, e.js, projections.DefaultStream, e.proj)
	if _, err := step.Apply(e.ctx, nil, 400); err != nil {
		t.Fatal(err)
	}
	e.checkModel(t, "proj_testcounts", 400)
}

func TestOrderKeys(t *testing.T) {
	t.Parallel()
	got := projections.OrderKeysForTest(`donor_code, lower("Name, x") DESC NULLS LAST, coalesce(a, 'x,y') asc, position`)
	want := []string{"donor_code", `lower("Name, x")`, "coalesce(a, 'x,y')", "position"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
