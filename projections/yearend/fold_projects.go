package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// projectRegistered counts the project and its planned total in its plan
// year.
func (b *batchState) projectRegistered(e events.AidProjectRegistered) error {
	if e.PlanYear < 1 || e.PlanYear > 9999 {
		return fmt.Errorf("%w: project %s for plan year %d", ErrInconsistent, e.ProjectID, e.PlanYear)
	}
	p := &project{rowState: rowState{fresh: true}, id: e.ProjectID, pairingID: e.PairingID, planYear: e.PlanYear}
	if err := create(b.projects, "project", e.ProjectID, p); err != nil {
		return err
	}
	if err := b.emit(contribution{pairingID: p.pairingID, figure: FigProjectsRegistered, year: p.planYear,
		own: e.BusinessDate, amount: 1}); err != nil {
		return err
	}
	return b.emit(contribution{pairingID: p.pairingID, figure: FigPlannedInvestmentFen, year: p.planYear,
		own: e.BusinessDate, amount: e.PlannedTotalFen})
}

// progressReported makes the report the project's latest and contributes
// the change from the previous one, in the plan year: ±1 to the completed
// projects when it becomes (or stops being) completed or accepted, and the
// difference of completed investment. The rows of a project up to any
// position thus sum to its latest report as of that position.
func (b *batchState) progressReported(e events.ProjectProgressReported) error {
	p, err := lookup(b.projects, "project", e.ProjectID)
	if err != nil {
		return err
	}
	if e.AsOf.IsZero() || e.AsOf.Before(p.asOf) || !e.Status.Valid() {
		return fmt.Errorf("%w: progress of project %s as of %s (%q) after a report as of %s", ErrInconsistent,
			p.id, e.AsOf, e.Status, p.asOf)
	}
	done := e.Status.Done()
	var completed int64
	switch {
	case done && !p.done:
		completed = 1
	case !done && p.done:
		completed = -1
	}
	delta := e.CompletedInvestmentFen - p.investmentFen
	p.done, p.asOf, p.investmentFen = done, e.AsOf, e.CompletedInvestmentFen
	p.touch()
	if err := b.emit(contribution{pairingID: p.pairingID, figure: FigProjectsCompleted, year: p.planYear,
		own: e.AsOf, amount: completed}); err != nil {
		return err
	}
	return b.emit(contribution{pairingID: p.pairingID, figure: FigCompletedInvestmentFen, year: p.planYear,
		own: e.AsOf, amount: delta})
}
