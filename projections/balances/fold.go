package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// fold applies one event to the batch state. Events the read model does
// not use (types added later) are ignored.
func (b *batchState) fold(ev events.Event) error {
	if handled, err := b.foldIndicator(ev); handled || err != nil {
		return err
	}
	switch e := ev.(type) {
	case events.PairingEstablished:
		if _, dup := b.pairings[e.PairingID]; dup || e.PairingID == "" {
			return fmt.Errorf("%w: pairing %q established twice or without an id", ErrInconsistent, e.PairingID)
		}
		b.pairings[e.PairingID] = e
	case events.FundsCommitted:
		return b.fundsCommitted(e)
	case events.CommitmentAllocated:
		return b.commitmentAllocated(e)
	case events.CommitmentAdjusted:
		return b.commitmentAdjusted(e)
	case events.FundsDisbursed:
		return b.fundsDisbursed(e)
	case events.DisbursementReversed:
		return b.disbursementReversed(e)
	case events.FundsReceiptConfirmed:
		return b.receiptConfirmed(e)
	case events.DonationReceived:
		return b.donationReceived(e)
	case events.DonationReversed:
		return b.donationReversed(e)
	case events.ProductPurchased:
		b.add(e.PairingID, e.CompletedDate.Year(), cPurchasesFen, e.AmountFen)
	case events.PurchaseReversed:
		return b.entryReversed(e.EntryReversal, cPurchasesReversedFen)
	case events.SalesFacilitated:
		b.add(e.PairingID, e.PeriodTo.Year(), cSalesFen, e.AmountFen)
	case events.SaleReversed:
		return b.entryReversed(e.EntryReversal, cSalesReversedFen)
	case events.SecondmentStarted:
		return b.secondmentStarted(e)
	case events.SecondmentEnded:
		return b.secondmentEnded(e)
	case events.SecondmentReversed:
		return b.secondmentReversed(e)
	case events.VisitConducted:
		if len(e.PairingIDList) == 0 {
			return fmt.Errorf("%w: visit %s lists no pairing", ErrInconsistent, e.VisitID)
		}
		for _, p := range e.PairingIDList {
			b.add(p, e.StartDate.Year(), cVisits, 1)
		}
	case events.VisitReversed:
		y, err := reversalYear(e.Reason, e.BusinessDate, e.OriginalDate)
		if err != nil {
			return err
		}
		for _, p := range e.PairingIDList {
			b.add(p, y, cVisits, -1)
		}
	case events.AnnualTargetsSet:
		b.targetsSet(e)
	case events.AidProjectRegistered:
		return b.projectRegistered(e)
	case events.ProjectProgressReported:
		return b.progressReported(e)
	case events.ProjectYearPlanned:
		return b.yearPlanned(e)
	}
	return nil
}

// reversalYear is the fiscal year a reversal counts in (see
// events.ReversalReason.AttributedDate); a reversal without it is
// inconsistent.
func reversalYear(reason events.ReversalReason, own, original events.Date) (int, error) {
	d, err := reason.AttributedDate(own, original)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInconsistent, err)
	}
	return d.Year(), nil
}

// entryReversed counts a purchase or sale reversal (single pairing, no
// lookup: the event carries the original's date) in counter c.
func (b *batchState) entryReversed(e events.EntryReversal, c counter) error {
	if len(e.PairingIDList) != 1 || e.AmountFen <= 0 {
		return fmt.Errorf("%w: reversal of %s must name one pairing and a positive amount", ErrInconsistent, e.OriginalID)
	}
	y, err := reversalYear(e.Reason, e.BusinessDate, e.OriginalDate)
	if err != nil {
		return err
	}
	b.add(e.PairingIDList[0], y, c, e.AmountFen)
	return nil
}
