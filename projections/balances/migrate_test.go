package balances_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestProjectionsMigrate checks the migrations through the runner's
// projections.Migrate (twice: it must be idempotent) and that the model
// built on that schema equals the one built on the tests' own.
func TestProjectionsMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	for range 2 {
		if err := projections.Migrate(ctx, pool, balances.New()); err != nil {
			t.Fatal(err)
		}
	}
	if projections.Schema(balances.New()) != balances.Schema {
		t.Fatalf("schema %q, want %q", projections.Schema(balances.New()), balances.Schema)
	}
	evs := scenario(t)
	applyAll(t, pool, evs, 10)
	own := newModel(t)
	applyAll(t, own, evs, 10)
	if got, want := dump(t, pool), dump(t, own); got != want {
		t.Fatalf("tables differ: %s", firstDiff(want, got))
	}
}
