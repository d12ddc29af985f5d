package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// personFigure is the figure a secondment's person counts in: their
// category's, or staff_inbound for one received from the partner side.
func personFigure(s *secondment) (string, error) {
	if s.inbound {
		return FigStaffInbound, nil
	}
	return staffFigure(s.category)
}

// secondmentStarted counts one person under their category (or as received
// from the partner side) on the start date.
func (b *batchState) secondmentStarted(e events.SecondmentStarted) error {
	if e.StartDate.IsZero() {
		return fmt.Errorf("%w: secondment %s without a start date", ErrInconsistent, e.SecondmentID)
	}
	s := &secondment{rowState: rowState{fresh: true}, id: e.SecondmentID, pairingID: e.PairingID, category: e.Category,
		inbound: e.Direction == events.SecondedInbound, start: e.StartDate}
	fig, err := personFigure(s)
	if err != nil {
		return err
	}
	if err := create(b.secondments, "secondment", e.SecondmentID, s); err != nil {
		return err
	}
	if err := b.emit(contribution{pairingID: s.pairingID, figure: fig, attributed: s.start, own: s.start, amount: 1}); err != nil {
		return err
	}
	return b.emitService(s, 1, s.start)
}

// emitService contributes (sign +1) or takes back (−1) the rows by which
// an outbound secondment s counts in post in later years (see
// docs/domain.md §9.1): its end (staff_left) and, unless it ended before,
// its first anniversary (staff_anniversary) and an end after it
// (staff_left_after_year). own is the date of the event being folded.
func (b *batchState) emitService(s *secondment, sign int64, own events.Date) error {
	if s.inbound {
		return nil
	}
	a := s.anniversary()
	rows := []contribution{{figure: FigStaffLeft, attributed: s.end}}
	if s.end.IsZero() || !s.end.Before(a) {
		rows = append(rows, contribution{figure: FigStaffAnniversary, attributed: a},
			contribution{figure: FigStaffLeftAfterYear, attributed: s.end})
	}
	for _, c := range rows {
		if c.attributed.IsZero() {
			continue
		}
		c.pairingID, c.own, c.amount = s.pairingID, own, sign
		if err := b.emit(c); err != nil {
			return err
		}
	}
	return nil
}

// secondmentEnded records the end and replaces the rows it changes: the
// service rows of the secondment before its end are taken back and those
// after it added.
func (b *batchState) secondmentEnded(e events.SecondmentEnded) error {
	s, err := lookup(b.secondments, "secondment", e.SecondmentID)
	if err != nil {
		return err
	}
	if s.reversed || !s.end.IsZero() || e.EndDate.IsZero() || e.EndDate.Before(s.start) {
		return fmt.Errorf("%w: secondment %s (from %s, reversed %v, ended %s) ended on %s", ErrInconsistent,
			s.id, s.start, s.reversed, s.end, e.EndDate)
	}
	if err := b.emitService(s, -1, e.EndDate); err != nil {
		return err
	}
	s.end = e.EndDate
	s.touch()
	return b.emitService(s, 1, e.EndDate)
}

// secondmentReversed takes the person out of the count, in the start's
// year (secondments are only reversed as entry errors). Visits and
// secondments carry no money, so their reversals are never flagged as
// moving money between years.
func (b *batchState) secondmentReversed(e events.SecondmentReversed) error {
	s, err := lookup(b.secondments, "secondment", e.OriginalID)
	if err != nil {
		return err
	}
	if s.reversed {
		return fmt.Errorf("%w: secondment %s reversed twice", ErrInconsistent, s.id)
	}
	fig, err := personFigure(s)
	if err != nil {
		return err
	}
	on, err := reversalDate(e.Reason, e.BusinessDate, s.start)
	if err != nil {
		return err
	}
	s.reversed = true
	s.touch()
	if err := b.emit(contribution{pairingID: s.pairingID, figure: fig, attributed: on, own: e.BusinessDate, amount: -1,
		documentNo: e.DocNo}); err != nil {
		return err
	}
	return b.emitService(s, -1, e.BusinessDate)
}

// visitConducted counts the visit once per pairing it lists, on its start
// date.
func (b *batchState) visitConducted(e events.VisitConducted) error {
	if len(e.PairingIDList) == 0 || e.StartDate.IsZero() {
		return fmt.Errorf("%w: visit %s lists no pairing or has no start date", ErrInconsistent, e.VisitID)
	}
	for _, p := range e.PairingIDList {
		if err := b.emit(contribution{pairingID: p, figure: FigVisits, attributed: e.StartDate, own: e.StartDate,
			amount: 1}); err != nil {
			return err
		}
	}
	return nil
}

// visitReversed takes the visit out of each pairing it lists (the reversal
// carries them and the original's date).
func (b *batchState) visitReversed(e events.VisitReversed) error {
	if len(e.PairingIDList) == 0 {
		return fmt.Errorf("%w: reversal of visit %s lists no pairing", ErrInconsistent, e.OriginalID)
	}
	on, err := reversalDate(e.Reason, e.BusinessDate, e.OriginalDate)
	if err != nil {
		return err
	}
	for _, p := range e.PairingIDList {
		if err := b.emit(contribution{pairingID: p, figure: FigVisits, attributed: on, own: e.BusinessDate, amount: -1,
			documentNo: e.DocNo}); err != nil {
			return err
		}
	}
	return nil
}
