package audittrail

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
)

// BenchmarkApply applies 1,000,000 synthetic events in batches of 5000, one
// transaction per batch, into fresh tables:
//
//   - indexed: every index maintained row by row, as in live projection;
//   - bulk: a rebuild through BulkLoader (indexes built once at the end,
//     which is included in the time).
//
// Generating the events is not timed; Apply and the commits are. Besides
// events/s (wall clock) it reports the CPU time per event of the Postgres
// backend and of this process when it can read them (a local server), as
// wall-clock figures are unreliable on a shared machine.
func BenchmarkApply(b *testing.B) {
	for _, mode := range []string{"indexed", "bulk"} {
		b.Run(mode, func(b *testing.B) { benchApply(b, mode == "bulk") })
	}
}

func benchApply(b *testing.B, bulk bool) {
	const size = 5000
	total := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("AUDITTRAIL_BENCH_EVENTS")); err == nil && n > 0 {
		total = n // for quicker experiments
	}
	pool := newDB(b)
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		b.Fatal(err)
	}

	var (
		applied               int64
		wall, server, process time.Duration
		indexWall, indexCPU   time.Duration
		cpuKnown              = true
	)
	// timed runs step on the clock, adding its wall and process CPU time.
	timed := func(step func(context.Context, pgx.Tx) error) {
		_, p0, _ := procCPU(0)
		t0 := time.Now()
		b.StartTimer()
		if err := inTx(ctx, conn, step); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		wall += time.Since(t0)
		_, p1, _ := procCPU(0)
		process += p1 - p0
	}
	b.StopTimer()
	for i := range b.N {
		if i > 0 {
			if _, err := pool.Exec(ctx, "DROP SCHEMA "+SchemaName+" CASCADE"); err != nil {
				b.Fatal(err)
			}
			if err := projections.Migrate(ctx, pool, New()); err != nil {
				b.Fatal(err)
			}
		}
		g := eventtest.New(genConfig(42, total, nil))
		batch := make([]projections.Event, size)
		s0, _, ok0 := procCPU(backend) // the backend is idle between timed steps
		if bulk {
			timed(New().BeginBulk)
		}
		for n := 0; n < total; n += size {
			for j, ev := range g.Next(size) {
				batch[j] = projections.Event(ev)
			}
			timed(func(ctx context.Context, tx pgx.Tx) error { return New().Apply(ctx, tx, batch) })
			applied += size
		}
		if bulk {
			w0, _, _ := procCPU(backend)
			before := wall
			timed(New().EndBulk)
			w1, _, _ := procCPU(backend)
			indexWall += wall - before
			indexCPU += w1 - w0
		}
		s1, _, ok1 := procCPU(backend)
		cpuKnown = cpuKnown && ok0 && ok1
		server += s1 - s0
	}
	b.ReportMetric(float64(applied)/wall.Seconds(), "events/s")
	if cpuKnown {
		b.ReportMetric(float64(server.Nanoseconds())/float64(applied)/1000, "server-µs/event")
	}
	b.ReportMetric(float64(process.Nanoseconds())/float64(applied)/1000, "client-µs/event")
	if bulk {
		b.ReportMetric(float64(indexWall.Nanoseconds())/float64(applied)/1000, "index-build-wall-µs/event")
		if cpuKnown {
			b.ReportMetric(float64(indexCPU.Nanoseconds())/float64(applied)/1000, "index-build-server-µs/event")
		}
	}
}

// inTx runs step in a transaction on conn with search_path = proj_audittrail.
func inTx(ctx context.Context, conn *pgxpool.Conn, step func(context.Context, pgx.Tx) error) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+SchemaName); err != nil {
		return err
	}
	if err := step(ctx, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// procCPU returns the CPU time used so far by process pid (when readable
// in /proc; ok false otherwise) and by this process.
func procCPU(pid int) (other, self time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if pid == 0 {
		return 0, self, false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, self, false
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, self, false
	}
	var utime, stime int64
	if _, err := fmt.Sscan(fields[11], &utime); err != nil {
		return 0, self, false
	}
	if _, err := fmt.Sscan(fields[12], &stime); err != nil {
		return 0, self, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, self, true // USER_HZ = 100
}
