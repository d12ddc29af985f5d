package projections_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aidledger/aidledger/projections"
)

// TestCrashAtRandomPoints kills the runner again and again, at random
// points of the live path, while 10,000 events are published, and checks
// that the read model ends exactly where a rebuild from the stream ends.
//
// Two kinds of crash: a panic in the fault hook crashes one projection's
// pipeline at that point (nothing in hand is acknowledged or committed;
// Run restarts the pipeline); a "kill" cancels Run's context and panics,
// like a process dying at that point (the test starts Run again). Kills
// also come from outside, at random times.
func TestCrashAtRandomPoints(t *testing.T) {
	t.Parallel()
	// At least 10,000 events are published, more (up to 30,000) while the
	// faults have not yet struck at four different points: on a slow
	// machine a life may end by an outside kill before its planned fault.
	const least, most = 10000, 30000
	e := newEnv(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 7))
	random := func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64()
	}

	// Each life of Run has a fault planned: a point, an occurrence of it,
	// and a kind (pipeline crash or kill). After a pipeline crash the next
	// fault of the same life is planned.
	points := []string{"received", "apply.before_commit", "applied", "acked", "catchup.applied"}
	crashes := map[string]int{}
	kills := map[string]int{}
	diverse := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(crashes)+len(kills) >= 4
	}

	var total int64 // once published
	published := make(chan error, 1)
	go func() {
		n := 0
		for ; n < least || (n < most && !diverse()); n += 100 {
			if err := publishRecords(e.ctx, e.js, e.log.next(100)); err != nil {
				published <- err
				return
			}
			time.Sleep(time.Duration(50+random()*100) * time.Millisecond)
		}
		total = int64(n)
		published <- nil
	}()

	var lives int
	deadline := time.Now().Add(4 * time.Minute)
	publishing := true
	for {
		lives++
		ctx, cancel := context.WithCancel(e.ctx)
		var target string
		var countdown int
		var kill bool
		plan := func() { // mu held
			target = points[rng.IntN(len(points))]
			countdown = 1 + rng.IntN(40)
			if target == "catchup.applied" {
				countdown = 1
			}
			kill = rng.IntN(3) == 0
		}
		mu.Lock()
		plan()
		mu.Unlock()
		hook := func(point string) {
			mu.Lock()
			defer mu.Unlock()
			if point != target {
				return
			}
			if countdown--; countdown > 0 {
				return
			}
			if kill {
				kills[point]++
				target = "" // dead: no more faults in this life
				cancel()
				panic("killed at " + point)
			}
			crashes[point]++
			plan()
			panic("crash at " + point)
		}
		done := make(chan error, 1)
		go func() {
			done <- projections.Run(ctx, projections.RunnerConfig{
				Pool: e.pool, NATSURL: e.url, Projections: []projections.Projection{e.proj},
				Logger: logger(), AckWait: 2 * time.Second, FaultHook: hook,
			})
		}()
		select {
		case <-time.After(time.Duration(200+random()*1300) * time.Millisecond):
			mu.Lock()
			kills["outside"]++
			mu.Unlock()
			cancel()
		case <-ctx.Done():
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		cancel()
		if publishing {
			select {
			case err := <-published:
				if err != nil {
					t.Fatal(err)
				}
				publishing = false
			default:
			}
		}
		pos, err := projections.Position(e.ctx, e.pool, e.proj)
		if err == nil && !publishing && pos == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after %d lives: position %d", lives, pos)
		}
	}
	t.Logf("%d events, %d lives; pipeline crashes %v; kills %v", total, lives, crashes, kills)

	// One last, undisturbed run must find nothing left to do.
	stop := e.runner(t, projections.RunnerConfig{})
	e.waitFor(t, total, 30*time.Second)
	stop()

	s, err := e.js.Stream(e.ctx, projections.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	if last := int64(s.CachedInfo().State.LastSeq); last != total {
		t.Fatalf("stream at %d, want %d", last, total)
	}
	e.checkModel(t, "proj_testcounts", total)
	rb, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Match || rb.Position != total {
		t.Fatalf("rebuild: match %v at %d; live %s, rebuilt %s; diffs %v", rb.Match, rb.Position, rb.Live, rb.Rebuilt, rb.Diffs)
	}
	if len(crashes)+len(kills) < 4 {
		t.Errorf("faults at too few points: crashes %v, kills %v", crashes, kills)
	}
}
