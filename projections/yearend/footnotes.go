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
	position int64
	ordinal  int
}

// footnotes collects a report's footnotes from its rows.
type footnotes struct {
	list []footnote
	late map[lateKey]struct{}
}

// lateKey is one event's contributions to one pairing: a late entry is
// noted once for them, not once per figure.
type lateKey struct {
	position  int64
	pairingID string
}

// add notes the flag a row carries (see flags.go for Date and Detail).
func (f *footnotes) add(r *row) {
	if r.flag == "" {
		return
	}
	f.list = append(f.list, footnote{Footnote: Footnote{Kind: r.flag, PairingID: r.pairingID, EventID: r.eventID,
		AmountFen: r.amount, Figure: r.figure, Date: r.own, Detail: r.detail}, position: r.position, ordinal: r.ordinal})
}

// counted notes what a counted row needs: its flag, and a late entry when
// it was recorded (China time) after the cut-off day though attributed on
// or before it. Rows counted by a budget or plan year have no cut-off and
// are never late; nor are the rows that restate a project's or a
// secondment's state (see restates): a report's own as-of date decides
// which cut-offs use it, and a secondment's start is noted itself.
func (f *footnotes) counted(r *row, cutoff events.Date) {
	f.add(r)
	if r.attributed.IsZero() || restates(r.figure) || !events.Today(r.recordedAt).After(cutoff) {
		return
	}
	k := lateKey{r.position, r.pairingID}
	if _, seen := f.late[k]; seen {
		return
	}
	if f.late == nil {
		f.late = map[lateKey]struct{}{}
	}
	f.late[k] = struct{}{}
	f.list = append(f.list, footnote{Footnote: Footnote{Kind: FootLateEntry, PairingID: r.pairingID,
		EventID: r.eventID, AmountFen: r.amount, Figure: r.figure, Date: r.attributed, Detail: lateEntryDetail(r.recordedAt)},
		position: r.position, ordinal: r.ordinal})
}

// sorted returns the footnotes by kind (footnoteOrder), then in ledger
// order (never nil).
func (f *footnotes) sorted() []Footnote {
	slices.SortFunc(f.list, func(a, b footnote) int {
		return cmp.Or(cmp.Compare(footnoteOrder[a.Kind], footnoteOrder[b.Kind]), cmp.Compare(a.position, b.position),
			cmp.Compare(a.ordinal, b.ordinal), strings.Compare(a.PairingID, b.PairingID))
	})
	out := make([]Footnote, len(f.list))
	for i := range f.list {
		out[i] = f.list[i].Footnote
	}
	return out
}
