package e2e_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// BenchmarkYearEndReport is the year-end report of a donor that holds the
// whole ledger: 1,000,000 events (AIDLEDGER_REBUILD_EVENTS), the history
// of BenchmarkRebuild (one donor, 20 pairings, business dates in 2024 and
// 2025), recorded on their business days (AIDLEDGER_LATE_HISTORY=1: all
// on 1 June 2025, which makes every line item of 2024 a late entry with
// a footnote), its yearend read model rebuilt from the stream (not timed). Each
// format of the 2024 report is written to a discarding writer as the API
// writes it, timed, with the peak of the Go heap while it is produced
// (sampled every millisecond, less the heap before) — the server memory
// the report costs. Run with -benchtime 1x -count 3.
func BenchmarkYearEndReport(b *testing.B) {
	ctx := context.Background()
	pool, url, js, _ := historyBench(b, os.Getenv("AIDLEDGER_LATE_HISTORY") == "")
	var at int64
	func() {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, NATSURL: url, Projection: yearend.New()})
		if err != nil {
			b.Fatal(err)
		}
		at = res.Position
		b.Logf("yearend rebuilt from %d events in %s", res.Events, res.Duration.Round(time.Millisecond))
	}()
	// The rebuild's tables settled, the stream's de-duplication window
	// passed and the files written reached the disk, as a server's would
	// long after.
	for _, sql := range []string{"VACUUM (ANALYZE) proj_yearend.contributions", "CHECKPOINT"} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
	letDuplicateWindowPass(ctx, b, js)
	syscall.Sync()
	runtime.GC()
	b.Logf("process heap before the reports: %.0f MB", float64(heapBytes())/(1<<20))
	admin := auth.Principal{Name: "bench", Role: auth.RoleAdmin}
	for _, format := range []string{"text", "json", "csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for range b.N {
				runtime.GC()
				peak := sampleHeap()
				start := time.Now()
				res, err := summary.Render(ctx, pool, admin, summary.Request{DonorCode: "D1", Year: 2024, Format: format, AtPosition: at})
				if err != nil {
					b.Fatal(err)
				}
				computed := time.Since(start)
				size, err := res.WriteTo(io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				mb := float64(peak()) / (1 << 20)
				b.ReportMetric(took.Seconds(), "s/report")
				b.ReportMetric(mb, "peak-heap-MB")
				fmt.Printf("year-end report %s: %d bytes in %s (computed in %s), peak heap +%.0f MB\n", format, size,
					took.Round(time.Millisecond), computed.Round(time.Millisecond), mb)
			}
		})
	}
}

// letDuplicateWindowPass makes the stream forget the Nats-Msg-Ids of the
// history just published, as it does DuplicateWindow after a message: a
// million of them hold over 100 MB of the embedded server's heap, which a
// server asked for a report later would not hold, and which Go's collector
// would count when it sizes the heap for the report. The window is set to
// its least (100 ms), twice (the server may apply the first after its
// purge has already run with the old window), then set back.
func letDuplicateWindowPass(ctx context.Context, b *testing.B, js jetstream.JetStream) {
	b.Helper()
	s, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		b.Fatal(err)
	}
	cfg := s.CachedInfo().Config
	for _, window := range []time.Duration{100 * time.Millisecond, 101 * time.Millisecond, relay.DuplicateWindow} {
		cfg.Duplicates = window
		if _, err := js.UpdateStream(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// heapBytes is the bytes of live and unswept heap objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the bytes of live and unswept heap objects every
// millisecond until the returned function is called, which returns the
// peak less the level at the start.
func sampleHeap() func() uint64 {
	read := heapBytes
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return max(peak.Load(), base) - base
	}
}
