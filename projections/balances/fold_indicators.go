package balances

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aidledger/aidledger/events"
)

// indicator is an indicators row: a labour transfer, investment, training,
// agreement, park, workshop or principal-led visit, with what it added to
// pairing_years so that its reversal can take exactly that back.
type indicator struct {
	rowState
	id         string
	kind       string
	pairingIDs []string
	year       int
	// amountFen and reversedFen: an investment's amount and what its
	// reversals took back.
	amountFen, reversedFen int64
	// counts is what the entry added, in year, to each of its pairings
	// (pairing_years column → value).
	counts map[string]int64
	// reports: a park's or workshop's last report of each year (year →
	// column → value), each counted in its year.
	reports map[int]map[string]int64
	// reversed: its counts and reports were taken back.
	reversed bool
}

// newIndicator records entry id of kind, counting counts in year for each
// of its pairings.
func (b *batchState) newIndicator(kind, id string, pairingIDs []string, year int, counts map[string]int64) (*indicator, error) {
	ind := &indicator{rowState: rowState{fresh: true}, id: id, kind: kind, pairingIDs: pairingIDs, year: year, counts: counts,
		reports: map[int]map[string]int64{}}
	if err := create(b.indicators, kind, id, ind); err != nil {
		return nil, err
	}
	return ind, b.addNamed(pairingIDs, year, counts, 1)
}

// addNamed adds sign × counts (by column name) to year for each pairing.
func (b *batchState) addNamed(pairingIDs []string, year int, counts map[string]int64, sign int64) error {
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		c, ok := counterNamed[name]
		if !ok {
			return fmt.Errorf("%w: no pairing_years column %q", ErrInconsistent, name)
		}
		for _, p := range pairingIDs {
			b.add(p, year, c, sign*counts[name])
		}
	}
	return nil
}

// labourDestinationColumn is the column counting persons employed at d.
var labourDestinationColumn = map[events.LabourDestination]string{
	events.LabourDonorArea: "labour_donor_area", events.LabourOtherEast: "labour_other_east", events.LabourNearHome: "labour_near_home"}

// trainingKindColumn is the column counting participants of kind k.
var trainingKindColumn = map[events.TrainingKind]string{
	events.TrainingCadre: "trainees_cadre", events.TrainingTechnical: "trainees_technical", events.TrainingLabourSkills: "trainees_labour_skills"}

// foldIndicator folds an office-indicator event; handled reports whether
// ev is one.
func (b *batchState) foldIndicator(ev events.Event) (handled bool, err error) {
	switch e := ev.(type) {
	case events.LabourTransferRecorded:
		dest, ok := labourDestinationColumn[e.Destination]
		if !ok {
			return true, fmt.Errorf("%w: labour transfer %s to %q", ErrInconsistent, e.LabourTransferID, e.Destination)
		}
		_, err = b.newIndicator("labour_transfer", e.LabourTransferID, []string{e.PairingID}, e.PeriodTo.Year(), map[string]int64{
			"labour_persons": e.Persons, "labour_poverty_persons": e.PovertyPersons, dest: e.Persons, "labour_trainees": e.Trainees})
	case events.EnterpriseInvestmentRecorded:
		var ind *indicator
		ind, err = b.newIndicator("investment", e.InvestmentID, []string{e.PairingID}, e.InvestedDate.Year(), map[string]int64{
			"investments": 1, "investment_jobs": e.Jobs, "investment_poverty_jobs": e.PovertyJobs})
		if err == nil {
			ind.amountFen = e.AmountFen
			b.add(e.PairingID, ind.year, cInvestmentFen, e.AmountFen)
		}
	case events.TrainingHeld:
		kind, ok := trainingKindColumn[e.Kind]
		if !ok {
			return true, fmt.Errorf("%w: training %s of kind %q", ErrInconsistent, e.TrainingID, e.Kind)
		}
		_, err = b.newIndicator("training", e.TrainingID, []string{e.PairingID}, e.EndDate.Year(), map[string]int64{
			"trainings": 1, kind: e.Participants})
	case events.AgreementSigned:
		_, err = b.newIndicator("agreement", e.AgreementID, []string{e.PairingID}, e.SignedDate.Year(), map[string]int64{"agreements": 1})
	case events.ParkEstablished:
		_, err = b.newIndicator("park", e.ParkID, []string{e.PairingID}, e.EstablishedDate.Year(), map[string]int64{"parks": 1})
	case events.WorkshopEstablished:
		_, err = b.newIndicator("workshop", e.WorkshopID, []string{e.PairingID}, e.EstablishedDate.Year(), map[string]int64{"workshops": 1})
	case events.ParkReported:
		err = b.siteReported("park", e.ParkID, e.AsOf, map[string]int64{"park_enterprises": e.Enterprises,
			"park_investment_fen": e.InvestmentFen, "park_output_fen": e.OutputFen, "park_returns_fen": e.ReturnsFen})
	case events.WorkshopReported:
		err = b.siteReported("workshop", e.WorkshopID, e.AsOf, map[string]int64{"workshop_employed": e.Employed,
			"workshop_poverty_employed": e.PovertyEmployed})
	case events.VisitConducted:
		if e.LedByPrincipal {
			_, err = b.newIndicator("visit", e.VisitID, e.PairingIDList, e.StartDate.Year(), map[string]int64{"visits_principal": 1})
		}
		return false, err // the visit itself is counted by fold
	case events.LabourTransferReversed:
		err = b.indicatorReversed("labour_transfer", e.EntryReversal)
	case events.InvestmentReversed:
		err = b.investmentReversed(e.EntryReversal)
	case events.TrainingReversed:
		err = b.indicatorReversed("training", e.EntryReversal)
	case events.AgreementReversed:
		err = b.indicatorReversed("agreement", e.EntryReversal)
	case events.ParkReversed:
		err = b.indicatorReversed("park", e.EntryReversal)
	case events.WorkshopReversed:
		err = b.indicatorReversed("workshop", e.EntryReversal)
	case events.VisitReversed:
		if ind, ok := b.indicators[e.OriginalID]; ok && ind.kind == "visit" {
			err = b.indicatorReversed("visit", e.EntryReversal)
		}
		return false, err // the visit itself is taken back by fold
	default:
		return false, nil
	}
	return true, err
}

// siteReported counts a park's or workshop's report in the year of its
// as-of date, replacing the year's earlier report of it.
func (b *batchState) siteReported(kind, id string, asOf events.Date, figures map[string]int64) error {
	ind, err := lookup(b.indicators, kind, id)
	if err != nil {
		return err
	}
	if ind.kind != kind || ind.reversed {
		return fmt.Errorf("%w: a report on %s %s (a %s, reversed %v)", ErrInconsistent, kind, id, ind.kind, ind.reversed)
	}
	y := asOf.Year()
	delta := maps.Clone(figures)
	for name, v := range ind.reports[y] {
		delta[name] -= v
	}
	ind.reports[y] = figures
	ind.touch()
	return b.addNamed(ind.pairingIDs, y, delta, 1)
}

// indicatorReversed takes an entry without money back wholly: its counts
// from the year of the reversal's attribution (the original's, for an
// entry error) and its reports from theirs.
func (b *batchState) indicatorReversed(kind string, r events.EntryReversal) error {
	ind, err := lookup(b.indicators, kind, r.OriginalID)
	if err != nil {
		return err
	}
	if ind.kind != kind || ind.reversed {
		return fmt.Errorf("%w: reversal of %s %s (a %s, reversed %v)", ErrInconsistent, kind, r.OriginalID, ind.kind, ind.reversed)
	}
	y, err := reversalYear(r.Reason, r.BusinessDate, r.OriginalDate)
	if err != nil {
		return err
	}
	return b.takeBack(ind, y)
}

// takeBack subtracts ind's counts from year y and its reports from
// theirs, and marks it reversed.
func (b *batchState) takeBack(ind *indicator, y int) error {
	if err := b.addNamed(ind.pairingIDs, y, ind.counts, -1); err != nil {
		return err
	}
	for _, ry := range slices.Sorted(maps.Keys(ind.reports)) {
		if err := b.addNamed(ind.pairingIDs, ry, ind.reports[ry], -1); err != nil {
			return err
		}
	}
	ind.reversed = true
	ind.touch()
	return nil
}

// investmentReversed counts what an investment's reversal takes back, in
// the original's year (entry_error) or its own (funds_returned, capital
// withdrawn). An entry error that leaves nothing of it also takes back its
// record and jobs.
func (b *batchState) investmentReversed(r events.EntryReversal) error {
	ind, err := lookup(b.indicators, "investment", r.OriginalID)
	if err != nil {
		return err
	}
	if ind.kind != "investment" || r.AmountFen <= 0 || r.AmountFen > ind.amountFen-ind.reversedFen {
		return fmt.Errorf("%w: reversal of %d fen of investment %s (%d of %d fen left)", ErrInconsistent, r.AmountFen, ind.id,
			ind.amountFen-ind.reversedFen, ind.amountFen)
	}
	y, err := reversalYear(r.Reason, r.BusinessDate, r.OriginalDate)
	if err != nil {
		return err
	}
	b.add(ind.pairingIDs[0], y, cInvestmentReversedFen, r.AmountFen)
	ind.reversedFen += r.AmountFen
	ind.touch()
	if r.Reason == events.ReasonEntryError && ind.reversedFen == ind.amountFen {
		return b.takeBack(ind, y)
	}
	return nil
}
