package yearend

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aidledger/aidledger/events"
)

// footnoteOrderList is the order in which a report lists footnote kinds.
var footnoteOrderList = [...]FootnoteKind{FootOverCommitment, FootCrossYear, FootLateEntry, FootPartnerMismatch,
	FootInKindValuation}

// footnoteOrder is each kind's index in footnoteOrderList (a kind this
// build does not know: 0).
var footnoteOrder = func() map[FootnoteKind]int {
	m := map[FootnoteKind]int{}
	for i, k := range footnoteOrderList {
		m[k] = i
	}
	return m
}()

// footnote is a report footnote with the row it came from, for sorting.
type footnote struct {
	Footnote
	position int64
	ordinal  int
}

// byRow orders footnotes of a kind: in ledger order, then by pairing.
func byRow(a, b footnote) int {
	return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.ordinal, b.ordinal), strings.Compare(a.PairingID, b.PairingID))
}

// footnotes collects a report's footnotes from its rows.
type footnotes struct {
	// The footnotes of each kind, by footnoteOrder, in the order noted.
	kinds [len(footnoteOrderList)]chunkedList[footnote]
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
	f.kinds[footnoteOrder[kind]].add(footnote{Footnote: Footnote{Kind: kind, PairingID: r.pairingID, EventID: r.eventID,
		AmountFen: r.amount, Figure: r.figure, Date: date, Detail: detail}, position: r.position, ordinal: r.ordinal})
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
// order (byRow), never nil, and empties f. A kind noted in that order
// already — counted rows come in ledger order, and all of a late history's
// notes are late entries — is copied out chunk by chunk, never held twice
// whole; only a kind noted out of order (a cross-year reversal counted, and
// another moved out of the year) is sorted.
func (f *footnotes) sorted() []Footnote {
	n := 0
	for i := range f.kinds {
		n += f.kinds[i].n
	}
	out := make([]Footnote, 0, n)
	for i := range f.kinds {
		l := &f.kinds[i]
		if inRowOrder(l) {
			for j, c := range l.chunks {
				for k := range c {
					out = append(out, c[k].Footnote)
				}
				l.chunks[j] = nil // copied: the collector may take it
			}
			*l = chunkedList[footnote]{}
			continue
		}
		list := l.all()
		slices.SortFunc(list, byRow)
		for k := range list {
			out = append(out, list[k].Footnote)
		}
	}
	return out
}

// inRowOrder reports whether l's footnotes are in byRow order.
func inRowOrder(l *chunkedList[footnote]) bool {
	var prev *footnote
	for _, c := range l.chunks {
		for k := range c {
			if prev != nil && byRow(*prev, c[k]) > 0 {
				return false
			}
			prev = &c[k]
		}
	}
	return true
}
