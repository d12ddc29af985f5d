package yearend

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// DonorStyle is how a donor's summary is written by default
// (ReportStyleSet): the paragraph's style and its lead-in sentence. A
// request that names a style or a lead-in of its own overrides it.
type DonorStyle struct {
	Paragraph string `json:"paragraph,omitempty"`
	Lead      string `json:"lead,omitempty"`
}

// styleRow is a donor's style as set at a position.
type styleRow struct {
	position  int64
	donorCode string
	style     DonorStyle
}

// reportStyleSet keeps the donor's style as set at the event's position.
func (b *batchState) reportStyleSet(e events.ReportStyleSet) error {
	b.styles = append(b.styles, styleRow{position: b.cur.Position, donorCode: text(e.DonorCode),
		style: DonorStyle{Paragraph: text(e.Paragraph), Lead: text(e.Lead)}})
	return nil
}

// writeStyles copies the style rows of the batch.
func (b *batchState) writeStyles(ctx context.Context, tx pgx.Tx) error {
	w := newRows("report_styles", "position", "donor_code", "paragraph", "lead")
	for _, s := range b.styles {
		w.Row()
		w.Int8(s.position)
		w.Text(s.donorCode)
		w.Text(s.style.Paragraph)
		w.Text(s.style.Lead)
	}
	return send(ctx, tx, w)
}

// readStyle is the donor's style as set at or before pos (zero: none).
func readStyle(ctx context.Context, q projections.Querier, donorCode string, pos int64) (DonorStyle, error) {
	var s DonorStyle
	err := q.QueryRow(ctx, `SELECT paragraph, lead FROM `+Schema+`.report_styles WHERE donor_code = $1 AND position <= $2
		ORDER BY position DESC LIMIT 1`, donorCode, pos).Scan(&s.Paragraph, &s.Lead)
	if errors.Is(err, pgx.ErrNoRows) {
		return DonorStyle{}, nil
	}
	if err != nil {
		return DonorStyle{}, fmt.Errorf("yearend: report style of %s: %w", donorCode, err)
	}
	return s, nil
}
