package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// fundsCommitted counts the commitment in its budget year.
func (b *batchState) fundsCommitted(e events.FundsCommitted) error {
	if e.BudgetYear < 1 || e.BudgetYear > 9999 {
		return fmt.Errorf("%w: commitment %s for budget year %d", ErrInconsistent, e.CommitmentID, e.BudgetYear)
	}
	c := &commitment{rowState: rowState{fresh: true}, id: e.CommitmentID, pairingID: e.PairingID, budgetYear: e.BudgetYear,
		shares: e.Shares}
	if err := create(b.commitments, "commitment", e.CommitmentID, c); err != nil {
		return err
	}
	if c.shares == nil {
		return b.emit(contribution{pairingID: c.pairingID, figure: FigFiscalCommittedFen, year: c.budgetYear,
			own: e.BusinessDate, amount: e.AmountFen, documentNo: e.DocNo})
	}
	// A commitment of several pairings: each its share, the rest
	// unallocated (counted for the programme and the donor, never a
	// pairing: see assemble).
	var allocated int64
	for _, sh := range c.shares {
		allocated += sh.AmountFen
		if err := b.emit(contribution{pairingID: sh.PairingID, figure: FigFiscalCommittedFen, year: c.budgetYear,
			own: e.BusinessDate, amount: sh.AmountFen, documentNo: e.DocNo}); err != nil {
			return err
		}
	}
	return b.emit(contribution{pairingID: c.pairingID, figure: FigFiscalUnallocatedFen, year: c.budgetYear,
		own: e.BusinessDate, amount: e.AmountFen - allocated, documentNo: e.DocNo})
}

// commitmentAdjusted counts the signed delta in the commitment's budget
// year: a commitment of several pairings changes its unallocated part.
func (b *batchState) commitmentAdjusted(e events.CommitmentAdjusted) error {
	c, err := lookup(b.commitments, "commitment", e.CommitmentID)
	if err != nil {
		return err
	}
	figure := FigFiscalCommittedFen
	if c.shares != nil {
		figure = FigFiscalUnallocatedFen
	}
	return b.emit(contribution{pairingID: c.pairingID, figure: figure, year: c.budgetYear,
		own: e.BusinessDate, amount: e.DeltaFen, documentNo: e.DocNo})
}

// commitmentAllocated moves each pairing's share to its new amount, the
// difference coming out of (or back into) the unallocated part.
func (b *batchState) commitmentAllocated(e events.CommitmentAllocated) error {
	c, err := lookup(b.commitments, "commitment", e.CommitmentID)
	if err != nil {
		return err
	}
	changes, err := e.Changes(c.shares)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInconsistent, err)
	}
	var moved int64
	for i, sh := range e.Shares {
		delta := changes[i]
		moved += delta
		if err := b.emit(contribution{pairingID: sh.PairingID, figure: FigFiscalCommittedFen, year: c.budgetYear,
			own: e.BusinessDate, amount: delta, documentNo: e.DocNo}); err != nil {
			return err
		}
	}
	c.shares = e.Shares
	c.touch()
	return b.emit(contribution{pairingID: c.pairingID, figure: FigFiscalUnallocatedFen, year: c.budgetYear,
		own: e.BusinessDate, amount: -moved, documentNo: e.DocNo})
}

// fundsDisbursed counts the disbursement on its business date, flagged
// when it was made under an over-commitment approval.
func (b *batchState) fundsDisbursed(e events.FundsDisbursed) error {
	if e.AmountFen <= 0 || e.BusinessDate.IsZero() {
		return fmt.Errorf("%w: disbursement %s lacks its amount or date", ErrInconsistent, e.DisbursementID)
	}
	d := &disbursement{rowState: rowState{fresh: true}, id: e.DisbursementID, pairingID: e.PairingID,
		date: e.BusinessDate, amountFen: e.AmountFen}
	if err := create(b.disbursements, "disbursement", e.DisbursementID, d); err != nil {
		return err
	}
	c := contribution{pairingID: d.pairingID, figure: FigFiscalDisbursedFen, attributed: d.date, own: d.date,
		amount: d.amountFen, documentNo: e.VoucherNo}
	if e.OverCommitment != nil {
		c.flag, c.detail = FootOverCommitment, overCommitmentDetail(e.OverCommitment)
	}
	return b.emit(c)
}

// disbursementReversed takes back part or all of a disbursement: on the
// disbursement's date (entry_error) or its own (funds_returned), flagged
// when those fall in different years. An entry error also comes out of a
// confirmed receipt, on the disbursement's date.
func (b *batchState) disbursementReversed(e events.DisbursementReversed) error {
	d, err := lookup(b.disbursements, "disbursement", e.DisbursementID)
	if err != nil {
		return err
	}
	if left := d.amountFen - d.reversedFen; e.AmountFen <= 0 || e.AmountFen > left {
		return fmt.Errorf("%w: reversal %s of %d fen, but %d fen of disbursement %s is left", ErrInconsistent,
			e.ReversalID, e.AmountFen, left, d.id)
	}
	on, err := reversalDate(e.Reason, e.BusinessDate, d.date)
	if err != nil {
		return err
	}
	c := contribution{pairingID: d.pairingID, figure: FigFiscalDisbursedFen, attributed: on, own: e.BusinessDate,
		amount: -e.AmountFen, documentNo: e.DocNo}
	if crossYear(e.BusinessDate, d.date) {
		c.flag, c.detail = FootCrossYear, crossYearDetail(e.Reason, d.date)
	}
	if err := b.emit(c); err != nil {
		return err
	}
	d.reversedFen += e.AmountFen
	if e.Reason == events.ReasonEntryError {
		d.reversedEntryErrorFen += e.AmountFen
		if d.receiptConfirmed {
			if err := b.emit(contribution{pairingID: d.pairingID, figure: FigReceiptsConfirmedFen, attributed: d.date,
				own: e.BusinessDate, amount: -e.AmountFen, documentNo: e.DocNo}); err != nil {
				return err
			}
		}
	}
	d.touch()
	return nil
}

// receiptConfirmed counts the disbursement's amount net of entry_error
// reversals so far as confirmed, on the disbursement's date.
func (b *batchState) receiptConfirmed(e events.FundsReceiptConfirmed) error {
	d, err := lookup(b.disbursements, "disbursement", e.DisbursementID)
	if err != nil {
		return err
	}
	net := d.amountFen - d.reversedEntryErrorFen
	switch {
	case d.receiptConfirmed:
		return fmt.Errorf("%w: receipt of disbursement %s confirmed twice", ErrInconsistent, d.id)
	case net <= 0:
		return fmt.Errorf("%w: receipt of disbursement %s, wholly reversed as an entry error", ErrInconsistent, d.id)
	}
	d.receiptConfirmed = true
	d.touch()
	return b.emit(contribution{pairingID: d.pairingID, figure: FigReceiptsConfirmedFen, attributed: d.date,
		own: e.ReceivedDate, amount: net, documentNo: e.ReceiptRef})
}
