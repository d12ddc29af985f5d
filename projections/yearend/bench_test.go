package yearend_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
)

// BenchmarkApply builds the read model from 200,000 synthetic but valid
// events (10 donors × 5 pairings, 2023–2025) in batches of 5000, each in
// its own transaction set up as the runner's (begin, SET LOCAL search_path
// and synchronous_commit off, Apply, checkpoint, commit), on one
// connection. Generating the events (batch by batch) and resetting the
// schema are not timed. It reports events/s (wall clock). Run it with:
//
//	go test -run '^$' -bench Apply -benchtime 1x ./projections/yearend/
func BenchmarkApply(b *testing.B) {
	const n, batchSize = 200_000, 5000
	ctx := context.Background()
	pool := newModel(b)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var wall time.Duration
	applied := 0
	timed := func(f func() error) {
		start := time.Now()
		b.StartTimer()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		wall += time.Since(start)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		resetModel(b, pool)
		g := eventtest.New(genConfig(42, 10, 5, n, nil))
		for done := 0; done < n; {
			batch := runnerEvents(g.Next(min(batchSize, n-done)))
			runtime.GC() // the generator's garbage is not Apply's
			timed(func() error { return applyBatch(ctx, conn, batch) })
			done += len(batch)
			applied += len(batch)
		}
	}
	b.ReportMetric(float64(applied)/wall.Seconds(), "events/s")
}

// BenchmarkCompute computes a year-end report for a donor with 50
// pairings from a model of 200,000 events (10 donors × 50 pairings,
// 2023–2025: the donor has about 20,000 events over three years) and of
// 1,000,000 events (20 donors × 50 pairings: the donor has about 50,000).
// Building the model is not timed (at 1M events it takes a few minutes).
//
//	go test -run '^$' -bench Compute -benchtime 20x ./projections/yearend/
func BenchmarkCompute(b *testing.B) {
	for _, size := range []struct{ events, donors int }{{200_000, 10}, {1_000_000, 20}} {
		b.Run(fmt.Sprintf("events=%d", size.events), func(b *testing.B) {
			ctx := context.Background()
			pool := newModel(b)
			g := eventtest.New(genConfig(43, size.donors, 50, size.events, nil))
			for done := 0; done < size.events; {
				batch := runnerEvents(g.Next(min(5000, size.events-done)))
				if err := applyBatch(ctx, pool, batch); err != nil {
					b.Fatal(err)
				}
				done += len(batch)
			}
			if _, err := pool.Exec(ctx, `ANALYZE proj_yearend.contributions, proj_yearend.pairings, proj_yearend.chain`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			items := 0
			for range b.N {
				r := compute(b, pool, "D03", 2024, events.DateOf(2024, 11, 30), 0)
				items = r.LineItems.Len()
			}
			b.ReportMetric(float64(items), "line-items")
		})
	}
}
