package relay_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/events/relay"
)

// TestNATSRestart restarts the NATS server (same port, same store) three
// times while events are appended and published: nothing is lost or
// doubled.
func TestNATSRestart(t *testing.T) {
	t.Parallel()
	const total = 3000
	store := newStore(t)
	ns := newNATSAt(t)
	ns.start()

	appended := make(chan error, 1)
	go func() {
		appended <- newAppender(store).append(context.Background(), total, 4, time.Millisecond)
	}()
	run := start(t, relay.Config{Store: store, NATSURL: ns.url(), MaxBackoff: 200 * time.Millisecond})
	for i := range 3 {
		waitPublished(t, run.relay, int64(300*(i+1)), 30*time.Second)
		ns.stop()
		time.Sleep(time.Duration(100+200*i) * time.Millisecond) // appends go on meanwhile
		ns.start()
	}
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, run.relay, 30*time.Second)
	run.stop(t)
	checkStream(t, ns.url(), store)
}

// TestWritesWhileNATSDown: the ledger takes appends while NATS is down
// (also before the relay ever reached it); the lag grows, and goes back to
// 0 when NATS returns.
func TestWritesWhileNATSDown(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ns := newNATSAt(t) // not started
	reg := prometheus.NewRegistry()
	run := start(t, relay.Config{Store: store, NATSURL: ns.url(), Registerer: reg, MaxBackoff: 200 * time.Millisecond})
	a := newAppender(store)

	mustAppend(t, a, 100)
	expectLag(t, run.relay, reg, 100)
	ns.start()
	waitCaughtUp(t, run.relay, 30*time.Second)

	ns.stop()
	mustAppend(t, a, 200)
	expectLag(t, run.relay, reg, 200)
	time.Sleep(500 * time.Millisecond) // several failed attempts
	expectLag(t, run.relay, reg, 200)
	if err := run.relay.Failing(); err == nil {
		t.Error("the relay does not say it is failing while NATS is down")
	}
	ns.start()
	waitCaughtUp(t, run.relay, 30*time.Second)
	if err := run.relay.Failing(); err != nil {
		t.Errorf("caught up, the relay still says it fails: %v", err)
	}
	expectMetric(t, reg, "aidledger_relay_lag_positions", 0)
	expectMetric(t, reg, "aidledger_relay_last_published_position", 300)
	expectMetric(t, reg, "aidledger_relay_published_total", 300)
	run.stop(t)
	checkStream(t, ns.url(), store)
}

// TestFailingWhileStoreFull: when the NATS server's JetStream store is
// full, the relay says why it cannot publish ("insufficient resources"),
// for readiness to report.
func TestFailingWhileStoreFull(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		JetStreamMaxStore: 64 << 10, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	defer srv.Shutdown()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	run := start(t, relay.Config{Store: store, NATSURL: srv.ClientURL(), MaxBackoff: 100 * time.Millisecond})
	mustAppend(t, newAppender(store), 1000)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err := run.relay.Failing()
		if err != nil && strings.Contains(err.Error(), "insufficient resources") {
			t.Logf("published %d of 1000: %v", run.relay.Published(), err)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("published %d of 1000, failing: %v; want insufficient resources", run.relay.Published(), err)
		}
	}
	if run.relay.Published() >= 1000 {
		t.Fatal("every event was published into a full store")
	}
}

// waitPublished waits until the relay has published position pos.
func waitPublished(tb testing.TB, r *relay.Relay, pos int64, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for r.Published() < pos {
		if time.Now().After(deadline) {
			tb.Fatalf("published %d after %s, want %d", r.Published(), timeout, pos)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// expectLag checks Lag and (once the relay has seen the notifications) the
// lag gauge.
func expectLag(tb testing.TB, r *relay.Relay, reg *prometheus.Registry, want int64) {
	tb.Helper()
	lag, err := r.Lag(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if lag != want {
		tb.Fatalf("Lag = %d, want %d", lag, want)
	}
	expectMetric(tb, reg, "aidledger_relay_lag_positions", float64(want))
}

// expectMetric waits up to 2s for the metric (of the LEDGER stream) to
// have value want.
func expectMetric(tb testing.TB, reg *prometheus.Registry, name string, want float64) {
	tb.Helper()
	var got float64
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mfs, err := reg.Gather()
		if err != nil {
			tb.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			for _, m := range mf.GetMetric() {
				if m.GetGauge() != nil {
					got = m.GetGauge().GetValue()
				} else {
					got = m.GetCounter().GetValue()
				}
			}
		}
		if got == want {
			return
		}
	}
	tb.Fatalf("%s = %v, want %v", name, got, want)
}
