package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// donationReceived counts a donation by kind on its business date; an
// in-kind one is flagged with its valuation basis.
func (b *batchState) donationReceived(e events.DonationReceived) error {
	fig, err := donationFigure(e.Kind)
	if err != nil {
		return err
	}
	if e.AmountFen <= 0 || e.BusinessDate.IsZero() {
		return fmt.Errorf("%w: donation %s lacks its amount or date", ErrInconsistent, e.DonationID)
	}
	d := &donation{rowState: rowState{fresh: true}, id: e.DonationID, pairingID: e.PairingID, kind: e.Kind,
		date: e.BusinessDate, amountFen: e.AmountFen}
	if err := create(b.donations, "donation", e.DonationID, d); err != nil {
		return err
	}
	c := contribution{pairingID: d.pairingID, figure: fig, attributed: d.date, own: d.date, amount: d.amountFen,
		documentNo: e.ReceiptNo}
	if e.Kind == events.DonationInKind {
		c.flag, c.detail = FootInKindValuation, e.ValuationBasis
	}
	return b.emit(c)
}

// donationReversed takes back a donation under its kind.
func (b *batchState) donationReversed(e events.DonationReversed) error {
	d, err := lookup(b.donations, "donation", e.OriginalID)
	if err != nil {
		return err
	}
	fig, err := donationFigure(d.kind)
	if err != nil {
		return err
	}
	if e.AmountFen <= 0 || e.AmountFen > d.amountFen {
		return fmt.Errorf("%w: reversal of %d fen of donation %s (%d fen)", ErrInconsistent, e.AmountFen, d.id, d.amountFen)
	}
	return b.reversal(e.EntryReversal, d.pairingID, fig, d.date)
}

// productPurchased counts a purchase on its completed date, flagged when
// the supplier's county is not the pairing's partner.
func (b *batchState) productPurchased(e events.ProductPurchased) error {
	if e.CompletedDate.IsZero() {
		return fmt.Errorf("%w: purchase %s without a completed date", ErrInconsistent, e.PurchaseID)
	}
	p, err := lookup(b.pairings, "pairing", e.PairingID)
	if err != nil {
		return err
	}
	c := contribution{pairingID: e.PairingID, figure: FigPurchasesFen, attributed: e.CompletedDate, own: e.CompletedDate,
		amount: e.AmountFen, documentNo: e.OrderNo}
	if e.SupplierCountyCode != "" && e.SupplierCountyCode != p.partnerCode {
		c.flag, c.detail = FootPartnerMismatch, e.SupplierCountyCode
	}
	return b.emit(c)
}

// salesFacilitated counts a facilitated sale on the last day of its period.
// Its document is the order number, or the evidence when it has none.
func (b *batchState) salesFacilitated(e events.SalesFacilitated) error {
	if e.PeriodTo.IsZero() {
		return fmt.Errorf("%w: sale %s without the end of its period", ErrInconsistent, e.SaleID)
	}
	doc := e.OrderNo
	if doc == "" {
		doc = e.Evidence
	}
	return b.emit(contribution{pairingID: e.PairingID, figure: FigSalesFen, attributed: e.PeriodTo, own: e.PeriodTo,
		amount: e.AmountFen, documentNo: doc})
}

// entryReversed takes back a purchase or a sale. Their reversals carry the
// original's date and pairing, so no lookup is needed.
func (b *batchState) entryReversed(e events.EntryReversal, figure string) error {
	if len(e.PairingIDList) != 1 || e.AmountFen <= 0 {
		return fmt.Errorf("%w: reversal of %s must name one pairing and a positive amount", ErrInconsistent, e.OriginalID)
	}
	return b.reversal(e, e.PairingIDList[0], figure, e.OriginalDate)
}

// reversal emits the negative contribution of a money reversal of an
// original dated original: on the date reversalDate says, flagged when
// the reversal and the original are in different years.
func (b *batchState) reversal(e events.EntryReversal, pairingID, figure string, original events.Date) error {
	on, err := reversalDate(e.Reason, e.BusinessDate, original)
	if err != nil {
		return err
	}
	c := contribution{pairingID: pairingID, figure: figure, attributed: on, own: e.BusinessDate, amount: -e.AmountFen,
		documentNo: e.DocNo}
	if crossYear(e.BusinessDate, original) {
		c.flag, c.detail = FootCrossYear, crossYearDetail(e.Reason, original)
	}
	return b.emit(c)
}
