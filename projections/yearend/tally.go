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
// in the order of baseFigures, and the sums of earlier years' rows
// (earlierFigures, in that order).
type tally struct {
	base    [len(baseFigures)]sum
	earlier [len(earlierFigures)]sum
}

// earlierFigures are the sums a report takes of the rows of years before
// its own (earlierSQL): the projects continuing into the year (started
// minus completed), the outbound staff still in post at its start (sent
// minus returned) and those of them who had served a year by then
// (anniversaries minus returns after one). Only the first is a Figures
// field; the others are parts of staff_in_post and staff_year_or_more.
var earlierFigures = [...]string{FigProjectsContinuing, earlierStaff, earlierYearOrMore}

// The sums of earlier years that are not report figures.
const (
	earlierStaff      = "staff_staying"
	earlierYearOrMore = "staff_year_or_more_before"
)

// earlierRows says where a row of an earlier year counts, by its figure:
// the index in earlierFigures and the sign. earlierSQL selects the rows of
// these figures.
var earlierRows = map[string]struct {
	i    int
	sign int64
}{
	FigProjectsStarted: {0, 1}, FigProjectsFinished: {0, -1},
	FigStaffCadre: {1, 1}, FigStaffTeacher: {1, 1}, FigStaffDoctor: {1, 1}, FigStaffAgronomist: {1, 1}, FigStaffTechnician: {1, 1},
	FigStaffLeft:        {1, -1},
	FigStaffAnniversary: {2, 1}, FigStaffLeftAfterYear: {2, -1},
}

// add adds amount of event id to the base figure named figure.
func (t *tally) add(figure string, amount int64, id string) error {
	i, ok := baseIndex[figure]
	if !ok {
		return fmt.Errorf("yearend: unknown figure %q in the read model", figure)
	}
	return t.base[i].add(figure, amount, id)
}

// addEarlier counts a row of an earlier year (see earlierRows).
func (t *tally) addEarlier(r *row) error {
	e, ok := earlierRows[r.figure]
	if !ok {
		return fmt.Errorf("yearend: %s is not a figure of earlier years", r.figure)
	}
	return t.earlier[e.i].add(earlierFigures[e.i], e.sign*r.amount, r.eventID)
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

// isZero reports whether nothing counts in t: no row of the year, nothing
// carried over from earlier ones (their rows may cancel out).
func (t *tally) isZero() bool {
	for i := range t.base {
		if len(t.base[i].ids) > 0 {
			return false
		}
	}
	for i := range t.earlier {
		if t.earlier[i].value != 0 {
			return false
		}
	}
	return true
}

// mergedFigures are the figures of the tallies ts added up (a donor's
// totals from its pairings', a programme's from its pairings'), each
// event id list allocated once at its length.
func mergedFigures(ts []*tally) (Figures, error) {
	var sum tally
	for i := range sum.base {
		n := 0
		for _, t := range ts {
			n += len(t.base[i].ids)
		}
		sum.base[i].ids = make([]string, 0, n)
	}
	for _, t := range ts {
		if err := sum.merge(t); err != nil {
			return Figures{}, err
		}
	}
	return sum.figures()
}

// merge adds o into t.
func (t *tally) merge(o *tally) error {
	for i := range t.base {
		if err := t.base[i].merge(baseFigures[i], &o.base[i]); err != nil {
			return err
		}
	}
	for i := range t.earlier {
		e := o.earlier[i]
		if e.value == 0 { // as figures lists it: no events behind a zero carried over
			e.ids = nil
		}
		if err := t.earlier[i].merge(earlierFigures[i], &e); err != nil {
			return err
		}
	}
	return nil
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
// and the rates, each with its event ids sorted and unique.
func (t *tally) figures() (Figures, error) {
	var f Figures
	for i, name := range baseFigures {
		*figureField(&f, name) = Figure{Value: t.base[i].value, EventIDs: sortedIDs(t.base[i].ids)}
	}
	// The rows of all earlier years are behind a sum carried over; when it
	// is zero, none is listed.
	earlier := t.earlier
	for i := range earlier {
		if earlier[i].value == 0 {
			earlier[i].ids = nil
		}
	}
	f.ProjectsContinuing = Figure{Value: earlier[0].value, EventIDs: sortedIDs(earlier[0].ids)}
	for _, name := range []string{FigStaffProfessional, FigSocialFen, FigConsumptionFen, FigProjectsUnderWay, FigStaffInPost,
		FigStaffYearOrMore} {
		var value int64
		parts := make([]*sum, 0, len(derivedFigures[name]))
		n := 0
		for _, part := range derivedFigures[name] {
			var s *sum
			if i := slices.Index(earlierFigures[:], part); i >= 0 {
				s = &earlier[i]
			} else {
				s = &t.base[baseIndex[part]]
			}
			parts, n = append(parts, s), n+len(s.ids)
		}
		ids := make([]string, 0, n)
		for _, s := range parts {
			v, err := addChecked(value, s.value)
			if err != nil {
				return f, fmt.Errorf("yearend: %s: %w", name, err)
			}
			value = v
			ids = append(ids, s.ids...)
		}
		*figureField(&f, name) = Figure{Value: value, EventIDs: sortedIDs(ids)}
	}
	f.DisbursalRateBP = basisPoints(f.FiscalDisbursedFen.Value, f.FiscalCommittedFen.Value+f.FiscalUnallocatedFen.Value)
	f.YearCompletionRateBP = basisPoints(f.YearInvestedFen.Value, f.YearPlannedFen.Value)
	f.StartRateBP = basisPoints(f.YearPlannedStarted.Value, f.YearPlannedProjects.Value)
	return f, nil
}

// sortedIDs returns ids sorted and without repeats (never nil, so that an
// empty list is [] in JSON).
func sortedIDs(ids []string) []string {
	out := sortRuns(slices.Clone(ids))
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// maxRuns is the most ascending runs sortRuns merges; a list in more
// pieces is sorted outright.
const maxRuns = 256

// sortRuns sorts ids, which are mostly in order: event ids in ledger order
// rise with it (ULIDs made as events are recorded), and a sum of several
// pairings' or figures' lists is a few such runs one after the other. It
// merges the ascending runs pairwise, which costs a pass per doubling of
// the runs instead of a full sort.
func sortRuns(ids []string) []string {
	bounds := []int{0}
	for i := 1; i < len(ids); i++ {
		if ids[i] < ids[i-1] {
			if bounds = append(bounds, i); len(bounds) > maxRuns {
				slices.Sort(ids)
				return ids
			}
		}
	}
	if len(bounds) == 1 {
		return ids
	}
	bounds = append(bounds, len(ids))
	src, dst := ids, make([]string, len(ids))
	for len(bounds) > 2 {
		merged := bounds[:1]
		for k := 0; k+1 < len(bounds); k += 2 {
			lo, mid := bounds[k], bounds[k+1]
			hi := mid
			if k+2 < len(bounds) {
				hi = bounds[k+2]
			}
			mergeInto(dst[lo:hi], src[lo:mid], src[mid:hi])
			merged = append(merged, hi)
		}
		bounds = merged
		src, dst = dst, src
	}
	return src
}

// mergeInto merges the sorted a and b into out (len(a)+len(b) long).
func mergeInto(out, a, b []string) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if b[j] < a[i] {
			out[k], j = b[j], j+1
		} else {
			out[k], i = a[i], i+1
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

// addChecked is a + b, or an error instead of wrapping around.
func addChecked(a, b int64) (int64, error) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, fmt.Errorf("sum overflows int64")
	}
	return a + b, nil
}
