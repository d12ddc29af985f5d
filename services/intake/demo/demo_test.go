package demo_test

import (
	"context"
	"testing"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/intake/demo"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The demo loads a few hundred events through the real commands, and
// loading it again writes nothing.
func TestLoadIsRealisticAndIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	l := testenv.Ledger(t, store)
	first, err := demo.Load(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if first.Position < 300 || first.Written != first.Commands {
		t.Fatalf("first load: %+v, want a few hundred events, every command written", first)
	}
	again, err := demo.Load(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Position != first.Position {
		t.Fatalf("second load wrote %d commands (position %d → %d)", again.Written, first.Position, again.Position)
	}
	types := map[string]int{}
	recs, err := store.ReadAll(ctx, 0, 100000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		types[r.Type]++
	}
	for _, want := range []string{"aid.disbursement_reversed", "aid.commitment_adjusted", "aid.donation_reversed", "aid.visit_reversed",
		"aid.funds_receipt_confirmed", "aid.secondment_ended", "aid.project_progress_reported", "aid.sales_facilitated"} {
		if types[want] == 0 {
			t.Errorf("the demo has no %s", want)
		}
	}
	t.Logf("demo: %d commands, %d events, types %v", first.Commands, first.Position, types)
}
