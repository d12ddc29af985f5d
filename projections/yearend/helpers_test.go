package yearend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// generate returns a random valid history of n events (package
// eventtest): donors "D00", "D01" … with pairingsPerDonor pairings each
// (and a few established later), business dates in 2023–2025, late
// entries and reversals across year ends. With after, it continues that
// log (positions and chain).
func generate(seed uint64, donors, pairingsPerDonor, n int, after *events.Record) []projections.Event {
	return runnerEvents(eventtest.New(genConfig(seed, donors, pairingsPerDonor, n, after)).Next(n))
}

func genConfig(seed uint64, donors, pairingsPerDonor, n int, after *events.Record) eventtest.Config {
	return eventtest.Config{Seed: seed, Donors: donors, PairingsPerDonor: pairingsPerDonor, From: events.DateOf(2023, 1, 1), Years: 3,
		Events: n, After: after}
}

// runnerEvents converts generated events to what the runner hands Apply.
func runnerEvents(evs []eventtest.Event) []projections.Event {
	out := make([]projections.Event, len(evs))
	for i, ev := range evs {
		out[i] = projections.Event(ev)
	}
	return out
}

// newModel returns a pool on a new database holding an empty proj_yearend
// schema, migrated as the runner migrates it.
func newModel(tb testing.TB) *pgxpool.Pool { return newModelOf(tb, yearend.New()) }

// newModelOf is newModel with the migrations of p.
func newModelOf(tb testing.TB, p projections.Projection) *pgxpool.Pool {
	tb.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if err := projections.Migrate(ctx, pool, p); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// resetModel drops the schema and migrates it afresh.
func resetModel(tb testing.TB, pool *pgxpool.Pool) {
	tb.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS proj_yearend CASCADE`); err != nil {
		tb.Fatal(err)
	}
	if err := projections.Migrate(ctx, pool, yearend.New()); err != nil {
		tb.Fatal(err)
	}
}

// applyBatch applies one batch in its own transaction as the runner's
// apply step does (search_path, asynchronous commit, checkpoint moved to
// the last event in the same transaction).
func applyBatch(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, batch []projections.Event) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO proj_yearend; SET LOCAL synchronous_commit TO off"); err != nil {
		return err
	}
	if err := yearend.New().Apply(ctx, tx, batch); err != nil {
		return err
	}
	last := batch[len(batch)-1]
	if _, err := tx.Exec(ctx, "UPDATE checkpoint SET position = $1, hash = $2", last.Position, last.Hash[:]); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// applyAll applies evs in batches of size (all at once when size ≤ 0).
func applyAll(tb testing.TB, pool *pgxpool.Pool, evs []projections.Event, size int) {
	tb.Helper()
	if size <= 0 {
		size = len(evs)
	}
	for i := 0; i < len(evs); i += size {
		j := min(i+size, len(evs))
		if err := applyBatch(context.Background(), pool, evs[i:j]); err != nil {
			tb.Fatalf("apply events %d..%d (batch size %d): %v", i+1, j, size, err)
		}
	}
}

// compute runs Compute or fails the test.
func compute(tb testing.TB, pool *pgxpool.Pool, donor string, year int, cutoff events.Date, at int64) *yearend.Report {
	tb.Helper()
	r, err := yearend.Compute(context.Background(), pool, donor, year, cutoff, at)
	if err != nil {
		tb.Fatalf("Compute(%s, %d, %s, %d): %v", donor, year, cutoff, at, err)
	}
	return r
}

// dump renders every table of the read model, rows in the table's order.
func dump(tb testing.TB, pool *pgxpool.Pool) string {
	tb.Helper()
	var b strings.Builder
	for _, t := range yearend.New().Tables() {
		var rows string
		err := pool.QueryRow(context.Background(), fmt.Sprintf(
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY %s), '') FROM proj_yearend.%s t`, t.OrderBy, t.Name)).Scan(&rows)
		if err != nil {
			tb.Fatalf("dump %s: %v", t.Name, err)
		}
		fmt.Fprintf(&b, "== %s\n%s\n", t.Name, rows)
	}
	return b.String()
}

// firstDiff shows where two texts first differ, line by line.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, x, y)
		}
	}
	return "no difference"
}

// asJSON is v indented, for diffs in failure messages.
func asJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// sameJSON fails the test when got and want differ, showing the first
// differing line of their JSON.
func sameJSON(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, w := asJSON(tb, got), asJSON(tb, want)
	if g != w {
		tb.Errorf("%s differs (got, want) at %s", what, firstDiff(g, w))
	}
}

// day parses "YYYY-MM-DD" or fails the test.
func day(tb testing.TB, s string) events.Date {
	tb.Helper()
	d, err := events.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// cst is the instant of a wall-clock time in China ("2025-12-03 10:00").
func cst(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, events.ChinaTime)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}
