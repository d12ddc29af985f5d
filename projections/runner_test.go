package projections_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/internal/testproj"
)

// metric returns the value of a metric of the test projection (0 if
// absent).
func metric(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if labelOf(m, "projection") == "testcounts" {
				if m.GetGauge() != nil {
					return m.GetGauge().GetValue()
				}
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelOf(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// eventually polls cond every 20 ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// consumerInfo is the durable consumer's state.
func (e *env) consumerInfo(t testing.TB) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := e.js.Consumer(e.ctx, projections.DefaultStream, "proj-testcounts")
	if err != nil {
		t.Fatal(err)
	}
	return c.CachedInfo()
}

func TestRunAppliesEverythingOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publish(t, 500) // before the runner starts: the catch-up takes these
	reg := prometheus.NewRegistry()
	stop := e.runner(t, projections.RunnerConfig{Registerer: reg, AckWait: 5 * time.Second})
	for range 15 { // live
		e.publish(t, 100)
		time.Sleep(10 * time.Millisecond)
	}
	e.waitFor(t, 2000, 30*time.Second)
	e.checkModel(t, "proj_testcounts", 2000)

	if got, want := metric(t, reg, "aidledger_projection_applied_events_total"), float64(knownUpTo(2000)); got != want {
		t.Errorf("applied %v, want %v", got, want)
	}
	if got, want := metric(t, reg, "aidledger_projection_unknown_events_total"), float64(2000/unknownEvery); got != want {
		t.Errorf("unknown %v, want %v", got, want)
	}
	eventually(t, 5*time.Second, "position 2000 and lag 0 in the metrics", func() bool {
		return metric(t, reg, "aidledger_projection_position") == 2000 && metric(t, reg, "aidledger_projection_lag_positions") == 0
	})
	// The durable consumer is configured as specified and has everything
	// acknowledged.
	eventually(t, 10*time.Second, "every delivery acknowledged", func() bool {
		info := e.consumerInfo(t)
		return info.AckFloor.Stream == 2000 && info.NumAckPending == 0
	})
	cfg := e.consumerInfo(t).Config
	if cfg.Durable != "proj-testcounts" || cfg.DeliverPolicy != jetstream.DeliverAllPolicy || cfg.AckPolicy != jetstream.AckExplicitPolicy ||
		cfg.MaxDeliver != -1 || cfg.FilterSubject != "aid.>" || cfg.AckWait != 5*time.Second {
		t.Errorf("consumer config %+v", cfg)
	}
	stop()

	// A restart resumes: the consumer is durable, nothing is redelivered.
	dupsBefore := metric(t, reg, "aidledger_projection_duplicate_deliveries_total")
	stop = e.runner(t, projections.RunnerConfig{Registerer: reg, AckWait: 5 * time.Second})
	e.publish(t, 100)
	e.waitFor(t, 2100, 30*time.Second)
	e.checkModel(t, "proj_testcounts", 2100)
	eventually(t, 10*time.Second, "every delivery acknowledged", func() bool {
		return e.consumerInfo(t).AckFloor.Stream == 2100
	})
	// The new events may be taken both by the restart's catch-up and by
	// delivery (they race), but none of the first 2000 comes back.
	if dups := metric(t, reg, "aidledger_projection_duplicate_deliveries_total") - dupsBefore; dups > 100 {
		t.Errorf("a restart redelivered %v events: the consumer is not durable", dups)
	}
	stop()
}

func TestRunRedeliveryFromTheStartIsHarmless(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	stop := e.runner(t, projections.RunnerConfig{Registerer: reg})
	e.publish(t, 1000)
	e.waitFor(t, 1000, 30*time.Second)
	stop()

	// Reset the durable consumer: everything is delivered again.
	if err := e.js.DeleteConsumer(e.ctx, projections.DefaultStream, "proj-testcounts"); err != nil {
		t.Fatal(err)
	}
	dupsBefore := metric(t, reg, "aidledger_projection_duplicate_deliveries_total")
	stop = e.runner(t, projections.RunnerConfig{Registerer: reg})
	e.publish(t, 10)
	e.waitFor(t, 1010, 30*time.Second)
	eventually(t, 20*time.Second, "every redelivery acknowledged", func() bool {
		return e.consumerInfo(t).AckFloor.Stream == 1010
	})
	stop()
	if dups := metric(t, reg, "aidledger_projection_duplicate_deliveries_total") - dupsBefore; dups < 1000 {
		t.Errorf("%v duplicates counted, want ≥ 1000", dups)
	}
	e.checkModel(t, "proj_testcounts", 1010)
}

func TestRunRetriesAndNacksAFailingApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var failures atomic.Int32
	e.proj.Fail = func(pos int64) error {
		if pos == 150 && failures.Add(1) <= 8 {
			return errors.New("injected failure")
		}
		return nil
	}
	reg := prometheus.NewRegistry()
	// With AckWait 1s, the handler retries for 0.5s, then nacks; the
	// redelivery comes back with backoff, or a later event fills the gap.
	e.runner(t, projections.RunnerConfig{Registerer: reg, AckWait: time.Second})
	e.publish(t, 100)
	e.waitFor(t, 100, 30*time.Second)
	e.publish(t, 200)
	e.waitFor(t, 300, 30*time.Second)
	e.checkModel(t, "proj_testcounts", 300)
	if n := failures.Load(); n <= 8 {
		t.Errorf("Apply failed %d times, want > 8 attempts", n)
	}
	if f := metric(t, reg, "aidledger_projection_apply_failures_total"); f < 8 {
		t.Errorf("failures metric %v, want ≥ 8", f)
	}
}

func TestRunHandlesASlowHandlerOutOfOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The apply step holding event 50 (alone, or batched with the events
	// queued behind it) takes longer than AckWait: JetStream gives up on
	// the delivery, later events flow past it and it is redelivered after
	// them.
	var slowed atomic.Bool
	e.proj.Delay = func(batch []projections.Event) time.Duration {
		if slices.ContainsFunc(batch, func(ev projections.Event) bool { return ev.Position == 50 }) && slowed.CompareAndSwap(false, true) {
			return 1500 * time.Millisecond
		}
		return 0
	}
	reg := prometheus.NewRegistry()
	e.runner(t, projections.RunnerConfig{Registerer: reg, AckWait: time.Second})
	e.publish(t, 10)
	e.waitFor(t, 10, 30*time.Second)
	e.publish(t, 290)
	e.waitFor(t, 300, 30*time.Second)
	eventually(t, 20*time.Second, "every delivery acknowledged", func() bool {
		return e.consumerInfo(t).AckFloor.Stream == 300
	})
	e.checkModel(t, "proj_testcounts", 300)
	if !slowed.Load() {
		t.Fatal("event 50 never reached Apply")
	}
	// Its acknowledgement came too late: it was delivered again, after
	// later events, and recognised as a duplicate.
	eventually(t, 10*time.Second, "event 50 redelivered", func() bool {
		return metric(t, reg, "aidledger_projection_duplicate_deliveries_total") >= 1
	})
}

func TestRunSurvivesPostgresHiccups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The runner gets a pool of its own, whose sessions are killed
	// repeatedly, mid-transaction or idle.
	cfg := e.pool.Config().Copy()
	cfg.ConnConfig.RuntimeParams["application_name"] = "hiccups"
	pool, err := pgxpool.NewWithConfig(e.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	reg := prometheus.NewRegistry()
	stop := e.runner(t, projections.RunnerConfig{Pool: pool, Registerer: reg, AckWait: 2 * time.Second})
	defer stop()
	e.publish(t, 100)
	e.waitFor(t, 100, 30*time.Second) // live
	killed := 0
	for i := range 20 {
		e.publish(t, 100)
		if i%3 == 1 {
			var n int
			if err := e.pool.QueryRow(e.ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'hiccups'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			killed += n
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("killed %d sessions", killed)
	e.waitFor(t, 2100, 60*time.Second)
	e.checkModel(t, "proj_testcounts", 2100)
}

// restartableNATS is an embedded NATS server that can be stopped and
// started again on the same port and storage.
type restartableNATS struct {
	opts server.Options
	ns   *server.Server
}

func startNATS(t testing.TB) *restartableNATS {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &restartableNATS{opts: server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true}}
	r.start(t)
	t.Cleanup(func() { r.ns.Shutdown(); r.ns.WaitForShutdown() })
	return r
}

func (r *restartableNATS) start(t testing.TB) {
	t.Helper()
	opts := r.opts
	ns, err := server.NewServer(&opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS did not start")
	}
	r.ns = ns
}

func (r *restartableNATS) restart(t testing.TB, down time.Duration) {
	t.Helper()
	r.ns.Shutdown()
	r.ns.WaitForShutdown()
	time.Sleep(down)
	r.start(t)
}

func (r *restartableNATS) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", r.opts.Port) }

func TestRunSurvivesNATSRestarts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	nr := startNATS(t)
	e.url = nr.url()
	e.connect(t)
	if _, err := e.js.CreateStream(e.ctx, jetstream.StreamConfig{
		Name: projections.DefaultStream, Subjects: []string{"aid.>"}, Storage: jetstream.FileStorage,
	}); err != nil {
		t.Fatal(err)
	}
	e.runner(t, projections.RunnerConfig{AckWait: 2 * time.Second})
	e.publish(t, 500)
	e.waitFor(t, 500, 30*time.Second)

	// Restart NATS in the middle of a stream of events.
	published := make(chan error, 1)
	go func() {
		for range 30 {
			recs := e.log.next(50)
			for {
				ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
				err := publishRecords(ctx, e.js, recs)
				cancel()
				if err == nil {
					break
				}
				// The server went away mid-batch: republish what is missing.
				if !retryPublish(e, &recs) {
					published <- err
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		published <- nil
	}()
	time.Sleep(150 * time.Millisecond)
	nr.restart(t, 300*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	nr.restart(t, 50*time.Millisecond)
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	e.waitFor(t, 2000, 60*time.Second)
	e.checkModel(t, "proj_testcounts", 2000)
	// The durable consumer survived the restarts and delivered everything.
	eventually(t, 30*time.Second, "every delivery acknowledged after the restarts", func() bool {
		return e.consumerInfo(t).AckFloor.Stream == 2000
	})
}

// retryPublish drops from recs what the stream already has, after a
// failed publish; it reports whether to try again.
func retryPublish(e *env, recs *[]events.Record) bool {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s, err := e.js.Stream(e.ctx, projections.DefaultStream)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		last := int64(s.CachedInfo().State.LastSeq)
		for len(*recs) > 0 && (*recs)[0].Position <= last {
			*recs = (*recs)[1:]
		}
		return true
	}
	return false
}

func TestRunKeepsSeveralProjections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := testproj.New("othercounts")
	e.publish(t, 300)
	e.runner(t, projections.RunnerConfig{Projections: []projections.Projection{e.proj, other}})
	e.publish(t, 300)
	e.waitFor(t, 600, 30*time.Second)
	if _, err := projections.WaitFor(e.ctx, e.pool, other, 600, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	e.checkModel(t, "proj_testcounts", 600)
	e.checkModel(t, "proj_othercounts", 600)
	for _, name := range []string{"proj-testcounts", "proj-othercounts"} {
		if _, err := e.js.Consumer(e.ctx, projections.DefaultStream, name); err != nil {
			t.Errorf("consumer %s: %v", name, err)
		}
	}
}

func TestRunRejectsABadConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, cfg := range []projections.RunnerConfig{
		{NATSURL: e.url, Projections: []projections.Projection{e.proj}},
		{Pool: e.pool, Projections: []projections.Projection{e.proj}},
		{Pool: e.pool, NATSURL: e.url},
		{Pool: e.pool, NATSURL: e.url, Projections: []projections.Projection{e.proj, e.proj}},
		{Pool: e.pool, NATSURL: e.url, Projections: []projections.Projection{testproj.New("Bad-Name")}},
	} {
		if err := projections.Run(e.ctx, cfg); err == nil {
			t.Errorf("Run(%+v) accepted", cfg)
		}
	}
}
