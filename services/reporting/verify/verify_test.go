package verify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/services/reporting/verify"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// nEvents is the size of the test ledger.
const nEvents = 24

var quiet = slog.New(slog.DiscardHandler)

// visits is a small read model: one row per visit.
type visits struct{}

func (visits) Name() string { return "visits" }
func (visits) Migrations() fs.FS {
	return fstest.MapFS{"001_visits.sql": {Data: []byte(
		`CREATE TABLE visits (visit_id text PRIMARY KEY, position bigint NOT NULL, donor_code text NOT NULL, start_date text NOT NULL);`)}}
}
func (visits) Tables() []projections.Table {
	return []projections.Table{{Name: "visits", OrderBy: "visit_id"}}
}
func (visits) Apply(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	for _, ev := range batch {
		if v, ok := ev.Data.(events.VisitConducted); ok {
			if _, err := tx.Exec(ctx, `INSERT INTO visits VALUES ($1, $2, $3, $4)`, v.VisitID, ev.Position, ev.DonorCode, v.StartDate.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// env is a ledger of nEvents events, published to a deletable stream, with
// live read models built from it.
type env struct {
	pool    *pgxpool.Pool
	natsURL string
	stream  jetstream.Stream
	models  []projections.Projection
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	versions := map[string]int64{}
	for i := 1; i <= nEvents; i++ {
		stream := fmt.Sprintf("visit-%d", i%3)
		donor, partner := []string{"ZJ01", "GD02"}[i%2], []string{"632624", "632625"}[i%2]
		_, err := store.Append(ctx, &eventstore.AppendRequest{StreamID: stream, ExpectedVersion: versions[stream],
			Events: []events.Event{events.VisitConducted{VisitID: fmt.Sprintf("V%02d", i), PairingIDList: []string{"P" + partner},
				Direction: events.VisitOutbound, StartDate: events.DateOf(2025, 3, i), EndDate: events.DateOf(2025, 3, 28)}},
			DonorCode: donor, PartnerCode: partner, Metadata: events.Metadata{Actor: "verify-test"}})
		if err != nil {
			t.Fatal(err)
		}
		versions[stream]++
	}

	_, url := testenv.NATS(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := relay.EnsureStream(ctx, js, relay.StreamConfig{AllowDelete: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.ReadAll(ctx, 0, nEvents+1, eventstore.Filter{})
	if err != nil || len(recs) != nEvents {
		t.Fatalf("read %d events (%v), want %d", len(recs), err, nEvents)
	}
	for i := range recs {
		if _, err := js.PublishMsg(ctx, relay.Message(&recs[i]), jetstream.WithExpectLastSequence(uint64(recs[i].Position-1))); err != nil {
			t.Fatalf("publish %d: %v", recs[i].Position, err)
		}
	}

	e := &env{pool: pool, natsURL: url, stream: stream, models: []projections.Projection{visits{}, audittrail.New()}}
	for _, p := range e.models {
		if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, NATSURL: url, Projection: p, Logger: quiet}); err != nil {
			t.Fatalf("build the live %s: %v", p.Name(), err)
		}
	}
	return e
}

// exec runs SQL as the superuser with the append-only trigger disabled.
func (e *env) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (e *env) verify(t *testing.T, from int64) verify.Report {
	t.Helper()
	var calls int
	rep, err := verify.Run(context.Background(), verify.Config{Pool: e.pool, NATSURL: e.natsURL, From: from,
		Stream: true, Projections: true, ReadModels: e.models, Logger: quiet,
		Progress: func(done, total int64) {
			calls++
			if done > total {
				t.Errorf("progress %d of %d", done, total)
			}
		}})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if calls == 0 {
		t.Error("Progress was never called")
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %s", b)
	return rep
}

func wantBreak(t *testing.T, rep verify.Report, position int64, kind string) {
	t.Helper()
	if rep.OK || verify.ExitCode(rep, nil) != 1 {
		t.Errorf("ok = %v, exit code %d; want a discrepancy (1)", rep.OK, verify.ExitCode(rep, nil))
	}
	if b := rep.ChainBreak; b == nil || b.Position != position || b.Kind != kind {
		t.Fatalf("chain break %+v, want position %d, kind %s", b, position, kind)
	}
}

func TestUntouched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rep := e.verify(t, 0)
	if !rep.OK || verify.ExitCode(rep, nil) != 0 {
		t.Fatalf("untouched ledger: ok = %v", rep.OK)
	}
	if rep.Checked != nEvents || rep.Head.Position != nEvents || rep.Stream.Compared != nEvents || rep.Stream.Lag != 0 {
		t.Errorf("checked %d, head %d, stream compared %d lag %d; want %d each (lag 0)", rep.Checked, rep.Head.Position,
			rep.Stream.Compared, rep.Stream.Lag, nEvents)
	}
	if len(rep.Projections) != len(e.models) {
		t.Fatalf("%d read models checked, want %d", len(rep.Projections), len(e.models))
	}
	for _, p := range rep.Projections {
		if !p.Match || p.Position != nEvents {
			t.Errorf("read model %+v: want a match at %d", p, nEvents)
		}
	}
	// From a later position: the anchor is the stored hash before it.
	if rep := e.verify(t, 10); !rep.OK || rep.Checked != nEvents-9 || rep.Stream.Compared != nEvents-9 {
		t.Errorf("from 10: ok %v, checked %d, compared %d", rep.OK, rep.Checked, rep.Stream.Compared)
	}
	// No scratch schema is left behind, and the live ones are untouched.
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vfy\_%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d scratch schemas left (%v)", n, err)
	}
}

func TestPayloadByteChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.exec(t, `UPDATE events SET payload = replace(payload::text, '"V07"', '"W07"')::json WHERE position = 7`)
	rep := e.verify(t, 0)
	wantBreak(t, rep, 7, verify.BreakPayload)
	if rep.Checked != 6 {
		t.Errorf("checked %d, want 6", rep.Checked)
	}
	// The stream still has the original: it differs from the log there.
	if len(rep.StreamMismatches) != 1 || rep.StreamMismatches[0].Position != 7 || rep.StreamMismatches[0].Kind != verify.StreamDiffers {
		t.Errorf("stream mismatches %+v, want position 7 differs", rep.StreamMismatches)
	}
	// Verifying from after the change anchors on untouched hashes.
	if rep := e.verify(t, 8); rep.ChainBreak != nil {
		t.Errorf("from 8: chain break %+v", rep.ChainBreak)
	}
}

func TestRowDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.exec(t, `DELETE FROM events WHERE position = 5`)
	rep := e.verify(t, 0)
	wantBreak(t, rep, 5, verify.BreakGap)
	if len(rep.StreamMismatches) != 1 || rep.StreamMismatches[0].Position != 5 || rep.StreamMismatches[0].Kind != verify.StreamExtra {
		t.Errorf("stream mismatches %+v, want position 5 extra", rep.StreamMismatches)
	}
}

func TestLastRowDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.exec(t, `DELETE FROM events WHERE position = $1`, nEvents)
	wantBreak(t, e.verify(t, 0), nEvents, verify.BreakGap)
}

func TestPositionsSwapped(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]int{{4, 9}, {12, 13}} {
		t.Run(fmt.Sprintf("%d-%d", pair[0], pair[1]), func(t *testing.T) {
			e := newEnv(t)
			e.exec(t, `UPDATE events SET position = 1000 WHERE position = $1`, pair[0])
			e.exec(t, `UPDATE events SET position = $1 WHERE position = $2`, pair[0], pair[1])
			e.exec(t, `UPDATE events SET position = $1 WHERE position = 1000`, pair[1])
			rep := e.verify(t, 0)
			wantBreak(t, rep, int64(pair[0]), verify.BreakOrder)
			if !strings.Contains(rep.ChainBreak.Reason, fmt.Sprintf("appended at position %d", pair[1])) {
				t.Errorf("reason %q does not name position %d", rep.ChainBreak.Reason, pair[1])
			}
		})
	}
}

func TestHashAltered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.exec(t, `UPDATE events SET hash = sha256('forged'::bytea) WHERE position = 6`)
	wantBreak(t, e.verify(t, 0), 6, verify.BreakHash)
}

func TestHeadHashAltered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.exec(t, `UPDATE events SET hash = sha256('forged'::bytea) WHERE position = $1`, nEvents)
	wantBreak(t, e.verify(t, 0), nEvents, verify.BreakHash)
}

func TestPrevHashAltered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A consistent forgery of one row: prev_hash changed and hash recomputed.
	e.exec(t, `UPDATE events SET prev_hash = sha256('forged'::bytea) WHERE position = 11`)
	e.exec(t, `UPDATE events SET hash = sha256(prev_hash || int8send(position) || convert_to(
		'{"id":' || to_json(event_id)::text || ',"stream_id":' || to_json(stream_id)::text || ',"stream_version":' || stream_version
		|| ',"type":' || to_json(type)::text || ',"schema_version":' || schema_version
		|| ',"recorded_at":' || to_json(to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
		|| ',"donor_code":' || to_json(donor_code)::text || ',"partner_code":' || to_json(partner_code)::text
		|| ',"actor":' || to_json(actor)::text || ',"idempotency_key":' || to_json(idempotency_key)::text
		|| ',"correlation_id":' || to_json(correlation_id)::text || ',"causation_id":' || to_json(causation_id)::text
		|| ',"payload":' || payload::text || '}', 'UTF8')) WHERE position = 11`)
	wantBreak(t, e.verify(t, 0), 11, verify.BreakPrevHash)
}

func TestStreamMessageDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.stream.DeleteMsg(context.Background(), 8); err != nil {
		t.Fatal(err)
	}
	rep := e.verify(t, 0)
	if rep.OK || rep.ChainBreak != nil {
		t.Fatalf("ok %v, chain break %+v; want only stream discrepancies", rep.OK, rep.ChainBreak)
	}
	if len(rep.StreamMismatches) != 1 || rep.StreamMismatches[0].Position != 8 || rep.StreamMismatches[0].Kind != verify.StreamMissing {
		t.Fatalf("stream mismatches %+v, want position 8 missing", rep.StreamMismatches)
	}
	// The read models cannot be rebuilt past it.
	for _, p := range rep.Projections {
		if p.Match || !strings.Contains(p.Error, "position 8 is missing") {
			t.Errorf("read model %+v: want an error naming position 8", p)
		}
	}
}

func TestLastStreamMessageDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.stream.DeleteMsg(context.Background(), nEvents); err != nil {
		t.Fatal(err)
	}
	rep := e.verify(t, 0)
	if len(rep.StreamMismatches) != 1 || rep.StreamMismatches[0].Position != nEvents || rep.StreamMismatches[0].Kind != verify.StreamMissing {
		t.Fatalf("stream mismatches %+v (stream %+v), want position %d missing", rep.StreamMismatches, rep.Stream, nEvents)
	}
}

func TestProjectionRowChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.pool.Exec(context.Background(), `UPDATE proj_visits.visits SET start_date = '2025-04-01' WHERE visit_id = 'V03'`); err != nil {
		t.Fatal(err)
	}
	rep := e.verify(t, 0)
	if rep.OK || rep.ChainBreak != nil || len(rep.StreamMismatches) != 0 {
		t.Fatalf("ok %v, chain %+v, stream %+v; want only a read-model discrepancy", rep.OK, rep.ChainBreak, rep.StreamMismatches)
	}
	if len(rep.ProjectionDiffs) != 1 {
		t.Fatalf("projection diffs %+v, want one", rep.ProjectionDiffs)
	}
	d := rep.ProjectionDiffs[0]
	if d.Projection != "visits" || d.Table != "visits" || d.Key != `["V03"]` ||
		len(d.Live) != 1 || !strings.Contains(d.Live[0], "2025-04-01") || len(d.Rebuilt) != 1 || !strings.Contains(d.Rebuilt[0], "2025-03-03") {
		t.Errorf("diff %+v, want visits row V03 live 2025-04-01, rebuilt 2025-03-03", d)
	}
	// The live read model is left as it was (verify never switches over).
	var start string
	if err := e.pool.QueryRow(context.Background(), `SELECT start_date FROM proj_visits.visits WHERE visit_id = 'V03'`).Scan(&start); err != nil || start != "2025-04-01" {
		t.Errorf("live row now %q (%v), want it untouched", start, err)
	}
}

func TestCannotRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := verify.Run(context.Background(), verify.Config{Pool: e.pool, NATSURL: e.natsURL, StreamName: "NOSUCH", Stream: true, Logger: quiet})
	if err == nil || verify.ExitCode(verify.Report{}, err) != 2 {
		t.Fatalf("missing stream: %v, want an error (exit code 2)", err)
	}
}

// TestPublishedSummaries: every published summary must cite a position
// before its own and the chain hash the log has there; one stating another
// hash, or a later position, is a discrepancy.
func TestPublishedSummaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	for i := range 3 {
		_, err := store.Append(ctx, &eventstore.AppendRequest{StreamID: "visit-s", ExpectedVersion: int64(i),
			Events: []events.Event{events.VisitConducted{VisitID: fmt.Sprintf("VS%d", i), PairingIDList: []string{"P1"},
				Direction: events.VisitOutbound, StartDate: events.DateOf(2025, 3, 1), EndDate: events.DateOf(2025, 3, 2)}},
			DonorCode: "ZJ01", PartnerCode: "632624", Metadata: events.Metadata{Actor: "verify-test"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, err := store.ReadAll(ctx, 0, 3, eventstore.Filter{})
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d events (%v)", len(recs), err)
	}
	hashes := []events.Hash{recs[0].Hash, recs[1].Hash, recs[2].Hash}
	publish := func(version int64, at int64, hash string) {
		t.Helper()
		if _, err := store.Append(ctx, &eventstore.AppendRequest{StreamID: "summaries-ZJ01", ExpectedVersion: version,
			Events: []events.Event{events.SummaryGenerated{DonorCode: "ZJ01", Year: 2025, Profile: "official", Format: "text", Lang: "zh",
				Position: at, ChainHash: hash, TextSHA256: strings.Repeat("0", 64)}},
			DonorCode: "ZJ01", PartnerCode: "all", Metadata: events.Metadata{Actor: "verify-test"}}); err != nil {
			t.Fatal(err)
		}
	}
	publish(0, 2, hashes[1].String()) // position 4: true
	publish(1, 3, hashes[1].String()) // position 5: the hash of 2, not 3
	publish(2, 9, hashes[2].String()) // position 6: a position not before it
	rep, err := verify.Run(ctx, verify.Config{Pool: pool, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range rep.SummaryMismatches {
		got = append(got, m.Position)
	}
	if rep.OK || rep.ChainBreak != nil || !slices.Equal(got, []int64{5, 6}) {
		t.Errorf("ok %v, chain break %+v, summary mismatches %+v; want those at 5 and 6", rep.OK, rep.ChainBreak, rep.SummaryMismatches)
	}
}
