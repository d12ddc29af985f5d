package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
	"github.com/aidledger/aidledger/services/report"
)

// contribution is one row of the contributions table: the signed effect of
// the event being folded on one base figure of one pairing.
type contribution struct {
	pairingID string
	figure    string
	// attributed is the business date that decides the fiscal year; when
	// it is zero the row counts in year (a budget or plan year) and no
	// cut-off excludes it.
	attributed events.Date
	year       int
	own        events.Date // the event's own business date
	amount     int64       // signed fen, or ±1 for counts
	documentNo string
	flag       report.FootnoteKind // "" when the row needs no footnote
	detail     string
}

// contributionColumns are the columns emit writes, in order.
var contributionColumns = []string{
	"position", "ordinal", "event_id", "type", "recorded_at", "donor_code", "pairing_id", "figure",
	"year", "attributed_on", "own_date", "amount", "document_no", "flag", "flag_detail",
}

func newContributionRows() *pgcopy.Rows { return newRows("contributions", contributionColumns...) }

// emit adds c as the next row of the event being folded. A zero amount
// contributes nothing and is not stored. The pairing must be known (its
// donor code goes on the row).
func (b *batchState) emit(c contribution) error {
	if c.amount == 0 {
		return nil
	}
	p, err := lookup(b.pairings, "pairing", c.pairingID)
	if err != nil {
		return err
	}
	year := c.year
	if !c.attributed.IsZero() {
		year = c.attributed.Year()
	}
	if year < 1 || year > 9999 {
		return fmt.Errorf("%w: %s counted in year %d", ErrInconsistent, c.figure, year)
	}
	ev, w := b.cur, b.contributions
	w.Row()
	w.Int8(ev.Position)
	w.Int4(int32(b.ordinal))
	w.Text(ev.ID)
	w.Text(ev.Type)
	w.Timestamptz(ev.RecordedAt)
	w.Text(p.donorCode)
	w.Text(c.pairingID)
	w.Text(c.figure)
	w.Int4(int32(year))
	w.EventDateOrNull(c.attributed)
	w.EventDateOrNull(c.own)
	w.Int8(c.amount)
	w.Text(c.documentNo)
	if c.flag == "" {
		w.Null()
		w.Null()
	} else {
		w.Text(string(c.flag))
		w.Text(c.detail)
	}
	b.ordinal++
	return nil
}
