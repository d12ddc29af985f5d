package report

import "github.com/aidledger/aidledger/projections/yearend"

// noteDocs finds the document number a footnote cites: the first of its
// event's line items (in report order) that has one, or "" when none has.
//
// A computed report holds no index for this. Its line items are in ledger
// order, an event's together, and its footnotes of each kind are in
// ledger order too, so the lookups of a notes sheet, which follows the
// footnotes, walk the line items forward from where the last one stopped
// and start again from the top about once per kind. A report of 500,000
// late entries would otherwise hold a map of them while its notes sheet is
// written. A note about an event with no line item (a reversal counted in
// another year) costs a whole walk. When the walks add up to noteDocWalks
// over every line item (lookups in another order, many such notes), or
// the line items are out of position order, a map of every noted event's
// document number is built once and used instead. The walk relies on an
// event having one position, as every event of the log has: line items in
// position order then hold each event's together.
type noteDocs struct {
	r       *yearend.Report
	next    int // the line item the next walk starts from
	budget  int // line items still to be walked before the map is built
	byEvent map[string]string
}

// noteDocWalks is how many walks over all of a report's line items the
// lookups may take, together, before noteDocs builds its map instead:
// rendering the notes takes about one a footnote kind each time it goes
// through them, and one more for each note about an event without items.
const noteDocWalks = 16

func newNoteDocs(r *yearend.Report) *noteDocs {
	d := &noteDocs{r: r, budget: noteDocWalks * r.LineItems.Len()}
	if !inLedgerOrder(r.LineItems) {
		d.buildMap()
	}
	return d
}

// of is the document number footnote f cites.
func (d *noteDocs) of(f *yearend.Footnote) string {
	if d.byEvent != nil {
		return d.byEvent[f.EventID]
	}
	items := d.r.LineItems
	n := items.Len()
	for walked := range n {
		if d.budget--; d.budget < 0 {
			d.buildMap()
			return d.byEvent[f.EventID]
		}
		i := (d.next + walked) % n
		if items.At(i).EventID == f.EventID {
			d.next = i // the first of the event's items: they are together, and the walk came from before them
			return firstDocument(items, i)
		}
	}
	return ""
}

// firstDocument is the first document number among the line items of the
// event whose items start at i.
func firstDocument(items yearend.LineItems, i int) string {
	id := items.At(i).EventID
	for ; i < items.Len() && items.At(i).EventID == id; i++ {
		if doc := items.At(i).DocumentNo; doc != "" {
			return doc
		}
	}
	return ""
}

// buildMap makes byEvent: each noted event's first document number.
func (d *noteDocs) buildMap() {
	d.byEvent = make(map[string]string, len(d.r.Footnotes))
	for _, f := range d.r.Footnotes {
		d.byEvent[f.EventID] = ""
	}
	for _, li := range d.r.LineItems.All() {
		if li.DocumentNo != "" {
			if doc, noted := d.byEvent[li.EventID]; noted && doc == "" {
				d.byEvent[li.EventID] = li.DocumentNo
			}
		}
	}
}

// inLedgerOrder reports whether items are as a computed report has them:
// positions never decreasing, each position one event's. An event having
// one position, its items are then together.
func inLedgerOrder(items yearend.LineItems) bool {
	var prev *yearend.LineItem
	for _, li := range items.All() {
		if prev != nil && (li.Position < prev.Position || li.Position == prev.Position && li.EventID != prev.EventID) {
			return false
		}
		prev = li
	}
	return true
}
