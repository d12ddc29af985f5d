package balances_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
)

// TestRandomHistories applies random valid histories in random batch
// sizes and compares every pairing-year, commitment and disbursement with
// the oracle's sums, and the tables with those left by another batching.
func TestRandomHistories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		evs := runnerEvents(eventtest.New(genConfig(seed, 2, 3, 3000)).Next(3000))
		o := newOracle(evs)
		var first string
		for round := range 2 {
			pool := newModel(t)
			r := rand.New(rand.NewPCG(seed, uint64(round)))
			for i := 0; i < len(evs); {
				j := min(len(evs), i+1+r.IntN(400))
				if err := applyBatch(ctx, pool, evs[i:j]); err != nil {
					t.Fatalf("seed %d: apply %d..%d: %v", seed, i+1, j, err)
				}
				i = j
			}
			got := dump(t, pool)
			if round == 0 {
				first = got
				checkOracle(t, ctx, pool, o, evs, seed)
			} else if got != first {
				t.Errorf("seed %d: tables depend on the batching: %s", seed, firstDiff(first, got))
			}
		}
	}
}

func checkOracle(t *testing.T, ctx context.Context, pool balances.Querier, o *oracle, evs []projections.Event, seed uint64) {
	t.Helper()
	pairingIDs := map[string]bool{}
	years := map[int]bool{}
	for k := range o.years {
		pairingIDs[k.pairing], years[k.year] = true, true
	}
	checked := 0
	for p := range pairingIDs {
		for y := range years {
			got, err := balances.PairingYear(ctx, pool, p, y)
			if err != nil {
				t.Fatal(err)
			}
			want := o.years[oracleKey{p, y}]
			if want == nil {
				want = &balances.Figures{}
			}
			if g, w := rawFigures(&got[0].Figures), rawFigures(want); !slices.Equal(g, w) {
				t.Errorf("seed %d: pairing %s year %d:\n got  %v\n want %v", seed, p, y, g, w)
			}
			checked++
		}
		all, err := balances.PairingYear(ctx, pool, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, py := range all {
			if !years[py.Year] {
				t.Errorf("seed %d: pairing %s has figures in %d, which the oracle has not", seed, p, py.Year)
			}
		}
	}
	for id, want := range o.commitments {
		got, err := balances.Commitment(ctx, pool, id)
		if err != nil {
			t.Fatal(err)
		}
		g, w := got.CommitmentTotals, *want
		g.DisbursalRate, w.DisbursalRate = nil, nil
		w.CommittedTotalFen, w.ReversedFen = w.AmountFen+w.AdjustedFen, w.ReversedEntryErrorFen+w.ReversedFundsReturnedFen
		w.NetDisbursedFen = w.DisbursedFen - w.ReversedFen
		w.OutstandingFen = w.CommittedTotalFen - w.NetDisbursedFen
		if g != w {
			t.Errorf("seed %d: commitment %s:\n got  %+v\n want %+v", seed, id, g, w)
		}
		for _, d := range got.Disbursements {
			wd := o.disbs[d.DisbursementID]
			if d.AmountFen != wd.AmountFen || d.ReversedEntryErrorFen != wd.ReversedEntryErrorFen ||
				d.ReversedFundsReturnedFen != wd.ReversedFundsReturnedFen || d.ReceiptConfirmedDate != wd.ReceiptConfirmedDate {
				t.Errorf("seed %d: disbursement %s: got %+v, want %+v", seed, d.DisbursementID, d, wd)
			}
		}
	}
	if checked == 0 || len(o.commitments) == 0 {
		t.Fatalf("seed %d: nothing checked", seed)
	}
	t.Logf("seed %d: %d events, %d pairing-years, %d commitments, %d disbursements checked", seed, len(evs), checked,
		len(o.commitments), len(o.disbs))
}
