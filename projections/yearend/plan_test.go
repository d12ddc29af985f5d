package yearend_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestComputePlansItsRowsEachTime: the reads of the contributions, which
// for a large donor return half a million rows (Compute) or sum them
// (Monthly), are planned for their arguments every time. Run as cached
// prepared statements, from the sixth run on one connection Postgres may
// switch to a generic plan made without the arguments (a serial bitmap
// scan where the arguments call for a parallel scan: a long-running
// server's reports took half as long again or more to compute); so no
// prepared statement of the connection may hold them after more runs than
// that, and the reports stay the same.
func TestComputePlansItsRowsEachTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newModel(t)
	w := workedExample(t)
	applyAll(t, pool, w.s.evs, 0)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()

	var first *yearend.Report
	for run := range 8 {
		r, err := yearend.Compute(ctx, conn, jia.Code, 2025, events.Date{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = r
		} else if !reflect.DeepEqual(r, first) {
			t.Fatalf("run %d: the report changed: %s", run+1, firstDiff(asJSON(t, first), asJSON(t, r)))
		}
	}
	if first.LineItems.Len() == 0 {
		t.Fatal("the report has no line items: nothing was read")
	}
	for range 8 {
		m, err := yearend.Monthly(ctx, conn, jia.Code, 2025, []string{pYi, pBing}, []string{yearend.FigFiscalDisbursedFen})
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Fatal("no monthly figures: nothing was read")
		}
	}
	if ran := testenv.PreparedRuns(t, conn, ".contributions"); ran != 0 {
		t.Errorf("the connection's prepared reads of the contributions ran %d times, want none", ran)
	}
}
