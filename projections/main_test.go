package projections_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/internal/testproj"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// unknownEvery: every event at a multiple of it has a type this build does
// not know.
const unknownEvery = 97

var donors = []string{"SH", "BJ", "JS", "ZJ", "GD"}

// ledger generates a deterministic, correctly chained event log.
type ledger struct {
	mu   sync.Mutex
	pos  int64
	prev events.Hash
	all  []events.Record
}

// record builds the record at position pos (the caller holds mu).
func (l *ledger) record(pos int64) events.Record {
	donor := donors[pos%int64(len(donors))]
	date := events.DateOf(2025, time.Month(1+pos%12), 1+int(pos%28))
	r := events.Record{
		Position: pos, ID: fmt.Sprintf("ev-%09d", pos), StreamID: "test-" + donor, StreamVersion: pos,
		RecordedAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(pos) * time.Microsecond),
		DonorCode:  donor, PartnerCode: "XJ", Metadata: events.Metadata{Actor: "tester"},
	}
	var e events.Event
	switch {
	case pos%unknownEvery == 0:
		r.Type, r.SchemaVersion, r.Payload = "aid.from_a_newer_release", 1, []byte(fmt.Sprintf(`{"n":%d}`, pos))
	case pos%3 == 0:
		e = events.DonationReceived{DonationID: fmt.Sprintf("don-%d", pos), PairingID: "pair-" + donor, DonorName: "donor",
			DonorType: events.DonorEnterprise, Kind: events.DonationCash, AmountFen: pos * 100, ReceiptNo: fmt.Sprintf("R%d", pos), BusinessDate: date}
	case pos%3 == 1:
		e = events.FundsDisbursed{DisbursementID: fmt.Sprintf("dis-%d", pos), CommitmentID: "com-" + donor, PairingID: "pair-" + donor,
			AmountFen: pos * 10, BusinessDate: date, PayeeName: "payee", VoucherNo: fmt.Sprintf("V%d", pos)}
	default:
		e = events.FundsCommitted{CommitmentID: fmt.Sprintf("com-%d", pos), PairingID: "pair-" + donor, AmountFen: pos,
			BudgetYear: 2025, SourceLevel: events.SourceCity, DocNo: fmt.Sprintf("D%d", pos), BusinessDate: date}
	}
	if e != nil {
		payload, version, err := events.Encode(e)
		if err != nil {
			panic(err)
		}
		r.Type, r.SchemaVersion, r.Payload = e.EventType(), version, payload
	}
	r.PrevHash = l.prev
	r.Hash = events.ChainHash(r.PrevHash, pos, r.Canonical())
	return r
}

// next appends n events to the log and returns them.
func (l *ledger) next(n int) []events.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]events.Record, n)
	for i := range out {
		l.pos++
		out[i] = l.record(l.pos)
		l.prev = out[i].Hash
	}
	l.all = append(l.all, out...)
	return out
}

// upTo returns the first n events generated.
func (l *ledger) upTo(n int64) []events.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]events.Record(nil), l.all[:n]...)
}

// env is one test's Postgres database, NATS server with the LEDGER stream,
// and ledger.
type env struct {
	ctx  context.Context
	pool *pgxpool.Pool
	ns   *server.Server
	url  string
	nc   *nats.Conn
	js   jetstream.JetStream
	log  ledger
	proj *testproj.Counts
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ns, url := testenv.NATS(t)
	e := &env{ctx: ctx, pool: pool, ns: ns, url: url, proj: testproj.New("testcounts")}
	e.connect(t)
	if _, err := e.js.CreateStream(ctx, jetstream.StreamConfig{
		Name: projections.DefaultStream, Subjects: []string{"aid.>"}, Storage: jetstream.FileStorage,
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

// connect opens the test's own publishing connection.
func (e *env) connect(t testing.TB) {
	nc, err := nats.Connect(e.url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	e.nc, e.js = nc, js
}

// publish appends n events to the log and publishes them as the relay
// does: subject, canonical body, hash headers, expected last sequence.
func (e *env) publish(t testing.TB, n int) []events.Record {
	t.Helper()
	recs := e.log.next(n)
	if err := publishRecords(e.ctx, e.js, recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

// publishRecords publishes recs in order, pipelined 1000 at a time.
func publishRecords(ctx context.Context, js jetstream.JetStream, recs []events.Record) error {
	for start := 0; start < len(recs); start += 1000 {
		chunk := recs[start:min(len(recs), start+1000)]
		futures := make([]jetstream.PubAckFuture, 0, len(chunk))
		for _, r := range chunk {
			f, err := js.PublishMsgAsync(wireMsg(r), jetstream.WithExpectLastSequence(uint64(r.Position-1)))
			if err != nil {
				return fmt.Errorf("publish %d: %w", r.Position, err)
			}
			futures = append(futures, f)
		}
		for i, f := range futures {
			select {
			case ack := <-f.Ok():
				if ack.Sequence != uint64(chunk[i].Position) {
					return fmt.Errorf("published %d at sequence %d", chunk[i].Position, ack.Sequence)
				}
			case err := <-f.Err():
				return fmt.Errorf("publish %d: %w", chunk[i].Position, err)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// wireMsg is the relay's message for r.
func wireMsg(r events.Record) *nats.Msg {
	m := nats.NewMsg(r.Subject())
	m.Data = r.Canonical()
	m.Header.Set(nats.MsgIdHdr, r.ID)
	m.Header.Set(events.HeaderPrevHash, r.PrevHash.String())
	m.Header.Set(events.HeaderHash, r.Hash.String())
	return m
}

// logger discards logs unless PROJECTIONS_TEST_LOG is set.
func logger() *slog.Logger {
	if os.Getenv("PROJECTIONS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// runner runs projections.Run in the background until the returned stop
// is called (which waits for Run to return and checks its error).
func (e *env) runner(t testing.TB, cfg projections.RunnerConfig) (stop func()) {
	t.Helper()
	if cfg.Pool == nil {
		cfg.Pool = e.pool
	}
	if cfg.NATSURL == "" {
		cfg.NATSURL = e.url
	}
	if cfg.Projections == nil {
		cfg.Projections = []projections.Projection{e.proj}
	}
	if cfg.Logger == nil {
		cfg.Logger = logger()
	}
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- projections.Run(ctx, cfg) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("Run did not return within 30s of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor waits until the live read model reaches position.
// stoppedLiveModel publishes n events, lets a runner bring the live read
// model to them and stops it: the model then stays where it is.
func (e *env) stoppedLiveModel(t testing.TB, n int) {
	t.Helper()
	stop := e.runner(t, projections.RunnerConfig{})
	e.publish(t, n)
	e.waitFor(t, int64(n), 30*time.Second)
	stop()
}

func (e *env) waitFor(t testing.TB, position int64, timeout time.Duration) {
	t.Helper()
	if _, err := projections.WaitFor(e.ctx, e.pool, e.proj, position, timeout); err != nil {
		t.Fatal(err)
	}
}

// expected is the oracle: the rows the test projection must hold after
// recs.
func expected(recs []events.Record) (byType, byDonor map[string]*testproj.Row) {
	var batch []projections.Event
	for _, r := range recs {
		data, err := r.Event()
		if err != nil {
			continue // unknown type: skipped by the apply step
		}
		batch = append(batch, projections.Event{Record: r, Data: data})
	}
	byType, byDonor = map[string]*testproj.Row{}, map[string]*testproj.Row{}
	testproj.Aggregate(batch, byType, byDonor)
	return byType, byDonor
}

// checkModel compares a schema of the test projection with the oracle for
// the first n events, checkpoint included.
func (e *env) checkModel(t testing.TB, schema string, n int64) {
	t.Helper()
	wantType, wantDonor := expected(e.log.upTo(n))
	var pos int64
	if err := e.pool.QueryRow(e.ctx, fmt.Sprintf("SELECT position FROM %s.checkpoint", schema)).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	if pos != n {
		t.Errorf("%s: checkpoint %d, want %d", schema, pos, n)
	}
	gotType := readRows(t, e, fmt.Sprintf("SELECT event_type, events, 0, position_sum, last_position FROM %s.type_counts", schema))
	gotDonor := readRows(t, e, fmt.Sprintf("SELECT donor_code, events, amount_fen, position_sum, 0 FROM %s.donor_counts", schema))
	compareRows(t, schema+".type_counts", gotType, wantType, true)
	compareRows(t, schema+".donor_counts", gotDonor, wantDonor, false)
}

func readRows(t testing.TB, e *env, sql string) map[string]*testproj.Row {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]*testproj.Row{}
	for rows.Next() {
		var k string
		var r testproj.Row
		if err := rows.Scan(&k, &r.Events, &r.Amount, &r.PositionSum, &r.LastPosition); err != nil {
			t.Fatal(err)
		}
		out[k] = &r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func compareRows(t testing.TB, table string, got, want map[string]*testproj.Row, byType bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", table, len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if g == nil {
			t.Errorf("%s: no row %s", table, k)
			continue
		}
		ww := *w
		if byType {
			ww.Amount = 0
		} else {
			ww.LastPosition = 0
		}
		if *g != ww {
			t.Errorf("%s[%s] = %+v, want %+v", table, k, *g, ww)
		}
	}
}

// knownUpTo is how many of events 1..n have a known type.
func knownUpTo(n int64) int64 { return n - n/unknownEvery }

func errorsIs(err, target error) bool { return errors.Is(err, target) }
