package projections_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidledger/aidledger/projections"
)

func TestRebuildEqualsLiveAndSwitchesAtomically(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	stop := e.runner(t, projections.RunnerConfig{})
	e.publish(t, 3000)
	e.waitFor(t, 3000, 30*time.Second)
	t.Logf("live at 3000")

	// Readers query the live read model all along. Each query reads the
	// checkpoint and the counts in one snapshot: the counts must be exactly
	// those of events 1..checkpoint, and the checkpoint never goes back.
	readCtx, stopReading := context.WithCancel(e.ctx)
	var reads, failures atomic.Int64
	var firstFailure atomic.Value
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			var last int64
			for readCtx.Err() == nil {
				var pos, known int64
				err := e.pool.QueryRow(readCtx, `SELECT c.position, (SELECT coalesce(sum(events), 0) FROM proj_testcounts.type_counts)
					FROM proj_testcounts.checkpoint c`).Scan(&pos, &known)
				switch {
				case readCtx.Err() != nil:
					return
				case err != nil:
					err = fmt.Errorf("read: %w", err)
				case pos < last:
					err = fmt.Errorf("checkpoint went back from %d to %d", last, pos)
				case known != knownUpTo(pos):
					err = fmt.Errorf("at %d the model has %d events, want %d", pos, known, knownUpTo(pos))
				}
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err)
					continue
				}
				last = pos
				reads.Add(1)
				time.Sleep(time.Millisecond)
			}
		})
	}
	// And the ledger keeps growing during the rebuild.
	published := make(chan error, 1)
	go func() {
		for range 20 {
			if err := publishRecords(e.ctx, e.js, e.log.next(100)); err != nil {
				published <- err
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		published <- nil
	}()

	// Several rebuilds, so that several switch-overs happen under the
	// readers.
	var progressCalls atomic.Int64
	var res projections.RebuildResult
	for i := range 3 {
		var err error
		res, err = projections.Rebuild(e.ctx, projections.RebuildConfig{
			Pool: e.pool, NATSURL: e.url, Projection: e.proj, BatchSize: 700, Logger: logger(),
			Progress: func(done, total int64) { progressCalls.Add(1) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Match {
			t.Errorf("rebuild %d: live %s, rebuilt %s, diffs %v", i, res.Live, res.Rebuilt, res.Diffs)
		}
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt and published")
	e.waitFor(t, 5000, 30*time.Second)
	t.Logf("live at 5000")
	time.Sleep(50 * time.Millisecond)
	stopReading()
	readers.Wait()
	stop()

	t.Logf("rebuild: %d events to %d in %s; %d reads during it", res.Events, res.Position, res.Duration, reads.Load())
	if !res.Match || res.Live.Combined != res.Rebuilt.Combined || len(res.Diffs) != 0 {
		t.Errorf("live %s\nrebuilt %s\ndiffs %v", res.Live, res.Rebuilt, res.Diffs)
	}
	if res.Position < 3000 || res.Events != res.Position || res.Live.Position != res.Position || res.Rebuilt.Position != res.Position {
		t.Errorf("position %d, events %d, checksums at %d and %d", res.Position, res.Events, res.Live.Position, res.Rebuilt.Position)
	}
	if res.Unknown != res.Position/unknownEvery {
		t.Errorf("unknown %d, want %d", res.Unknown, res.Position/unknownEvery)
	}
	if progressCalls.Load() < 3000/700 {
		t.Errorf("progress called %d times", progressCalls.Load())
	}
	if n := failures.Load(); n > 0 {
		t.Errorf("%d failed reads during the switch-over; first: %v", n, firstFailure.Load())
	}
	e.checkModel(t, "proj_testcounts", 5000)
	var leftovers int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'proj_testcounts_%'`).Scan(&leftovers); err != nil {
		t.Fatal(err)
	}
	if leftovers != 0 {
		t.Errorf("%d rebuild schemas left behind", leftovers)
	}
}

func TestRebuildWithoutLiveModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publish(t, 1234)
	res, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Match || res.Position != 1234 || res.Live.Combined != "" {
		t.Errorf("result %+v", res)
	}
	e.checkModel(t, "proj_testcounts", 1234)
	// The runner takes over where the rebuild ended.
	e.runner(t, projections.RunnerConfig{})
	e.publish(t, 10)
	e.waitFor(t, 1244, 30*time.Second)
	e.checkModel(t, "proj_testcounts", 1244)
}

// TestRebuildPastALaggingLiveModel: a live model behind the stream (its
// runner stopped) is brought level in the switch-over, and the checksums
// of both — the live one taken in the switch-over's transaction, the
// rebuilt one beside it on another connection — agree.
func TestRebuildPastALaggingLiveModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.stoppedLiveModel(t, 1000)
	e.publish(t, 500)
	res, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Match || res.Position != 1500 || res.Live.Position != 1500 || res.Rebuilt.Position != 1500 || len(res.Diffs) != 0 {
		t.Errorf("result %+v", res)
	}
	e.checkModel(t, "proj_testcounts", 1500)
}

func TestRebuildRepairsAndReportsADamagedModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.stoppedLiveModel(t, 600)

	good, err := projections.Checksum(e.ctx, e.pool, "proj_testcounts", e.proj)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := projections.Checksum(e.ctx, e.pool, "proj_testcounts", e.proj); err != nil || !again.Equal(good) {
		t.Fatalf("checksum not stable: %s vs %s (%v)", again, good, err)
	}
	if good.Position != 600 || len(good.Tables) != 2 || good.Tables[0].Rows != 3 || good.Tables[1].Rows != 5 {
		t.Fatalf("checksum %s", good)
	}

	// Damage the live model: one row changed, one row gone.
	if _, err := e.pool.Exec(e.ctx, `UPDATE proj_testcounts.type_counts SET events = events + 1 WHERE event_type = 'aid.funds_disbursed';
		DELETE FROM proj_testcounts.donor_counts WHERE donor_code = 'BJ'`); err != nil {
		t.Fatal(err)
	}
	bad, err := projections.Checksum(e.ctx, e.pool, "proj_testcounts", e.proj)
	if err != nil {
		t.Fatal(err)
	}
	if bad.Equal(good) || bad.Tables[0].SHA256 == good.Tables[0].SHA256 || bad.Tables[1].SHA256 == good.Tables[1].SHA256 {
		t.Fatalf("damage not seen: %s vs %s", bad, good)
	}

	res, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Match {
		t.Fatal("the damaged model matched its rebuild")
	}
	if !res.Live.Equal(bad) || !res.Rebuilt.Equal(good) {
		t.Errorf("live %s, want %s; rebuilt %s, want %s", res.Live, bad, res.Rebuilt, good)
	}
	if len(res.Diffs) != 2 {
		t.Fatalf("diffs %+v, want 2", res.Diffs)
	}
	d0, d1 := res.Diffs[0], res.Diffs[1]
	if d0.Table != "type_counts" || d0.Key != `["aid.funds_disbursed"]` || len(d0.A) != 1 || len(d0.B) != 1 || d0.A[0] == d0.B[0] {
		t.Errorf("diff 0: %+v", d0)
	}
	if d1.Table != "donor_counts" || d1.Key != `["BJ"]` || len(d1.A) != 0 || len(d1.B) != 1 {
		t.Errorf("diff 1: %+v", d1)
	}
	t.Logf("diffs: %+v", res.Diffs)
	// The rebuilt model is live now, and right.
	e.checkModel(t, "proj_testcounts", 600)
	if now, err := projections.Checksum(e.ctx, e.pool, "proj_testcounts", e.proj); err != nil || !now.Equal(good) {
		t.Fatalf("after the rebuild: %s, want %s (%v)", now, good, err)
	}
	// Diff of a schema with itself is empty.
	if diffs, err := projections.Diff(e.ctx, e.pool, "proj_testcounts", "proj_testcounts", e.proj); err != nil || len(diffs) != 0 {
		t.Fatalf("self diff: %v, %v", diffs, err)
	}
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Before the schema exists, the read model counts as being at 0.
	if reached, err := projections.WaitFor(e.ctx, e.pool, e.proj, 1, 20*time.Millisecond); reached != 0 || !errorsIs(err, projections.ErrNotReached) {
		t.Fatalf("before migration: %d, %v", reached, err)
	}
	e.runner(t, projections.RunnerConfig{})
	e.publish(t, 10)
	start := time.Now()
	reached, err := projections.WaitFor(e.ctx, e.pool, e.proj, 10, 10*time.Second)
	if err != nil || reached < 10 {
		t.Fatalf("WaitFor(10): %d, %v", reached, err)
	}
	t.Logf("reached 10 after %s", time.Since(start))
	reached, err = projections.WaitFor(e.ctx, e.pool, e.proj, 11, 50*time.Millisecond)
	if reached != 10 || !errorsIs(err, projections.ErrNotReached) {
		t.Fatalf("WaitFor(11): %d, %v; want 10, ErrNotReached", reached, err)
	}
	// Read-your-writes: publish, then wait for the position at once.
	for range 20 {
		recs := e.publish(t, 1)
		if _, err := projections.WaitFor(e.ctx, e.pool, e.proj, recs[0].Position, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if _, err := projections.WaitFor(ctx, e.pool, e.proj, 1000, time.Second); !errorsIs(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestRebuildRunsOneAtATime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publish(t, 10000)
	cfg := projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, BatchSize: 500, Logger: logger()}
	started := make(chan struct{})
	var once sync.Once
	first := cfg
	first.Progress = func(done, total int64) { once.Do(func() { close(started) }) }
	errc := make(chan error, 1)
	go func() {
		_, err := projections.Rebuild(e.ctx, first)
		errc <- err
	}()
	<-started
	if _, err := projections.Rebuild(e.ctx, cfg); !errorsIs(err, projections.ErrRebuildRunning) {
		t.Errorf("second rebuild: %v, want ErrRebuildRunning", err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	e.checkModel(t, "proj_testcounts", 10000)
}
