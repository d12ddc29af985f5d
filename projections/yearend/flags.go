package yearend

import (
	"fmt"
	"time"

	"github.com/aidledger/aidledger/events"
)

// The Detail of each footnote kind (Footnote.Detail) is a plain,
// language-neutral string that the renderers print or parse:
//
//   - over_commitment: "<justification> / <approved by>"; Date is the
//     disbursement's business date.
//   - cross_year_reversal: "<reason> <original's business date>", e.g.
//     "entry_error 2024-12-20" (the reason says where it counts: entry_error
//     in the original's year, funds_returned in its own); Date is the
//     reversal's own business date.
//   - late_entry: the day the event was recorded, in China time
//     ("2025-12-03"); Date is the business date it is attributed to.
//   - partner_mismatch: the supplier's county code; Date is the purchase's
//     completed date.
//   - in_kind_valuation: the valuation basis; Date is the donation's date.
//
// AmountFen is the signed amount the event contributes to its figure
// (counts carry ±1).

// overCommitmentDetail is the Detail of an over-commitment footnote.
func overCommitmentDetail(o *events.OverCommitment) string {
	return o.Justification + " / " + o.ApprovedBy
}

// crossYearDetail is the Detail of a cross-year reversal footnote.
func crossYearDetail(reason events.ReversalReason, original events.Date) string {
	return string(reason) + " " + original.String()
}

// lateEntryDetail is the Detail of a late-entry footnote: the day of
// recordedAt in China time.
func lateEntryDetail(recordedAt time.Time) string { return events.Today(recordedAt).String() }

// reversalDate is the business date a reversal is attributed to (see
// events.ReversalReason.AttributedDate); a reversal without it is
// inconsistent.
func reversalDate(reason events.ReversalReason, own, original events.Date) (events.Date, error) {
	d, err := reason.AttributedDate(own, original)
	if err != nil {
		return d, fmt.Errorf("%w: %w", ErrInconsistent, err)
	}
	return d, nil
}

// crossYear reports whether a reversal dated own undoes an original dated
// in another fiscal year (so it moves money between years).
func crossYear(own, original events.Date) bool {
	return !own.IsZero() && !original.IsZero() && own.Year() != original.Year()
}
