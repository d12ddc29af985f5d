package yearend

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aidledger/aidledger/events"
)

// indicator is what the reversal of an office-indicator entry (or of a
// visit led by the principal leader) and a site's next report need: what
// it contributed, on the date it counts on, to each of its pairings.
type indicator struct {
	rowState
	id, kind   string
	pairingIDs []string
	on         events.Date
	documentNo string
	// amountFen and reversedFen: an investment's amount and what its
	// reversals took back.
	amountFen, reversedFen int64
	// counts: figure → what it contributed on on (an investment's amount
	// apart).
	counts map[string]int64
	// reports: a park's or workshop's reports, each as it contributed.
	reports  []siteReport
	reversed bool
}

// siteReport is one report's contribution: the change of each figure, on
// its as-of date, from the site's last report of the same year.
type siteReport struct {
	AsOf  events.Date      `json:"as_of"`
	Delta map[string]int64 `json:"delta"`
}

// record creates indicator id of kind and emits its counts on on.
func (b *batchState) record(kind, id string, pairingIDs []string, on events.Date, doc string, counts map[string]int64) (*indicator, error) {
	if on.IsZero() || len(pairingIDs) == 0 {
		return nil, fmt.Errorf("%w: %s %s without its date or pairing", ErrInconsistent, kind, id)
	}
	ind := &indicator{rowState: rowState{fresh: true}, id: id, kind: kind, pairingIDs: pairingIDs, on: on, documentNo: doc, counts: counts}
	if err := create(b.indicators, kind, id, ind); err != nil {
		return nil, err
	}
	return ind, b.emitCounts(ind.pairingIDs, counts, 1, on, on, doc)
}

// emitCounts emits sign × counts (figures in name order) for each pairing,
// attributed on on.
func (b *batchState) emitCounts(pairingIDs []string, counts map[string]int64, sign int64, on, own events.Date, doc string) error {
	for _, p := range pairingIDs {
		for _, fig := range slices.Sorted(maps.Keys(counts)) {
			if err := b.emit(contribution{pairingID: p, figure: fig, attributed: on, own: own, amount: sign * counts[fig],
				documentNo: doc}); err != nil {
				return err
			}
		}
	}
	return nil
}

// foldIndicator folds an office-indicator event (and the principal-led
// count of a visit); handled reports whether ev is one of them alone.
func (b *batchState) foldIndicator(ev events.Event) (handled bool, err error) {
	switch e := ev.(type) {
	case events.LabourTransferRecorded:
		_, err = b.record("labour_transfer", e.LabourTransferID, []string{e.PairingID}, e.PeriodTo, e.DocNo,
			map[string]int64{FigLabourPersons: e.Persons, FigLabourPovertyPersons: e.PovertyPersons})
	case events.EnterpriseInvestmentRecorded:
		err = b.investmentRecorded(e)
	case events.TrainingHeld:
		_, err = b.record("training", e.TrainingID, []string{e.PairingID}, e.EndDate, "",
			map[string]int64{FigTrainings: 1, FigTrainingParticipants: e.Participants})
	case events.AgreementSigned:
		_, err = b.record("agreement", e.AgreementID, []string{e.PairingID}, e.SignedDate, e.DocNo, map[string]int64{FigAgreements: 1})
	case events.ParkEstablished:
		_, err = b.record("park", e.ParkID, []string{e.PairingID}, e.EstablishedDate, "", map[string]int64{FigParks: 1})
	case events.WorkshopEstablished:
		_, err = b.record("workshop", e.WorkshopID, []string{e.PairingID}, e.EstablishedDate, "", map[string]int64{FigWorkshops: 1})
	case events.ParkReported:
		err = b.siteReported("park", e.ParkID, e.AsOf, map[string]int64{FigParkEnterprises: e.Enterprises,
			FigParkInvestmentFen: e.InvestmentFen, FigParkReturnsFen: e.ReturnsFen})
	case events.WorkshopReported:
		err = b.siteReported("workshop", e.WorkshopID, e.AsOf, map[string]int64{FigWorkshopEmployed: e.Employed,
			FigWorkshopPovertyEmployed: e.PovertyEmployed})
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
	case events.VisitConducted:
		if e.LedByPrincipal {
			_, err = b.record("visit", e.VisitID, e.PairingIDList, e.StartDate, "", map[string]int64{FigVisitsLedByPrincipal: 1})
		}
		return false, err // the visit itself is counted by fold
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

// investmentRecorded counts an investment's amount, record and jobs on the
// date invested.
func (b *batchState) investmentRecorded(e events.EnterpriseInvestmentRecorded) error {
	if e.AmountFen <= 0 {
		return fmt.Errorf("%w: investment %s without an amount", ErrInconsistent, e.InvestmentID)
	}
	ind, err := b.record("investment", e.InvestmentID, []string{e.PairingID}, e.InvestedDate, e.CreditCode,
		map[string]int64{FigInvestmentRecords: 1, FigInvestmentJobs: e.Jobs, FigInvestmentPovertyJobs: e.PovertyJobs})
	if err != nil {
		return err
	}
	ind.amountFen = e.AmountFen
	return b.emit(contribution{pairingID: e.PairingID, figure: FigInvestmentFen, attributed: e.InvestedDate, own: e.InvestedDate,
		amount: e.AmountFen, documentNo: e.CreditCode})
}

// siteReported counts a park's or workshop's report on its as-of date: the
// change from the site's last report of the same year.
func (b *batchState) siteReported(kind, id string, asOf events.Date, figures map[string]int64) error {
	ind, err := lookup(b.indicators, kind, id)
	if err != nil {
		return err
	}
	if ind.kind != kind || ind.reversed || asOf.IsZero() {
		return fmt.Errorf("%w: a report on %s %s (a %s, reversed %v) as of %s", ErrInconsistent, kind, id, ind.kind, ind.reversed, asOf)
	}
	delta := maps.Clone(figures)
	for _, r := range ind.reports {
		if r.AsOf.Year() == asOf.Year() {
			for fig, v := range r.Delta {
				delta[fig] -= v
			}
		}
	}
	ind.reports = append(ind.reports, siteReport{AsOf: asOf, Delta: delta})
	ind.touch()
	return b.emitCounts(ind.pairingIDs, delta, 1, asOf, asOf, "")
}

// indicatorReversed takes an entry without money back wholly: its counts on
// the date the reversal is attributed to (the original's, for an entry
// error), a site's reports on their own dates.
func (b *batchState) indicatorReversed(kind string, r events.EntryReversal) error {
	ind, err := lookup(b.indicators, kind, r.OriginalID)
	if err != nil {
		return err
	}
	if ind.kind != kind || ind.reversed {
		return fmt.Errorf("%w: reversal of %s %s (a %s, reversed %v)", ErrInconsistent, kind, r.OriginalID, ind.kind, ind.reversed)
	}
	return b.takeBack(ind, r)
}

// takeBack emits the negation of everything ind contributed and marks it
// reversed.
func (b *batchState) takeBack(ind *indicator, r events.EntryReversal) error {
	on, err := reversalDate(r.Reason, r.BusinessDate, ind.on)
	if err != nil {
		return err
	}
	if err := b.emitCounts(ind.pairingIDs, ind.counts, -1, on, r.BusinessDate, r.DocNo); err != nil {
		return err
	}
	for _, rep := range ind.reports {
		if err := b.emitCounts(ind.pairingIDs, rep.Delta, -1, rep.AsOf, r.BusinessDate, r.DocNo); err != nil {
			return err
		}
	}
	ind.reversed = true
	ind.touch()
	return nil
}

// investmentReversed takes back part or all of an investment's amount (as
// money reversals are: on the original's date for an entry error, its own
// for capital withdrawn, flagged across years); an entry error that leaves
// nothing of it takes back its record and jobs too.
func (b *batchState) investmentReversed(r events.EntryReversal) error {
	ind, err := lookup(b.indicators, "investment", r.OriginalID)
	if err != nil {
		return err
	}
	if ind.kind != "investment" || r.AmountFen <= 0 || r.AmountFen > ind.amountFen-ind.reversedFen {
		return fmt.Errorf("%w: reversal of %d fen of investment %s (%d of %d fen left)", ErrInconsistent, r.AmountFen, ind.id,
			ind.amountFen-ind.reversedFen, ind.amountFen)
	}
	if err := b.reversal(r, ind.pairingIDs[0], FigInvestmentFen, ind.on); err != nil {
		return err
	}
	ind.reversedFen += r.AmountFen
	ind.touch()
	if r.Reason == events.ReasonEntryError && ind.reversedFen == ind.amountFen {
		return b.takeBack(ind, r)
	}
	return nil
}
