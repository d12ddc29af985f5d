package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// fundsCommitted creates a commitment, counted in its budget year.
func (b *batchState) fundsCommitted(e events.FundsCommitted) error {
	c := &commitment{rowState: rowState{fresh: true}, id: e.CommitmentID, pairingID: e.PairingID, projectID: e.ProjectID,
		budgetYear: e.BudgetYear, sourceLevel: string(e.SourceLevel), docNo: e.DocNo, batch: e.Batch,
		businessDate: e.BusinessDate.Time(), amountFen: e.AmountFen}
	if err := create(b.commitments, "commitment", e.CommitmentID, c); err != nil {
		return err
	}
	if e.Shares == nil {
		b.add(c.pairingID, c.budgetYear, cCommitments, 1)
		b.add(c.pairingID, c.budgetYear, cCommittedFen, e.AmountFen)
		return nil
	}
	// A commitment of several pairings counts in each with its share; the
	// rest is unallocated, kept on the first pairing's year apart.
	c.shares = e.Shares
	left := e.AmountFen
	for _, sh := range e.Shares {
		b.add(sh.PairingID, c.budgetYear, cCommitments, 1)
		b.add(sh.PairingID, c.budgetYear, cCommittedFen, sh.AmountFen)
		left -= sh.AmountFen
	}
	b.add(c.pairingID, c.budgetYear, cUnallocatedFen, left)
	return nil
}

// commitmentAdjusted counts the signed delta in the commitment's budget
// year: in its unallocated part for a commitment of several pairings.
func (b *batchState) commitmentAdjusted(e events.CommitmentAdjusted) error {
	c, err := lookup(b.commitments, "commitment", e.CommitmentID)
	if err != nil {
		return err
	}
	c.adjustedFen += e.DeltaFen
	c.touch()
	if c.shares != nil {
		b.add(c.pairingID, c.budgetYear, cUnallocatedFen, e.DeltaFen)
		return nil
	}
	b.add(c.pairingID, c.budgetYear, cAdjustedFen, e.DeltaFen)
	return nil
}

// commitmentAllocated moves each pairing's share to its new amount, the
// difference out of (or back into) the unallocated part.
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
		b.add(sh.PairingID, c.budgetYear, cCommittedFen, changes[i])
		moved += changes[i]
	}
	b.add(c.pairingID, c.budgetYear, cUnallocatedFen, -moved)
	c.shares = e.Shares
	c.touch()
	return nil
}

// fundsDisbursed creates a disbursement, counted in its business date's year.
func (b *batchState) fundsDisbursed(e events.FundsDisbursed) error {
	d := &disbursement{rowState: rowState{fresh: true}, id: e.DisbursementID, commitmentID: e.CommitmentID, pairingID: e.PairingID,
		businessDate: e.BusinessDate.Time(), amountFen: e.AmountFen, payeeName: e.PayeeName,
		payeeCreditCode: e.PayeeCreditCode, voucherNo: e.VoucherNo}
	if e.CommitmentID == "" || e.PairingID == "" || e.AmountFen <= 0 || e.BusinessDate.IsZero() {
		return fmt.Errorf("%w: disbursement %s lacks its commitment, pairing, amount or date", ErrInconsistent, e.DisbursementID)
	}
	if err := create(b.disbursements, "disbursement", e.DisbursementID, d); err != nil {
		return err
	}
	y := e.BusinessDate.Year()
	b.add(d.pairingID, y, cDisbursements, 1)
	b.add(d.pairingID, y, cDisbursedFen, e.AmountFen)
	if o := e.OverCommitment; o != nil {
		d.overJustify, d.overApprovedBy = &o.Justification, &o.ApprovedBy
		b.add(d.pairingID, y, cOverCommitmentDisbursements, 1)
		b.add(d.pairingID, y, cOverCommitmentFen, e.AmountFen)
	}
	return nil
}

// disbursementReversed takes back part or all of a disbursement: an
// entry_error in the disbursement's year (and out of a confirmed receipt),
// funds_returned in the reversal's own year.
func (b *batchState) disbursementReversed(e events.DisbursementReversed) error {
	d, err := lookup(b.disbursements, "disbursement", e.DisbursementID)
	if err != nil {
		return err
	}
	left := d.amountFen - d.reversedEntryErrorFen - d.reversedFundsReturnedFen
	if e.AmountFen <= 0 || e.AmountFen > left {
		return fmt.Errorf("%w: reversal %s of %d fen, but %d fen of disbursement %s is left", ErrInconsistent,
			e.ReversalID, e.AmountFen, left, d.id)
	}
	a := e.AmountFen
	y, err := reversalYear(e.Reason, e.BusinessDate, events.DateOf(d.businessDate.Date()))
	if err != nil {
		return fmt.Errorf("reversal %s: %w", e.ReversalID, err)
	}
	if e.Reason == events.ReasonEntryError {
		d.reversedEntryErrorFen += a
		b.add(d.pairingID, y, cReversedEntryErrorFen, a)
		if d.confirmed() {
			b.add(d.pairingID, y, cReceiptsConfirmedFen, -a)
			if d.confirmedFen() == 0 {
				b.add(d.pairingID, y, cReceiptsConfirmed, -1)
			}
		}
	} else {
		d.reversedFundsReturnedFen += a
		b.add(d.pairingID, y, cReversedFundsReturnedFen, a)
	}
	d.touch()
	return nil
}

// receiptConfirmed counts a confirmed receipt in the disbursement's year,
// for its amount net of entry_error reversals so far.
func (b *batchState) receiptConfirmed(e events.FundsReceiptConfirmed) error {
	d, err := lookup(b.disbursements, "disbursement", e.DisbursementID)
	if err != nil {
		return err
	}
	switch {
	case d.confirmed():
		return fmt.Errorf("%w: receipt of disbursement %s confirmed twice", ErrInconsistent, d.id)
	case e.ReceivedDate.IsZero():
		return fmt.Errorf("%w: receipt of disbursement %s without a date", ErrInconsistent, d.id)
	case d.confirmedFen() <= 0:
		return fmt.Errorf("%w: receipt of disbursement %s, wholly reversed as an entry error", ErrInconsistent, d.id)
	}
	d.receiptDate, d.receiptRef = e.ReceivedDate.Time(), e.ReceiptRef
	y := d.businessDate.Year()
	b.add(d.pairingID, y, cReceiptsConfirmed, 1)
	b.add(d.pairingID, y, cReceiptsConfirmedFen, d.confirmedFen())
	d.touch()
	return nil
}
