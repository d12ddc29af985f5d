package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// staffCounter is the pairing_years counter of a staff category.
func staffCounter(category string) (counter, error) {
	switch events.StaffCategory(category) {
	case events.StaffCadre:
		return cStaffCadre, nil
	case events.StaffTeacher:
		return cStaffTeacher, nil
	case events.StaffDoctor:
		return cStaffDoctor, nil
	case events.StaffAgronomist:
		return cStaffAgronomist, nil
	case events.StaffTechnician:
		return cStaffTechnician, nil
	}
	return 0, fmt.Errorf("%w: unknown staff category %q", ErrInconsistent, category)
}

// countDays adds sign × the secondment's person-days to the years they
// fall in (none for a person received from the partner side).
func (b *batchState) countDays(s *secondment, sign int64) {
	if s.inbound {
		return
	}
	splitDays(s.startDate, s.countedUntil(), func(year int, days int64) {
		b.add(s.pairingID, year, cStaffPersonDays, sign*days)
	})
}

// personCounter is the counter of a secondment's person: staff_inbound for
// one received from the partner side, their category's otherwise.
func personCounter(s *secondment) (counter, error) {
	if s.inbound {
		return cStaffInbound, nil
	}
	return staffCounter(s.category)
}

// secondmentStarted counts a person in the start year under their category
// (or as received from the partner side), and their provisional
// person-days (see countedUntil).
func (b *batchState) secondmentStarted(e events.SecondmentStarted) error {
	if e.StartDate.IsZero() || (!e.PlannedEndDate.IsZero() && e.PlannedEndDate.Before(e.StartDate)) {
		return fmt.Errorf("%w: secondment %s has no start date or ends before it starts", ErrInconsistent, e.SecondmentID)
	}
	s := &secondment{rowState: rowState{fresh: true}, id: e.SecondmentID, pairingID: e.PairingID, category: string(e.Category),
		inbound: e.Direction == events.SecondedInbound, startDate: e.StartDate.Time(), plannedEndDate: e.PlannedEndDate.Time()}
	c, err := personCounter(s)
	if err != nil {
		return err
	}
	if err := create(b.secondments, "secondment", e.SecondmentID, s); err != nil {
		return err
	}
	b.add(s.pairingID, e.StartDate.Year(), c, 1)
	b.countDays(s, 1)
	return nil
}

// secondmentEnded re-counts the person-days up to the recorded end.
func (b *batchState) secondmentEnded(e events.SecondmentEnded) error {
	s, err := lookup(b.secondments, "secondment", e.SecondmentID)
	if err != nil {
		return err
	}
	switch {
	case s.reversed:
		return fmt.Errorf("%w: secondment %s ended after it was reversed", ErrInconsistent, s.id)
	case !s.endDate.IsZero():
		return fmt.Errorf("%w: secondment %s ended twice", ErrInconsistent, s.id)
	case e.EndDate.IsZero() || e.EndDate.Time().Before(s.startDate):
		return fmt.Errorf("%w: secondment %s ends before it starts", ErrInconsistent, s.id)
	}
	b.countDays(s, -1)
	s.endDate = e.EndDate.Time()
	b.countDays(s, 1)
	s.touch()
	return nil
}

// secondmentReversed takes the person out of the start year's count (an
// entry error counts in the original's year) and removes their person-days.
func (b *batchState) secondmentReversed(e events.SecondmentReversed) error {
	s, err := lookup(b.secondments, "secondment", e.OriginalID)
	if err != nil {
		return err
	}
	if s.reversed {
		return fmt.Errorf("%w: secondment %s reversed twice", ErrInconsistent, s.id)
	}
	c, err := personCounter(s)
	if err != nil {
		return err
	}
	y, err := reversalYear(e.Reason, e.BusinessDate, events.DateOf(s.startDate.Date()))
	if err != nil {
		return err
	}
	b.add(s.pairingID, y, c, -1)
	b.countDays(s, -1)
	s.reversed = true
	s.touch()
	return nil
}
