package yearend_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

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

// upTo2 is the yearend projection as released before migration 003.
type upTo2 struct{ *yearend.Projection }

func (upTo2) Migrations() fs.FS {
	all := yearend.New().Migrations()
	out := fstest.MapFS{}
	for _, name := range []string{"001_yearend.sql", "002_office_indicators.sql"} {
		b, err := fs.ReadFile(all, name)
		if err != nil {
			panic(err)
		}
		out[name] = &fstest.MapFile{Data: b}
	}
	return out
}

// TestMigrationRebuilds: migration 003 (projects by year) empties a model
// built by the release before and moves its checkpoint back to 0, so that
// the events already applied are applied again and count in the new
// figures; the model then equals one built afresh.
func TestMigrationRebuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := newModelOf(t, upTo2{yearend.New()})
	evs := workedExample(t).s.evs
	applyAll(t, old, evs[:2], 0) // the pairings, which the previous release folded the same way
	if err := projections.Migrate(ctx, old, yearend.New()); err != nil {
		t.Fatal(err)
	}
	var pos, rows int64
	if err := old.QueryRow(ctx, `SELECT (SELECT position FROM `+yearend.Schema+`.checkpoint),
		(SELECT count(*) FROM `+yearend.Schema+`.contributions)`).Scan(&pos, &rows); err != nil {
		t.Fatal(err)
	}
	if pos != 0 || rows != 0 {
		t.Fatalf("after migration 003: checkpoint %d, %d contributions; want 0, 0", pos, rows)
	}
	applyAll(t, old, evs, 0)
	fresh := newModel(t)
	applyAll(t, fresh, evs, 0)
	a, err := projections.Checksum(ctx, old, yearend.Schema, yearend.New())
	if err != nil {
		t.Fatal(err)
	}
	b, err := projections.Checksum(ctx, fresh, yearend.Schema, yearend.New())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Fatalf("migrated model %s, fresh %s", a.Combined, b.Combined)
	}
}
