package yearend

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aidledger/aidledger/events"
)

// footnoteOrder is the order in which a report lists footnote kinds.
var footnoteOrder = map[FootnoteKind]int{
	FootOverCommitment:  0,
	FootCrossYear:       1,
	FootLateEntry:       2,
	FootPartnerMismatch: 3,
	FootInKindValuation: 4,
}

// footnote is a report footnote with the row it came from, for sorting.
type footnote struct {
	Footnote
	order    int // footnoteOrder's, of Kind
	position int64
	ordinal  int
}

// footnotes collects a report's footnotes from its rows.
type footnotes struct {
	list chunkedList[footnote]
	// The pairings of the event at latePosition whose late entry is noted:
	// a late entry is noted once for an event's contributions to a pairing,
	// not once per figure, and counted rows come in ledger order
	// (rowSets.counted), an event's together.
	latePosition int64
	latePairings []string
	// The recording day of the last late entry noted, and its Detail.
	lateDay    events.Date
	lateDetail string
}

// note adds the footnote of kind about r, on date, with detail.
func (f *footnotes) note(r *row, kind FootnoteKind, date events.Date, detail string) {
	f.list.add(footnote{Footnote: Footnote{Kind: kind, PairingID: r.pairingID, EventID: r.eventID, AmountFen: r.amount,
		Figure: r.figure, Date: date, Detail: detail}, order: footnoteOrder[kind], position: r.position, ordinal: r.ordinal})
}

// add notes the flag a row carries (see flags.go for Date and Detail).
func (f *footnotes) add(r *row) {
	if r.flag != "" {
		f.note(r, r.flag, r.own, r.detail)
	}
}

// counted notes what a counted row needs: its flag, and a late entry when
// it was recorded (China time) after the cut-off day though attributed on
// or before it. Rows counted by a budget or plan year have no cut-off and
// are never late; nor are the rows that restate a project's or a
// secondment's state (see restates): a report's own as-of date decides
// which cut-offs use it, and a secondment's start is noted itself. Rows
// must come in ledger order.
func (f *footnotes) counted(r *row, cutoff events.Date) {
	f.add(r)
	if r.attributed.IsZero() || restates(r.figure) {
		return
	}
	day := events.Today(r.recordedAt)
	if !day.After(cutoff) {
		return
	}
	if r.position != f.latePosition {
		f.latePosition, f.latePairings = r.position, f.latePairings[:0]
	}
	if slices.Contains(f.latePairings, r.pairingID) {
		return
	}
	f.latePairings = append(f.latePairings, r.pairingID)
	if day != f.lateDay {
		f.lateDay, f.lateDetail = day, lateEntryDetail(r.recordedAt)
	}
	f.note(r, FootLateEntry, r.attributed, f.lateDetail)
}

// sorted returns the footnotes by kind (footnoteOrder), then in ledger
// order (never nil), and empties f.
func (f *footnotes) sorted() []Footnote {
	list := f.list.all()
	slices.SortFunc(list, func(a, b footnote) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.position, b.position), cmp.Compare(a.ordinal, b.ordinal),
			strings.Compare(a.PairingID, b.PairingID))
	})
	out := make([]Footnote, len(list))
	for i := range list {
		out[i] = list[i].Footnote
	}
	return out
}
