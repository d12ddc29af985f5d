package yearend

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// Compute returns the year-end summary of donorCode for year as the read
// model stood at ledger position atPosition (0: its checkpoint), counting
// the contributions whose deciding business date is in [1 January, cutoff]
// of the year (cutoff zero: 31 December). Commitments and adjustments of
// budget year `year` and projects of plan year `year` (registered,
// planned, completed and completed investment as of their latest progress
// report) count whatever the cut-off. See the package documentation for
// the year rules.
//
// The report is a function of (donor, year, cutoff, position) alone: the
// rows it reads are never changed once applied, so computing it again at
// the same position gives a reflect.DeepEqual report however many events
// arrived since. Report.Position is the position used and ChainHash the
// hex hash of the event there; Profile is left to the caller.
//
// Report.Donor is the donor unit as its first pairing (by position)
// states it. Pairings lists the donor's pairings established by the
// position that are valid in the year or have figures or footnotes in it,
// in the donor's report order (ReportOrderSet; pairings it does not name
// follow in the order they were established), each with its targets for the
// year and their progress when any were set. DonorStyle is the donor's
// default style (ReportStyleSet) as set at the position. Programmes sum the pairings'
// figures per programme (in the order programmes first appear), Totals
// all of them (a visit covering two pairings counts once in each, so twice
// in the totals); every Figure lists the sorted, distinct ids of the
// events behind it. Footnotes are by kind (over-commitment, cross-year reversal,
// late entry, partner mismatch, in-kind valuation), then in ledger order;
// see flags.go for their Date and Detail. LineItems are every counted
// contribution in ledger order (Figure is a base figure: see
// BaseFigures), BusinessDate being the event's own date. Empty lists are
// empty, never nil.
//
// Errors: ErrInvalid for a year outside 1900–9999, a negative position or
// a cut-off outside the year; ErrPosition for a position beyond the
// checkpoint or whose hash is unknown; ErrNotFound when the donor has no
// pairing at the position.
func Compute(ctx context.Context, q projections.Querier, donorCode string, year int, cutoff events.Date, atPosition int64) (*Report, error) {
	return ComputeForPartner(ctx, q, donorCode, "", year, cutoff, atPosition)
}

// ComputeForPartner is Compute restricted to the donor's pairings with
// partnerCode ("": all of them): a partner county's own view of the
// donor's summary, its totals theirs alone. ErrNotFound when the donor
// has no pairing with the partner at the position.
func ComputeForPartner(ctx context.Context, q projections.Querier, donorCode, partnerCode string, year int, cutoff events.Date,
	atPosition int64) (*Report, error) {
	per, err := newPeriod(year, cutoff)
	if err != nil {
		return nil, err
	}
	pos, hash, err := resolvePosition(ctx, q, atPosition)
	if err != nil {
		return nil, err
	}
	pairings, err := donorPairings(ctx, q, donorCode, pos)
	if err != nil {
		return nil, err
	}
	if partnerCode != "" {
		pairings = slices.DeleteFunc(pairings, func(p donorPairing) bool { return p.partner.Code != partnerCode })
	}
	if len(pairings) == 0 {
		return nil, fmt.Errorf("donor %s at position %d: %w", donorCode, pos, ErrNotFound)
	}
	movedOut, err := readRows(ctx, q, movedOutSQL, donorCode, sqlDate(per.first), sqlDate(per.cutoff), year, pos)
	if err != nil {
		return nil, fmt.Errorf("yearend: reversals of %s dated in %d: %w", donorCode, year, err)
	}
	earlier, err := readRows(ctx, q, earlierSQL, donorCode, year, pos)
	if err != nil {
		return nil, fmt.Errorf("yearend: projects of %s before %d: %w", donorCode, year, err)
	}
	targets, err := readTargets(ctx, q, donorCode, year, pos)
	if err != nil {
		return nil, err
	}
	order, err := readOrder(ctx, q, donorCode, pos)
	if err != nil {
		return nil, err
	}
	sortByOrder(pairings, order)
	style, err := readStyle(ctx, q, donorCode, pos)
	if err != nil {
		return nil, err
	}
	counted := func(each func(*row) error) error {
		if err := scanRows(ctx, q, countedRowsSQL, each, donorCode, year, pos, sqlDate(per.cutoff)); err != nil {
			return fmt.Errorf("yearend: contributions of %s in %d: %w", donorCode, year, err)
		}
		return nil
	}
	rows := rowSets{counted: counted, movedOut: movedOut, earlier: earlier}
	if partnerCode != "" {
		rows = rows.of(pairings)
	}
	r, err := assemble(donorCode, per, pos, hash, pairings, rows, targets)
	if err != nil {
		return nil, err
	}
	r.DonorStyle = style
	return r, nil
}

// period is the span of business dates a report counts: 1 January to the
// cut-off of its year.
type period struct {
	year          int
	first, cutoff events.Date
}

// newPeriod checks year and cutoff (zero: 31 December) as Compute
// documents them.
func newPeriod(year int, cutoff events.Date) (period, error) {
	if year < 1900 || year > 9999 {
		return period{}, fmt.Errorf("%w: year %d", ErrInvalid, year)
	}
	if cutoff.IsZero() {
		cutoff = events.DateOf(year, time.December, 31)
	} else if cutoff.Year() != year {
		return period{}, fmt.Errorf("%w: cut-off %s is not in %d", ErrInvalid, cutoff, year)
	}
	return period{year: year, first: events.DateOf(year, time.January, 1), cutoff: cutoff}, nil
}

// rowSets are the rows a report is assembled from, each in ledger order:
// those it counts (countedRowsSQL), the cross-year reversals dated in
// its period but counted elsewhere (movedOutSQL) and the project starts
// and completions of earlier years (earlierSQL). The counted rows, which
// grow with the ledger, are not held: counted calls each with them in
// turn (a reused row; see scanRows), stopping at the first error.
type rowSets struct {
	counted           func(each func(*row) error) error
	movedOut, earlier []row
}

// of is rs with only the rows of pairings.
func (rs rowSets) of(pairings []donorPairing) rowSets {
	ours := func(r *row) bool {
		return slices.ContainsFunc(pairings, func(p donorPairing) bool { return p.id == r.pairingID })
	}
	keep := func(rows []row) []row {
		return slices.DeleteFunc(rows, func(r row) bool { return !ours(&r) })
	}
	all := rs.counted
	counted := func(each func(*row) error) error {
		return all(func(r *row) error {
			if !ours(r) {
				return nil
			}
			return each(r)
		})
	}
	return rowSets{counted: counted, movedOut: keep(rs.movedOut), earlier: keep(rs.earlier)}
}

// assemble builds the report of donorCode for per at position pos (whose
// hash is hash) from the donor's pairings established by pos (in report
// order: see sortByOrder), its rows and the targets of its pairings
// for the year: see Compute for what the report holds.
func assemble(donorCode string, per period, pos int64, hash events.Hash, pairings []donorPairing, rows rowSets,
	targets map[string]events.Targets) (*Report, error) {
	r := &Report{Donor: firstEstablished(pairings).donor, Year: per.year, Cutoff: per.cutoff, Position: pos, ChainHash: hash.String(),
		Pairings: []PairingFigures{}}
	tallies := map[string]*tally{}
	tallyOf := func(pairingID string) *tally {
		t := tallies[pairingID]
		if t == nil {
			t = new(tally)
			tallies[pairingID] = t
		}
		return t
	}
	var notes footnotes
	err := rows.counted(func(row *row) error {
		if err := tallyOf(row.pairingID).add(row.figure, row.amount, row.eventID); err != nil {
			return err
		}
		notes.counted(row, per.cutoff)
		r.LineItems.list.add(row.lineItem())
		return nil
	})
	if err != nil {
		return nil, err
	}
	noted := map[string]bool{}
	for i := range rows.earlier {
		row := &rows.earlier[i]
		if err := tallyOf(row.pairingID).addEarlier(row); err != nil {
			return nil, err
		}
	}
	for i := range rows.movedOut {
		notes.add(&rows.movedOut[i])
		noted[rows.movedOut[i].pairingID] = true
	}
	r.Footnotes = notes.sorted()

	known := map[string]bool{}
	var listed []donorPairing
	for _, p := range pairings {
		known[p.id] = true
		if t, ok := tallies[p.id]; (ok && !t.isZero()) || noted[p.id] || p.validIn(per.year) {
			listed = append(listed, p)
			if tallies[p.id] == nil {
				tallies[p.id] = new(tally)
			}
		}
	}
	for id := range tallies {
		if !known[id] {
			return nil, fmt.Errorf("yearend: contributions to pairing %s, which donor %s did not have at position %d", id, donorCode, pos)
		}
	}
	var all []*tally                    // the listed pairings'
	programmes := map[string][]*tally{} // and per programme
	var order []string                  // programmes in the order of first appearance
	r.Programmes = []ProgrammeFigures{}
	for _, p := range listed {
		t := tallies[p.id]
		// The unallocated part of a commitment of several pairings is
		// stored on its first pairing, but is none of theirs: it counts
		// in the programme and the totals only.
		own := *t
		own.base[baseIndex[FigFiscalUnallocatedFen]] = sum{}
		f, err := own.figures()
		if err != nil {
			return nil, err
		}
		all = append(all, t)
		if programmes[p.programme] == nil {
			order = append(order, p.programme)
			r.Programmes = append(r.Programmes, ProgrammeFigures{Programme: p.programme, Partners: []events.Unit{},
				PairingIDs: []string{}})
		}
		programmes[p.programme] = append(programmes[p.programme], t)
		pg := &r.Programmes[slices.Index(order, p.programme)]
		pg.Partners, pg.PairingIDs = append(pg.Partners, p.partner), append(pg.PairingIDs, p.id)
		pf := PairingFigures{PairingID: p.id, Partner: p.partner, Programme: p.programme, Figures: f}
		if t, ok := targets[p.id]; ok {
			pf.Targets = &t
			pf.Progress = progressOf(t, &pf.Figures, events.YearElapsedBP(per.year, per.cutoff))
		}
		r.Pairings = append(r.Pairings, pf)
	}
	if r.Totals, err = mergedFigures(all); err != nil {
		return nil, err
	}
	for i := range r.Programmes {
		if len(r.Programmes) == 1 { // of every pairing listed: the totals
			r.Programmes[i].Figures = r.Totals
			break
		}
		if r.Programmes[i].Figures, err = mergedFigures(programmes[r.Programmes[i].Programme]); err != nil {
			return nil, err
		}
	}
	return r, nil
}
