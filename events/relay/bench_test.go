package relay_test

import (
	"context"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
)

// BenchmarkRelay compares the relay with the fastest way to put the same
// messages into JetStream: a raw PublishAsync of the same subjects, bodies
// and headers, without the expected-sequence guards, from memory.
//
//	go test -run '^$' -bench Relay -benchtime 10x ./events/relay/
//
// Each iteration publishes benchEvents events both ways, in alternating
// order, each to a fresh stream on a fresh embedded server (file storage,
// the same configuration), so that both sides see the same machine load;
// each side is timed from connecting to its last acknowledgement (starting
// the server is not timed). The relay reads the events from Postgres
// (appended beforehand) and checks their hash chain; the raw side has the
// messages ready in memory. Reported: msgs/s of each side, the relay's
// throughput as a percentage of the raw one, and the CPU time per message
// of this process (client and embedded server; not Postgres) on each side,
// which depends less on what else the machine runs. ns/op covers both
// sides.
func BenchmarkRelay(b *testing.B) {
	const benchEvents = 20_000
	store := newStore(b)
	if err := newAppender(store).append(context.Background(), benchEvents, 50, 0); err != nil {
		b.Fatal(err)
	}
	recs, err := store.ReadAll(context.Background(), 0, benchEvents, eventstore.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]*nats.Msg, len(recs))
	for i := range recs {
		msgs[i] = relay.Message(&recs[i])
	}

	var rawTime, relayTime, rawCPU, relayCPU time.Duration
	raw := func() {
		cpu := cpuTime()
		rawTime += timeRaw(b, msgs)
		rawCPU += cpuTime() - cpu
	}
	rel := func() {
		cpu := cpuTime()
		relayTime += timeRelay(b, store, benchEvents)
		relayCPU += cpuTime() - cpu
	}
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			raw()
			rel()
		} else {
			rel()
			raw()
		}
	}
	n := float64(benchEvents * b.N)
	rawRate, relayRate := n/rawTime.Seconds(), n/relayTime.Seconds()
	b.ReportMetric(rawRate, "raw_msgs/s")
	b.ReportMetric(relayRate, "relay_msgs/s")
	b.ReportMetric(100*relayRate/rawRate, "relay_%_of_raw")
	b.ReportMetric(float64(rawCPU.Microseconds())/n, "raw_cpu_µs/msg")
	b.ReportMetric(float64(relayCPU.Microseconds())/n, "relay_cpu_µs/msg")
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeRaw returns how long rawPublish of msgs takes on a fresh server.
func timeRaw(b *testing.B, msgs []*nats.Msg) time.Duration {
	srv, url := benchNATS(b)
	defer func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	}()
	start := time.Now()
	rawPublish(b, url, msgs)
	return time.Since(start)
}

// timeRelay returns how long a new relay takes to publish the n events of
// store to a fresh server.
func timeRelay(b *testing.B, store *eventstore.Store, n int64) time.Duration {
	srv, url := benchNATS(b)
	defer func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	}()
	r, err := relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- r.Run(ctx) }()
	for r.Published() < n {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// rawPublish publishes msgs with PublishAsync (default settings) to a new
// ledger stream and waits for every acknowledgement.
func rawPublish(b *testing.B, url string, msgs []*nats.Msg) {
	nc, err := nats.Connect(url)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	var failed atomic.Int64
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncErrHandler(func(jetstream.JetStream, *nats.Msg, error) { failed.Add(1) }))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{}); err != nil {
		b.Fatal(err)
	}
	for _, m := range msgs {
		if _, err := js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		b.Fatal("acknowledgements missing after 30s")
	}
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d publishes failed", n)
	}
}

// benchNATS starts a fresh embedded server (what testenv.NATS starts, but
// shut down by the caller, so that servers do not pile up).
func benchNATS(b *testing.B) (*server.Server, string) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: b.TempDir(), NoSigs: true, NoLog: true})
	if err != nil {
		b.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		b.Fatal("nats-server not ready")
	}
	return srv, srv.ClientURL()
}
