package balances_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections/balances"
)

// BenchmarkApply rebuilds the read model from 1,000,000 synthetic but valid
// events (100 pairings, 2022–2025, ULID ids) in batches of 5000, each batch
// in its own transaction set up as the runner's (begin, SET LOCAL
// search_path and synchronous_commit off, Apply, commit), on one
// connection. Generating the events (batch by batch) and resetting the
// schema are not timed.
//
// It reports events/s (wall clock) and the CPU spent per event by this
// process (µs-go/event: Apply, pgx, GC) and by the Postgres backend serving
// it (µs-pg/event), the steadier figures on a shared machine. Run it with:
//
//	go test -run '^$' -bench Apply -benchtime 1x ./projections/balances/
func BenchmarkApply(b *testing.B) {
	const n, batchSize = 1_000_000, 5000
	ctx := context.Background()
	pool := newModel(b)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var wall, goCPU, pgCPU time.Duration
	applied := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := resetSchema(ctx, pool); err != nil {
			b.Fatal(err)
		}
		g := eventtest.New(genConfig(42, 20, 5, n))
		for done := 0; done < n; {
			// Events are made batch by batch, untimed, so that the live
			// heap is a batch, as in the runner, not the whole history.
			b.StopTimer()
			batch := runnerEvents(g.Next(min(batchSize, n-done)))
			runtime.GC() // the generator's garbage is not Apply's
			go0, pg0 := cpuTime(b, backend)
			start := time.Now()
			b.StartTimer()
			if err := applyBatch(ctx, conn, batch); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			wall += time.Since(start)
			go1, pg1 := cpuTime(b, backend)
			goCPU, pgCPU = goCPU+go1-go0, pgCPU+pg1-pg0
			done += len(batch)
		}
		applied += n
	}
	b.ReportMetric(float64(applied)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(goCPU.Microseconds())/float64(applied), "µs-go/event")
	b.ReportMetric(float64(pgCPU.Microseconds())/float64(applied), "µs-pg/event")
}

// cpuTime is the CPU time (user + system) used so far by this process and
// by the Postgres backend with the given pid.
func cpuTime(tb testing.TB, backend int) (self, pg time.Duration) {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err != nil {
		tb.Fatal(err)
	}
	// Fields after the parenthesised command: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return self, time.Duration(utime+stime) * time.Second / ticks
}

// BenchmarkLists lists one pairing's commitments and projects in a read
// model of 200,000 events over 100 pairings.
func BenchmarkLists(b *testing.B) {
	const n, batchSize = 200_000, 5000
	ctx := context.Background()
	pool := newModel(b)
	g := eventtest.New(genConfig(42, 20, 5, n))
	var pairing string
	for done := 0; done < n; done += batchSize {
		batch := runnerEvents(g.Next(batchSize))
		if err := applyBatch(ctx, pool, batch); err != nil {
			b.Fatal(err)
		}
		for _, ev := range batch {
			if e, ok := ev.Data.(events.FundsCommitted); ok && pairing == "" {
				pairing = e.PairingID
			}
		}
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE proj_balances.commitments, proj_balances.projects"); err != nil {
		b.Fatal(err)
	}
	var commitments, projects int
	b.Run("commitments", func(b *testing.B) {
		for b.Loop() {
			cs, err := balances.CommitmentList(ctx, pool, []string{pairing})
			if err != nil {
				b.Fatal(err)
			}
			commitments = len(cs)
		}
	})
	b.Run("projects", func(b *testing.B) {
		for b.Loop() {
			ps, err := balances.ProjectList(ctx, pool, []string{pairing})
			if err != nil {
				b.Fatal(err)
			}
			projects = len(ps)
		}
	})
	b.Logf("pairing %s: %d commitments, %d projects listed", pairing, commitments, projects)
}
