package report

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/aidledger/aidledger/projections/yearend"
)

// TestNoteDocs: the document number each footnote cites is its event's
// first line item's that has one, whatever the order of the lookups and
// of the line items; lookups in the footnotes' order over line items in
// ledger order build no map.
func TestNoteDocs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 15))
	for round := range 200 {
		computed := round%2 == 0 // every noted event has line items, as in most computed reports
		items, notes := noteDocsReport(rng, computed)
		r := &yearend.Report{LineItems: yearend.LineItemsOf(items...), Footnotes: notes}
		want := func(f *yearend.Footnote) string {
			for _, li := range items {
				if li.EventID == f.EventID && li.DocumentNo != "" {
					return li.DocumentNo
				}
			}
			return ""
		}
		check := func(name string, d *noteDocs, order []int) {
			t.Helper()
			for _, k := range order {
				if got := d.of(&notes[k]); got != want(&notes[k]) {
					t.Fatalf("round %d, %s: footnote %d (event %s) cites %q, want %q", round, name, k, notes[k].EventID, got, want(&notes[k]))
				}
			}
		}
		inOrder := make([]int, 0, 2*len(notes))
		for k := range notes {
			inOrder = append(inOrder, k, k) // a notes row renders each note twice: in both languages
		}
		d := newNoteDocs(r)
		check("in order", d, inOrder)
		check("in order again", d, inOrder) // the text notes after the sheet's
		if computed && d.byEvent != nil {
			t.Fatalf("round %d: lookups in the footnotes' order built a map", round)
		}
		shuffled := rng.Perm(len(notes))
		check("shuffled", newNoteDocs(r), shuffled)

		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		r.LineItems = yearend.LineItemsOf(items...)
		check("line items out of order", newNoteDocs(r), inOrder)
	}
}

// noteDocsReport makes the line items of up to 300 events in ledger
// order, each event with one to three of them, some of them without a
// document number, and footnotes of three kinds, each kind in ledger
// order; unless computed, some about events without line items.
func noteDocsReport(rng *rand.Rand, computed bool) ([]yearend.LineItem, []yearend.Footnote) {
	var items []yearend.LineItem
	var events []string
	n := int64(1 + rng.IntN(300))
	for pos := int64(1); pos <= n; pos++ {
		id := "e" + strconv.FormatInt(pos, 10)
		events = append(events, id)
		if !computed && rng.IntN(10) == 0 {
			continue // noted, but no line item
		}
		for k := range 1 + rng.IntN(3) {
			doc := ""
			if rng.IntN(3) > 0 {
				doc = "PZ-" + strconv.FormatInt(pos, 10) + "-" + strconv.Itoa(k)
			}
			items = append(items, yearend.LineItem{EventID: id, Position: pos, DocumentNo: doc})
		}
	}
	var notes []yearend.Footnote
	for _, kind := range []yearend.FootnoteKind{yearend.FootOverCommitment, yearend.FootLateEntry, yearend.FootPartnerMismatch} {
		for _, id := range events {
			for range rng.IntN(5) / 2 { // most events once or twice (two pairings), some not
				notes = append(notes, yearend.Footnote{Kind: kind, EventID: id})
			}
		}
	}
	return items, notes
}
