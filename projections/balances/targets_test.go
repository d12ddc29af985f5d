package balances

import (
	"testing"

	"github.com/aidledger/aidledger/events"
)

// Only indicators with a target are compared; a result behind the share of
// the year elapsed is flagged, one ahead of it is not.
func TestProgressOf(t *testing.T) {
	t.Parallel()
	var f Figures
	f.Fiscal.NetDisbursedFen, f.Labour.Persons, f.Visits = 60_000_000, 40, 3
	got := ProgressOf(events.Targets{FiscalFen: 100_000_000, PersonsEmployed: 100, Visits: 2}, f, 5000)
	want := []struct {
		key    string
		bp     int64
		behind bool
	}{{"fiscal_fen", 6000, false}, {"persons_employed", 4000, true}, {"visits", 15000, false}}
	if len(got) != len(want) {
		t.Fatalf("progress %+v", got)
	}
	for i, w := range want {
		if g := got[i]; g.Indicator != w.key || g.Rate.BasisPoints != w.bp || g.Behind != w.behind || g.ExpectedBP != 5000 {
			t.Errorf("%s: %+v (rate %+v), want %d bp, behind %v", w.key, g, g.Rate, w.bp, w.behind)
		}
	}
}
