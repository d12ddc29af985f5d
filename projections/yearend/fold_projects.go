package yearend

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

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
// the change from the previous one. In the plan year: ±1 to the completed
// projects when it becomes (or stops being) completed or accepted, and the
// difference of completed investment. The rows of a project up to any
// position thus sum to its latest report as of that position. By calendar
// year: the difference of completed investment on the report's as-of
// date, and the change of the project's start and completion dates (see
// yearRows).
func (b *batchState) progressReported(e events.ProjectProgressReported) error {
	p, err := lookup(b.projects, "project", e.ProjectID)
	if err != nil {
		return err
	}
	if e.AsOf.IsZero() || e.AsOf.Before(p.asOf) || !e.Status.Valid() {
		return fmt.Errorf("%w: progress of project %s as of %s (%q) after a report as of %s", ErrInconsistent,
			p.id, e.AsOf, e.Status, p.asOf)
	}
	started, completed := events.ProjectDates(p.started, p.completed, e)
	if !completed.IsZero() && completed.Before(started) {
		return fmt.Errorf("%w: project %s completed on %s, before its start on %s", ErrInconsistent, p.id, completed, started)
	}
	done := e.Status.Done()
	var completedCount int64
	switch {
	case done && !p.done:
		completedCount = 1
	case !done && p.done:
		completedCount = -1
	}
	delta := e.CompletedInvestmentFen - p.investmentFen
	before := p.yearRows()
	p.done, p.asOf, p.investmentFen = done, e.AsOf, e.CompletedInvestmentFen
	p.started, p.completed = started, completed
	p.touch()
	for _, c := range []contribution{
		{figure: FigProjectsCompleted, year: p.planYear, amount: completedCount},
		{figure: FigCompletedInvestmentFen, year: p.planYear, amount: delta},
		{figure: FigYearInvestedFen, attributed: e.AsOf, amount: delta},
	} {
		c.pairingID, c.own = p.pairingID, e.AsOf
		if err := b.emit(c); err != nil {
			return err
		}
	}
	return b.emitYearRows(p, before, e.AsOf)
}

// yearPlanned sets (or, at 0, withdraws) the project's plan for a year and
// contributes the change (see yearRows).
func (b *batchState) yearPlanned(e events.ProjectYearPlanned) error {
	p, err := lookup(b.projects, "project", e.ProjectID)
	if err != nil {
		return err
	}
	if e.Year < 1 || e.Year > 9999 || e.PlannedFen < 0 {
		return fmt.Errorf("%w: plan of project %s for year %d: %d fen", ErrInconsistent, p.id, e.Year, e.PlannedFen)
	}
	before := p.yearRows()
	p.plans = e.Apply(p.plans)
	p.touch()
	return b.emitYearRows(p, before, e.BusinessDate)
}

// yearRow is what a project contributes to one figure of one calendar
// year as things stand: the amount, and the date it counts on (zero: no
// cut-off applies).
type yearRow struct {
	attributed events.Date
	amount     int64
}

// yearKey names a figure of a calendar year.
type yearKey struct {
	figure string
	year   int
}

// yearRows is what project p contributes to the figures of calendar years
// given its current dates and plans: 1 to projects_started in the year it
// started, on that day, and to projects_finished likewise; for each year
// with a plan, the planned investment and 1 planned project (no cut-off),
// and 1 to the planned projects started, on its start day or 1 January
// of the plan year when it started before.
func (p *project) yearRows() map[yearKey]yearRow {
	rows := map[yearKey]yearRow{}
	if !p.started.IsZero() {
		rows[yearKey{FigProjectsStarted, p.started.Year()}] = yearRow{p.started, 1}
	}
	if !p.completed.IsZero() {
		rows[yearKey{FigProjectsFinished, p.completed.Year()}] = yearRow{p.completed, 1}
	}
	for y, fen := range p.plans {
		rows[yearKey{FigYearPlannedFen, y}] = yearRow{amount: fen}
		rows[yearKey{FigYearPlannedProjects, y}] = yearRow{amount: 1}
		if !p.started.IsZero() && p.started.Year() <= y {
			on := p.started
			if on.Year() < y {
				on = events.DateOf(y, time.January, 1)
			}
			rows[yearKey{FigYearPlannedStarted, y}] = yearRow{on, 1}
		}
	}
	return rows
}

// emitYearRows contributes the change of p's year rows from before: what
// no longer holds is taken back on the date it counted on, what now holds
// is added, in the order of figures and years (own is the event's date).
func (b *batchState) emitYearRows(p *project, before map[yearKey]yearRow, own events.Date) error {
	after := p.yearRows()
	keys := slices.Collect(maps.Keys(before))
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b yearKey) int {
		return cmp.Or(cmp.Compare(baseIndex[a.figure], baseIndex[b.figure]), cmp.Compare(a.year, b.year))
	})
	for _, k := range keys {
		old, now := before[k], after[k]
		if old == now {
			continue
		}
		for _, r := range []yearRow{{old.attributed, -old.amount}, now} {
			if err := b.emit(contribution{pairingID: p.pairingID, figure: k.figure, year: k.year, attributed: r.attributed,
				own: own, amount: r.amount}); err != nil {
				return err
			}
		}
	}
	return nil
}
