package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// projectRegistered counts a project and its planned total in its plan year.
func (b *batchState) projectRegistered(e events.AidProjectRegistered) error {
	p := &project{rowState: rowState{fresh: true}, id: e.ProjectID, pairingID: e.PairingID, name: e.Name, sector: e.Sector,
		deliveryMode: string(e.DeliveryMode), plannedTotalFen: e.PlannedTotalFen, planYear: e.PlanYear,
		businessDate: e.BusinessDate.Time(), tier: string(e.Tier)}
	if err := create(b.projects, "project", e.ProjectID, p); err != nil {
		return err
	}
	b.add(p.pairingID, p.planYear, cProjectsRegistered, 1)
	b.add(p.pairingID, p.planYear, cProjectsPlannedFen, e.PlannedTotalFen)
	return nil
}

// progressReported makes the report the project's latest and moves the
// plan year's completed count and completed investment by the difference.
func (b *batchState) progressReported(e events.ProjectProgressReported) error {
	p, err := lookup(b.projects, "project", e.ProjectID)
	if err != nil {
		return err
	}
	if e.AsOf.IsZero() || e.AsOf.Time().Before(p.asOf) || !e.Status.Valid() {
		return fmt.Errorf("%w: progress of project %s as of %s (%q) after a report as of %s", ErrInconsistent,
			p.id, e.AsOf, e.Status, p.asOf.Format("2006-01-02"))
	}
	was := events.ProjectStatus(p.status).Done()
	b.add(p.pairingID, p.planYear, cProjectsCompleted, b2i(e.Status.Done())-b2i(was))
	b.add(p.pairingID, p.planYear, cProjectsCompletedInvestmentFen, e.CompletedInvestmentFen-p.completedInvestmentFen)
	p.status, p.asOf, p.completedInvestmentFen = string(e.Status), e.AsOf.Time(), e.CompletedInvestmentFen
	p.started, p.completed = events.ProjectDates(p.started, p.completed, e)
	p.touch()
	return nil
}

// yearPlanned sets (at 0, withdraws) the project's plan for a year.
func (b *batchState) yearPlanned(e events.ProjectYearPlanned) error {
	p, err := lookup(b.projects, "project", e.ProjectID)
	if err != nil {
		return err
	}
	p.yearPlans = e.Apply(p.yearPlans)
	p.touch()
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
