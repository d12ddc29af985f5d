package audittrail

import (
	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// AsOf returns the selection of Filter.AsOfDate as a filter of events for
// building another read model "as of" day (projections.RebuildConfig.Keep,
// e.g. point-in-time balances): business dates up to day, as corrected
// since. It keeps
//
//   - an event that is not a correction when its own business date is on
//     or before day and everything it builds on was kept: its pairing(s),
//     and the entity it extends or hangs under (a receipt's disbursement,
//     a disbursement's commitment, a commitment's project, a progress
//     report's project, an end's secondment) — so a disbursement dated
//     before day of a commitment dated after it is left out with its
//     commitment;
//   - a correction (a reversal or an adjustment) when its original was
//     kept, whatever the correction's own date;
//   - annual targets, which carry no date, when their pairing was kept;
//   - events that belong to no pairing (a published summary) when dated
//     on or before day.
//
// The filter has state (the entities kept so far): it must see every
// event once, in position order, and serves one build only.
func AsOf(day events.Date) func(*projections.Event) bool {
	kept := map[string]bool{}
	return func(ev *projections.Event) bool {
		f := flatten(ev.Data)
		keep := asOfKeeps(ev.Data, &f, day, kept)
		if keep && f.relation == "" && f.entityID != "" {
			kept[f.entityID] = true
		}
		return keep
	}
}

// asOfKeeps applies AsOf's rules to one event with facts f.
func asOfKeeps(e events.Event, f *facts, day events.Date, kept map[string]bool) bool {
	if _, est := e.(events.PairingEstablished); !est {
		for _, p := range f.pairingIDs {
			if !kept[p] {
				return false
			}
		}
	}
	switch {
	case f.relation == RelationReversal || f.relation == RelationAdjustment:
		return kept[f.originalID]
	case f.businessDate.IsZero():
		return len(f.pairingIDs) > 0 // annual targets
	case f.businessDate.After(day):
		return false
	}
	return (f.originalID == "" || kept[f.originalID]) && (f.parentID == "" || kept[f.parentID])
}
