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
// in the order of baseFigures.
type tally [len(baseFigures)]sum

// add adds amount of event id to the base figure named figure.
func (t *tally) add(figure string, amount int64, id string) error {
	i, ok := baseIndex[figure]
	if !ok {
		return fmt.Errorf("yearend: unknown figure %q in the read model", figure)
	}
	s := &t[i]
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

// merge adds o into t (a donor's totals from its pairings).
func (t *tally) merge(o *tally) error {
	for i := range t {
		v, err := addChecked(t[i].value, o[i].value)
		if err != nil {
			return fmt.Errorf("yearend: total %s: %w", baseFigures[i], err)
		}
		t[i].value = v
		t[i].ids = append(t[i].ids, o[i].ids...)
	}
	return nil
}

// figures makes the report's Figures: every base figure, the derived sums
// and the disbursal rate, each with its event ids sorted and unique.
func (t *tally) figures() (Figures, error) {
	var f Figures
	for i, name := range baseFigures {
		*figureField(&f, name) = Figure{Value: t[i].value, EventIDs: sortedIDs(t[i].ids)}
	}
	for _, name := range []string{FigStaffProfessional, FigSocialFen, FigConsumptionFen} {
		var value int64
		var ids []string
		for _, part := range derivedFigures[name] {
			s := &t[baseIndex[part]]
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
