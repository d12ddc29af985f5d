package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// fold applies one event (b.cur) to the batch state, emitting its
// contributions (AnnualTargetsSet: a targets row, never a contribution —
// targets never count as achievement). Types added later are ignored.
func (b *batchState) fold(ev events.Event) error {
	if handled, err := b.foldIndicator(ev); handled || err != nil {
		return err
	}
	switch e := ev.(type) {
	case events.PairingEstablished:
		return b.pairingEstablished(e)
	case events.AnnualTargetsSet:
		return b.targetsSet(e)
	case events.ReportOrderSet:
		return b.reportOrderSet(e)
	case events.ReportStyleSet:
		return b.reportStyleSet(e)
	case events.FundsCommitted:
		return b.fundsCommitted(e)
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
		return b.productPurchased(e)
	case events.PurchaseReversed:
		return b.entryReversed(e.EntryReversal, FigPurchasesFen)
	case events.SalesFacilitated:
		return b.salesFacilitated(e)
	case events.SaleReversed:
		return b.entryReversed(e.EntryReversal, FigSalesFen)
	case events.SecondmentStarted:
		return b.secondmentStarted(e)
	case events.CommitmentAllocated:
		return b.commitmentAllocated(e)
	case events.SecondmentEnded:
		return b.secondmentEnded(e)
	case events.SecondmentReversed:
		return b.secondmentReversed(e)
	case events.VisitConducted:
		return b.visitConducted(e)
	case events.VisitReversed:
		return b.visitReversed(e)
	case events.AidProjectRegistered:
		return b.projectRegistered(e)
	case events.ProjectProgressReported:
		return b.progressReported(e)
	case events.ProjectYearPlanned:
		return b.yearPlanned(e)
	}
	return nil
}

// pairingEstablished records the pairing: its donor and partner, and the
// position from which reports at later positions list it.
func (b *batchState) pairingEstablished(e events.PairingEstablished) error {
	if e.Donor.Code == "" || e.ValidFrom.IsZero() || e.ValidTo.IsZero() {
		return fmt.Errorf("%w: pairing %s lacks its donor or validity", ErrInconsistent, e.PairingID)
	}
	p := &pairing{rowState: rowState{fresh: true}, id: e.PairingID, donorCode: e.Donor.Code, partnerCode: e.Partner.Code,
		est: e, position: b.cur.Position}
	return create(b.pairings, "pairing", e.PairingID, p)
}
