package balances_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// genConfig is the random history of the property tests and benchmarks:
// donors × pairingsPerDonor pairings (and a few established later),
// business dates in 2022–2025 spread over n events.
func genConfig(seed uint64, donors, pairingsPerDonor, n int) eventtest.Config {
	return eventtest.Config{Seed: seed, Donors: donors, PairingsPerDonor: pairingsPerDonor, From: events.DateOf(2022, 1, 1), Years: 4,
		Events: n}
}

// runnerEvents converts generated events to what the runner hands Apply.
func runnerEvents(evs []eventtest.Event) []projections.Event {
	out := make([]projections.Event, len(evs))
	for i, ev := range evs {
		out[i] = projections.Event(ev)
	}
	return out
}

// newModel returns a pool on a new database holding an empty, migrated
// proj_balances schema.
func newModel(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	ctx := context.Background()
	url := testenv.Postgres(tb)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if err := resetSchema(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// resetSchema drops proj_balances if it exists and migrates it afresh,
// as the runner does.
func resetSchema(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS proj_balances CASCADE`); err != nil {
		return fmt.Errorf("drop schema: %w", err)
	}
	return projections.Migrate(ctx, pool, balances.New())
}

// applyBatch applies one batch in its own transaction, set up as the
// runner's apply step sets it up (search_path, asynchronous commit).
func applyBatch(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, batch []projections.Event) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+balances.Schema+"; SET LOCAL synchronous_commit TO off"); err != nil {
		return err
	}
	if err := balances.New().Apply(ctx, tx, batch); err != nil {
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

// dump renders every table of the read model, rows in the table's order.
func dump(tb testing.TB, pool *pgxpool.Pool) string {
	tb.Helper()
	var b strings.Builder
	for _, t := range balances.New().Tables() {
		var rows string
		err := pool.QueryRow(context.Background(), fmt.Sprintf(
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY %s), '') FROM %s.%s t`, t.OrderBy, balances.Schema, t.Name)).Scan(&rows)
		if err != nil {
			tb.Fatalf("dump %s: %v", t.Name, err)
		}
		fmt.Fprintf(&b, "== %s\n%s\n", t.Name, rows)
	}
	return b.String()
}

// firstDiff shows where two dumps differ.
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
