package projections_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// BenchmarkRebuild rebuilds the test projection from a stream of 200,000
// events and, for comparison, reads the same stream raw with an ordered
// consumer (no verification, no decoding, no database), and verifies and
// decodes the events in memory on one core. It reports events per second
// of each, the rebuild/raw ratio, and this process's CPU time per event
// (the embedded NATS server included, Postgres not), which other load on
// the machine does not distort.
func BenchmarkRebuild(b *testing.B) {
	const n = 200_000
	e := newEnv(b)
	start := time.Now()
	recs := e.publish(b, n)
	b.Logf("published %d events in %s; GOMAXPROCS %d", n, time.Since(start), runtime.GOMAXPROCS(0))

	var rawTime, rebuildTime, decodeTime, rawCPU, rebuildCPU time.Duration
	var iterations int
	for b.Loop() {
		iterations++

		start, cpu := time.Now(), cpuTime(b)
		if got := rawRead(b, e, n); got != n {
			b.Fatalf("raw read %d events, want %d", got, n)
		}
		rawTime += time.Since(start)
		rawCPU += cpuTime(b) - cpu

		start = time.Now()
		for i := range recs {
			r := &recs[i]
			rec, err := events.FromWire(r.Position, r.Canonical(), r.PrevHash.String(), r.Hash.String())
			if err != nil {
				b.Fatal(err)
			}
			_, _ = rec.Event()
		}
		decodeTime += time.Since(start)

		start, cpu = time.Now(), cpuTime(b)
		res, err := projections.Rebuild(e.ctx, projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()})
		if err != nil {
			b.Fatal(err)
		}
		rebuildTime += time.Since(start)
		rebuildCPU += cpuTime(b) - cpu
		if res.Position != n || (iterations > 1 && !res.Match) {
			b.Fatalf("rebuild at %d, match %v", res.Position, res.Match)
		}
	}
	total := float64(n * iterations)
	rebuildRate, rawRate := total/rebuildTime.Seconds(), total/rawTime.Seconds()
	b.ReportMetric(rebuildRate, "rebuild-events/s")
	b.ReportMetric(rawRate, "raw-read-events/s")
	b.ReportMetric(rebuildRate/rawRate, "rebuild/raw")
	b.ReportMetric(total/decodeTime.Seconds(), "verify+decode-events/s/core")
	// CPU time of this process (NATS server included, Postgres not) per
	// event: what the machine's load does not distort.
	b.ReportMetric(float64(rebuildCPU.Microseconds())/total, "rebuild-cpu-µs/event")
	b.ReportMetric(float64(rawCPU.Microseconds())/total, "raw-read-cpu-µs/event")
	e.checkModel(b, "proj_testcounts", n)
}

// cpuTime is the user+system CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawRead reads the whole stream with an ordered consumer, as Rebuild does,
// and does nothing with the messages.
func rawRead(b *testing.B, e *env, n int) int {
	cons, err := e.js.OrderedConsumer(e.ctx, projections.DefaultStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(5000))
	if err != nil {
		b.Fatal(err)
	}
	defer it.Stop()
	got, size := 0, 0
	for got < n {
		msg, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		size += len(msg.Data())
		got++
	}
	return got
}
