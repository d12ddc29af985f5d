package audittrail

import (
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// AsOf keeps what Query's AsOfDate selects, save the annual targets it
// keeps and what builds on something left out (which it leaves out too),
// on the scenario and on random histories, for days across them.
func TestAsOfMatchesTheAuditTrail(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	for name, evs := range map[string][]projections.Event{"scenario": pointInTimeEvents(), "random": generate(31, 1500, nil)} {
		if _, err := pool.Exec(t.Context(), "DROP SCHEMA IF EXISTS "+SchemaName+" CASCADE"); err != nil {
			t.Fatal(err)
		}
		createSchema(t, pool, SchemaName)
		applyAll(t, pool, SchemaName, evs, 300)
		byPos := map[int64]projections.Event{}
		for _, ev := range evs {
			byPos[ev.Position] = ev
		}
		compared := 0
		for _, d := range []string{"2023-06-30", "2024-12-31", "2025-01-31", "2025-04-30", "2025-05-04", "2025-05-05", "2025-07-01", "2026-12-31"} {
			day := day(d)
			selected := map[int64]bool{}
			for _, e := range all(t, pool, Filter{AsOfDate: day}) {
				selected[e.Position] = true
			}
			keep := AsOf(day)
			kept := map[string]bool{} // entity ids, as AsOf keeps them
			for i := range evs {
				ev := &evs[i]
				f := flatten(ev.Data)
				got := keep(ev)
				if got && f.relation == "" && f.entityID != "" {
					kept[f.entityID] = true
				}
				_, targets := ev.Data.(events.AnnualTargetsSet)
				switch {
				case got && !selected[ev.Position] && !targets:
					t.Errorf("%s as of %s: position %d (%s) kept, not in the audit trail's selection", name, d, ev.Position, ev.Type)
				case !got && selected[ev.Position] && !missingBase(f, kept):
					t.Errorf("%s as of %s: position %d (%s) in the audit trail's selection, left out with its base kept", name, d, ev.Position, ev.Type)
				}
				compared++
			}
		}
		t.Logf("%s: %d events × days compared", name, compared)
	}
}

// missingBase reports whether something an event with facts f builds on
// was left out.
func missingBase(f facts, kept map[string]bool) bool {
	for _, p := range f.pairingIDs {
		if p != f.entityID && !kept[p] {
			return true
		}
	}
	return (f.originalID != "" && !kept[f.originalID]) || (f.parentID != "" && !kept[f.parentID])
}
