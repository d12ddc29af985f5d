package yearend_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestMigrate: the runner's Migrate is idempotent on the schema, the
// schema is the one Compute names, and a checksum of the model is stable.
func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	for range 2 {
		if err := projections.Migrate(ctx, pool, yearend.New()); err != nil {
			t.Fatal(err)
		}
	}
	if got := projections.Schema(yearend.New()); got != yearend.Schema {
		t.Fatalf("schema %q, want %q", got, yearend.Schema)
	}
	applyAll(t, pool, workedExample(t).s.evs, 5)
	a, err := projections.Checksum(ctx, pool, yearend.Schema, yearend.New())
	if err != nil {
		t.Fatal(err)
	}
	b, err := projections.Checksum(ctx, pool, yearend.Schema, yearend.New())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) || a.Position == 0 {
		t.Fatalf("checksums %s and %s at %d", a.Combined, b.Combined, a.Position)
	}
}
