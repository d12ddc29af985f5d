package yearend

import (
	"fmt"
	"math"
	"slices"
)

// baseIndex maps a base figure's name to its place in baseFigures.
var baseIndex = func() map[string]int {
	m := make(map[string]int, len(baseFigures))
	for i, f := range baseFigures {
		m[f] = i
	}
	return m
}()

// sum is one base figure being added up: its value and the ids of the
// events behind it (in the order met, possibly repeated).
type sum struct {
	value int64
	ids   []string
}

// tally adds up the base figures of one pairing (or of a donor's totals),
// in the order of baseFigures, and the projects continuing from earlier
// years (FigProjectsContinuing).
type tally struct {
	base       [len(baseFigures)]sum
	continuing sum
}

// add adds amount of event id to the base figure named figure.
func (t *tally) add(figure string, amount int64, id string) error {
	i, ok := baseIndex[figure]
	if !ok {
		return fmt.Errorf("yearend: unknown figure %q in the read model", figure)
	}
	return t.base[i].add(figure, amount, id)
}

// addEarlier counts a row of an earlier year towards the projects
// continuing into the report's year: a start adds, a completion takes
// away.
func (t *tally) addEarlier(r *row) error {
	switch r.figure {
	case FigProjectsStarted:
		return t.continuing.add(FigProjectsContinuing, r.amount, r.eventID)
	case FigProjectsFinished:
		return t.continuing.add(FigProjectsContinuing, -r.amount, r.eventID)
	}
	return fmt.Errorf("yearend: %s is not a figure of earlier years", r.figure)
}

// add adds amount of event id to s, figure naming it in errors.
func (s *sum) add(figure string, amount int64, id string) error {
	v, err := addChecked(s.value, amount)
	if err != nil {
		return fmt.Errorf("yearend: %s: %w", figure, err)
	}
	s.value = v
	if n := len(s.ids); n == 0 || s.ids[n-1] != id {
		s.ids = append(s.ids, id)
	}
	return nil
}

// isZero reports whether nothing counts in t: no row of the year, no
// project continuing into it (the starts and completions of earlier
// years may cancel out).
func (t *tally) isZero() bool {
	for i := range t.base {
		if len(t.base[i].ids) > 0 {
			return false
		}
	}
	return t.continuing.value == 0
}

// merge adds o into t (a donor's totals from its pairings).
func (t *tally) merge(o *tally) error {
	for i := range t.base {
		if err := t.base[i].merge(baseFigures[i], &o.base[i]); err != nil {
			return err
		}
	}
	return t.continuing.merge(FigProjectsContinuing, &o.continuing)
}

// merge adds o into s.
func (s *sum) merge(figure string, o *sum) error {
	v, err := addChecked(s.value, o.value)
	if err != nil {
		return fmt.Errorf("yearend: total %s: %w", figure, err)
	}
	s.value = v
	s.ids = append(s.ids, o.ids...)
	return nil
}

// figures makes the report's Figures: every base figure, the derived sums
// and the disbursal rate, each with its event ids sorted and unique.
func (t *tally) figures() (Figures, error) {
	var f Figures
	for i, name := range baseFigures {
		*figureField(&f, name) = Figure{Value: t.base[i].value, EventIDs: sortedIDs(t.base[i].ids)}
	}
	// The starts and completions of all earlier years are behind the
	// projects continuing; when none continues, none is listed.
	continuing := t.continuing
	if continuing.value == 0 {
		continuing.ids = nil
	}
	f.ProjectsContinuing = Figure{Value: continuing.value, EventIDs: sortedIDs(continuing.ids)}
	for _, name := range []string{FigStaffProfessional, FigSocialFen, FigConsumptionFen, FigProjectsUnderWay} {
		var value int64
		var ids []string
		for _, part := range derivedFigures[name] {
			s := &continuing
			if part != FigProjectsContinuing {
				s = &t.base[baseIndex[part]]
			}
			v, err := addChecked(value, s.value)
			if err != nil {
				return f, fmt.Errorf("yearend: %s: %w", name, err)
			}
			value = v
			ids = append(ids, s.ids...)
		}
		*figureField(&f, name) = Figure{Value: value, EventIDs: sortedIDs(ids)}
	}
	f.DisbursalRateBP = basisPoints(f.FiscalDisbursedFen.Value, f.FiscalCommittedFen.Value)
	f.YearCompletionRateBP = basisPoints(f.YearInvestedFen.Value, f.YearPlannedFen.Value)
	f.StartRateBP = basisPoints(f.YearPlannedStarted.Value, f.YearPlannedProjects.Value)
	return f, nil
}

// sortedIDs returns ids sorted and without repeats (never nil, so that an
// empty list is [] in JSON).
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// addChecked is a + b, or an error instead of wrapping around.
func addChecked(a, b int64) (int64, error) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, fmt.Errorf("sum overflows int64")
	}
	return a + b, nil
}
