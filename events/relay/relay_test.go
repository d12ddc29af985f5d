package relay_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The test ledger: two donors, each paired with one partner county;
// partner 632624 is the one the outside subscriber watches.
var pairs = [][2]string{{"ZJ01", "632624"}, {"GD02", "632625"}}

const watchedPartner = "632624"

var quiet = slog.New(slog.DiscardHandler)

func newStore(tb testing.TB) *eventstore.Store {
	tb.Helper()
	pool := testenv.MigratedPool(tb)
	return eventstore.New(pool)
}

// appender appends test events to 8 streams, half of them per donor and
// partner pair, 1 to 4 events per append. It is used by one goroutine.
type appender struct {
	store    *eventstore.Store
	versions map[string]int64
	n        int
}

func newAppender(s *eventstore.Store) *appender {
	return &appender{store: s, versions: map[string]int64{}}
}

// append appends n events (in appends of up to perAppend), waiting pause
// after each append.
func (a *appender) append(ctx context.Context, n, perAppend int, pause time.Duration) error {
	for n > 0 {
		k := min(n, 1+a.n%perAppend)
		stream := a.n % 8
		pair := pairs[stream%2]
		id := fmt.Sprintf("visit-%d", stream)
		evs := make([]events.Event, k)
		for i := range evs {
			evs[i] = events.VisitConducted{VisitID: fmt.Sprintf("V%d", a.n+i), PairingIDList: []string{"P" + pair[1]},
				Direction: events.VisitOutbound, StartDate: events.DateOf(2025, 3, 1+(a.n+i)%28), EndDate: events.DateOf(2025, 3, 28)}
		}
		_, err := a.store.Append(ctx, &eventstore.AppendRequest{StreamID: id, ExpectedVersion: a.versions[id], Events: evs,
			DonorCode: pair[0], PartnerCode: pair[1], Metadata: events.Metadata{Actor: "relay-test", CorrelationID: fmt.Sprint(a.n)}})
		if err != nil {
			return fmt.Errorf("append %d: %w", a.n, err)
		}
		a.versions[id] += int64(k)
		a.n += k
		n -= k
		if pause > 0 {
			time.Sleep(pause)
		}
	}
	return nil
}

func mustAppend(tb testing.TB, a *appender, n int) {
	tb.Helper()
	if err := a.append(context.Background(), n, 4, 0); err != nil {
		tb.Fatal(err)
	}
}

// running is a Relay running in the background.
type running struct {
	relay  *relay.Relay
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

func start(tb testing.TB, cfg relay.Config) *running {
	tb.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	r, err := relay.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{relay: r, cancel: cancel, done: make(chan error, 1)}
	go func() { run.done <- r.Run(ctx) }()
	tb.Cleanup(func() { run.stop(tb) })
	return run
}

// stop cancels the relay and checks that Run returned nil.
func (run *running) stop(tb testing.TB) {
	tb.Helper()
	run.once.Do(func() {
		run.cancel()
		select {
		case err := <-run.done:
			if err != nil {
				tb.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Error("Run did not return within 10s of cancellation")
		}
	})
}

// waitCaughtUp waits until the relay has published the ledger's head.
func waitCaughtUp(tb testing.TB, r *relay.Relay, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		lag, err := r.Lag(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if lag == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("relay still %d positions behind after %s (published %d)", lag, timeout, r.Published())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func jetStream(tb testing.TB, url string) jetstream.JetStream {
	tb.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	return js
}

// checkStream checks that the stream holds exactly the ledger: message N is
// the ledger's event at position N, once, in the wire format.
func checkStream(tb testing.TB, url string, store *eventstore.Store) {
	tb.Helper()
	ctx := context.Background()
	recs, err := store.ReadAll(ctx, 0, 1_000_000, eventstore.Filter{})
	if err != nil {
		tb.Fatal(err)
	}
	js := jetStream(tb, url)
	stream, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		tb.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	n := uint64(len(recs))
	if st := info.State; st.Msgs != n || st.FirstSeq != 1 || st.LastSeq != n {
		tb.Fatalf("stream holds %d messages, sequences %d..%d; want exactly 1..%d", st.Msgs, st.FirstSeq, st.LastSeq, n)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	ids := make(map[string]bool, len(recs))
	for i := 0; i < len(recs); {
		batch, err := cons.Fetch(min(len(recs)-i, 5000), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			tb.Fatal(err)
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			rec := &recs[i]
			md, err := msg.Metadata()
			if err != nil {
				tb.Fatal(err)
			}
			seq := int64(md.Sequence.Stream)
			if seq != rec.Position || seq != int64(i+1) {
				tb.Fatalf("message %d has sequence %d; ledger position %d", i+1, seq, rec.Position)
			}
			h := msg.Headers()
			if id := h.Get(jetstream.MsgIDHeader); id != rec.ID || ids[id] {
				tb.Fatalf("message %d: Nats-Msg-Id %q (seen before: %t), want %s", seq, id, ids[id], rec.ID)
			}
			ids[rec.ID] = true
			if msg.Subject() != rec.Subject() {
				tb.Fatalf("message %d: subject %q, want %q", seq, msg.Subject(), rec.Subject())
			}
			wire, err := events.FromWire(seq, msg.Data(), h.Get(events.HeaderPrevHash), h.Get(events.HeaderHash))
			if err != nil {
				tb.Fatalf("message %d: FromWire: %v", seq, err)
			}
			if !reflect.DeepEqual(wire, *rec) {
				tb.Fatalf("message %d decodes to\n%+v\nwant the ledger's\n%+v", seq, wire, *rec)
			}
			i++
		}
		if err := batch.Error(); err != nil {
			tb.Fatal(err)
		}
		if got == 0 {
			tb.Fatalf("no messages after %d of %d", i, len(recs))
		}
	}
}

// TestPublishesLedgerInOrder: 500 events over several streams, two donors
// and partners; the stream then holds exactly positions 1..500 as their
// sequences, in the wire format.
func TestPublishesLedgerInOrder(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, url := testenv.NATS(t)
	a := newAppender(store)
	mustAppend(t, a, 300)
	run := start(t, relay.Config{Store: store, NATSURL: url, Batch: 64})
	waitCaughtUp(t, run.relay, 20*time.Second)
	mustAppend(t, a, 200) // woken by NOTIFY (PollInterval is 1s)
	waitCaughtUp(t, run.relay, 20*time.Second)
	if p := run.relay.Published(); p != 500 {
		t.Fatalf("Published() = %d, want 500", p)
	}
	run.stop(t)
	checkStream(t, url, store)
}

// TestOutsideSubscriber: a plain core NATS subscriber on one partner's
// subjects receives exactly that partner's events, in position order.
func TestOutsideSubscriber(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, url := testenv.NATS(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var mu sync.Mutex
	var got []string
	sub, err := nc.Subscribe("aid.*."+watchedPartner+".>", func(m *nats.Msg) {
		mu.Lock()
		got = append(got, m.Header.Get(jetstream.MsgIDHeader))
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	a := newAppender(store)
	mustAppend(t, a, 400)
	run := start(t, relay.Config{Store: store, NATSURL: url})
	waitCaughtUp(t, run.relay, 20*time.Second)

	want, err := store.ReadAll(context.Background(), 0, 10_000, eventstore.Filter{PartnerCode: watchedPartner})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || len(want) == 400 {
		t.Fatalf("%d of 400 events are for partner %s; the test needs some, not all", len(want), watchedPartner)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // anything extra would arrive now
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("subscriber received %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i].ID {
			t.Fatalf("message %d is %s, want %s (position %d)", i, got[i], want[i].ID, want[i].Position)
		}
	}
}

// TestRefusesDivergedStream: a stream whose last message is not the
// ledger's event at that position, or which is ahead of the ledger, stops
// the relay with ErrDiverged before it publishes anything.
func TestRefusesDivergedStream(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		ledger, alien int // events in the ledger; foreign messages in the stream
	}{
		{"other event at last sequence", 10, 3},
		{"stream ahead of ledger", 2, 3},
		{"stream ahead of empty ledger", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore(t)
			_, url := testenv.NATS(t)
			mustAppend(t, newAppender(store), tc.ledger)
			ctx := context.Background()
			js := jetStream(t, url)
			stream, err := relay.EnsureStream(ctx, js, relay.StreamConfig{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.alien {
				if _, err := js.Publish(ctx, "aid.X.Y.visit_conducted", []byte("{}"), jetstream.WithMsgID(fmt.Sprint("alien-", i))); err != nil {
					t.Fatal(err)
				}
			}
			r, err := relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			err = r.Run(runCtx)
			if !errors.Is(err, relay.ErrDiverged) {
				t.Fatalf("Run: %v, want ErrDiverged", err)
			}
			t.Logf("Run: %v", err)
			info, err := stream.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.State.Msgs != uint64(tc.alien) {
				t.Fatalf("stream holds %d messages, want the %d it had", info.State.Msgs, tc.alien)
			}
		})
	}
}

// TestRefusesBrokenChain: an event whose hash does not match its contents
// (here inserted behind ledger_append's back) stops the relay with
// ErrBadRecord; everything before it is published, nothing after.
func TestRefusesBrokenChain(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, url := testenv.NATS(t)
	mustAppend(t, newAppender(store), 10)
	ctx := context.Background()
	if _, err := store.Pool().Exec(ctx, `INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version,
		recorded_at, donor_code, partner_code, actor, idempotency_key, correlation_id, causation_id, payload, prev_hash, hash)
		SELECT position + 1, 'tampered', stream_id, stream_version + 1000, type, schema_version, recorded_at, donor_code,
		       partner_code, actor, idempotency_key, correlation_id, causation_id, payload, hash, hash
		FROM events WHERE position = 10`); err != nil {
		t.Fatal(err)
	}
	r, err := relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = r.Run(runCtx)
	if !errors.Is(err, relay.ErrBadRecord) {
		t.Fatalf("Run: %v, want ErrBadRecord", err)
	}
	t.Logf("Run: %v", err)
	if p := r.Published(); p != 10 {
		t.Fatalf("published %d, want the 10 good events", p)
	}
	info, err := jetStream(t, url).Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	if n := info.CachedInfo().State.Msgs; n != 10 {
		t.Fatalf("stream holds %d messages, want 10", n)
	}
}

// TestEnsureStream: idempotent; repairs settings the relay relies on; never
// makes a delete-denying stream deletable.
func TestEnsureStream(t *testing.T) {
	t.Parallel()
	_, url := testenv.NATS(t)
	ctx := context.Background()
	js := jetStream(t, url)
	for range 2 {
		s, err := relay.EnsureStream(ctx, js, relay.StreamConfig{})
		if err != nil {
			t.Fatal(err)
		}
		c := s.CachedInfo().Config
		if !reflect.DeepEqual(c.Subjects, []string{"aid.>"}) || c.Storage != jetstream.FileStorage ||
			c.Retention != jetstream.LimitsPolicy || !c.DenyDelete || !c.DenyPurge || c.Duplicates != 2*time.Minute ||
			c.MaxAge != 0 || c.MaxMsgs != -1 || c.MaxBytes != -1 || c.Replicas != 1 {
			t.Fatalf("stream config %+v", c)
		}
	}
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{AllowDelete: true}); err == nil {
		t.Fatal("EnsureStream made a delete-denying stream deletable")
	}

	// A stream someone created with an age limit gets it removed.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TAMPER", Subjects: []string{"aid.>"}, Storage: jetstream.FileStorage}); err == nil {
		t.Fatal("two streams on aid.> were allowed")
	}
	if err := js.DeleteStream(ctx, relay.DefaultStreamName); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: relay.DefaultStreamName, Subjects: []string{"aid.>"},
		Storage: jetstream.FileStorage, MaxAge: time.Hour, Description: "kept"}); err != nil {
		t.Fatal(err)
	}
	s, err := relay.EnsureStream(ctx, js, relay.StreamConfig{AllowDelete: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.CachedInfo().Config; c.MaxAge != 0 || c.DenyDelete || c.Description != "kept" {
		t.Fatalf("after EnsureStream: max age %s, deny delete %t, description %q", c.MaxAge, c.DenyDelete, c.Description)
	}
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	if s, err = js.Stream(ctx, relay.DefaultStreamName); err != nil || !s.CachedInfo().Config.DenyDelete {
		t.Fatalf("deny delete not set: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), "postgres://127.0.0.1:1/none") // never connects
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := eventstore.New(pool)
	if _, err := relay.New(relay.Config{Store: store, NATSURL: "nats://x"}); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	for _, c := range []relay.Config{
		{NATSURL: "nats://x"},
		{Store: store},
		{Store: store, NATSURL: "nats://x", Stream: relay.StreamConfig{Name: "a.b"}},
		{Store: store, NATSURL: "nats://x", Batch: -1},
		{Store: store, NATSURL: "nats://x", Stream: relay.StreamConfig{Replicas: 7}},
	} {
		if _, err := relay.New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
}

// freePort returns a TCP port that was free a moment ago.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// natsAt is an embedded NATS server that can be stopped and started again
// on the same port and store directory.
type natsAt struct {
	tb   testing.TB
	port int
	dir  string
	srv  *server.Server
}

func newNATSAt(tb testing.TB) *natsAt {
	n := &natsAt{tb: tb, port: freePort(tb), dir: tb.TempDir()}
	tb.Cleanup(n.stop)
	return n
}

func (n *natsAt) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.port) }

func (n *natsAt) start() {
	n.tb.Helper()
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: n.port, JetStream: true, StoreDir: n.dir, NoSigs: true, NoLog: true})
	if err != nil {
		n.tb.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		n.tb.Fatal("nats-server not ready")
	}
	n.srv = srv
}

func (n *natsAt) stop() {
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
		n.srv = nil
	}
}
