package yearend

import (
	"fmt"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
)

// contribution is what a fold step says of one row of the contributions
// table: the signed effect of the event being folded on one base figure of
// one pairing. emit completes it into a row.
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
	flag       FootnoteKind // "" when the row needs no footnote
	detail     string
}

// contributionColumns are the columns of a row in the contributions table,
// in the order encodeRows writes them.
var contributionColumns = []string{
	"position", "ordinal", "event_id", "type", "recorded_at", "donor_code", "pairing_id", "figure",
	"year", "attributed_on", "own_date", "amount", "document_no", "flag", "flag_detail",
}

// emit adds c as the next row of the event being folded. A zero amount
// contributes nothing and is not stored. The pairing must be known (its
// donor code goes on the row). Free text is stored as Postgres stores it
// (each NUL as U+FFFD), so that a report computed from the rows in memory
// equals one computed from the table.
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
	ev := b.cur
	r := row{position: ev.Position, ordinal: b.ordinal, eventID: text(ev.ID), typ: text(ev.Type),
		recordedAt: ev.RecordedAt, donorCode: text(p.donorCode), pairingID: text(c.pairingID), figure: c.figure,
		year: year, attributed: c.attributed, own: c.own, amount: c.amount, documentNo: text(c.documentNo),
		flag: c.flag, detail: text(c.detail)}
	if b.contributions != nil {
		encodeRow(b.contributions, &r)
	} else {
		b.rows = append(b.rows, r)
	}
	b.ordinal++
	return nil
}

// text is s as a Postgres text column holds it: each NUL as U+FFFD (see
// pgcopy.Rows.ReplaceNUL).
func text(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

func newContributionRows() *pgcopy.Rows { return newRows("contributions", contributionColumns...) }

// encodeRow adds r to w, a COPY into the contributions table.
func encodeRow(w *pgcopy.Rows, r *row) {
	w.Row()
	w.Int8(r.position)
	w.Int4(int32(r.ordinal))
	w.Text(r.eventID)
	w.Text(r.typ)
	w.Timestamptz(r.recordedAt)
	w.Text(r.donorCode)
	w.Text(r.pairingID)
	w.Text(r.figure)
	w.Int4(int32(r.year))
	w.EventDateOrNull(r.attributed)
	w.EventDateOrNull(r.own)
	w.Int8(r.amount)
	w.Text(r.documentNo)
	if r.flag == "" {
		w.Null()
		w.Null()
	} else {
		w.Text(string(r.flag))
		w.Text(r.detail)
	}
}
