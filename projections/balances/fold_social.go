package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// donationCounters are the (amount, reversed) counters of a donation kind.
func donationCounters(kind string) (amount, reversed counter, err error) {
	switch events.DonationKind(kind) {
	case events.DonationCash:
		return cDonationsCashFen, cDonationsCashReversedFen, nil
	case events.DonationInKind:
		return cDonationsInKindFen, cDonationsInKindReversedFen, nil
	}
	return 0, 0, fmt.Errorf("%w: unknown donation kind %q", ErrInconsistent, kind)
}

// donationReceived counts a donation by kind in its business date's year
// and keeps its kind for reversals.
func (b *batchState) donationReceived(e events.DonationReceived) error {
	amount, _, err := donationCounters(string(e.Kind))
	if err != nil {
		return err
	}
	d := &donation{rowState: rowState{fresh: true}, id: e.DonationID, pairingID: e.PairingID, kind: string(e.Kind),
		businessDate: e.BusinessDate.Time(), amountFen: e.AmountFen}
	if err := create(b.donations, "donation", e.DonationID, d); err != nil {
		return err
	}
	b.add(e.PairingID, e.BusinessDate.Year(), amount, e.AmountFen)
	return nil
}

// donationReversed counts a reversal under the original's kind, in the
// original's year (entry_error) or its own (funds_returned).
func (b *batchState) donationReversed(e events.DonationReversed) error {
	d, err := lookup(b.donations, "donation", e.OriginalID)
	if err != nil {
		return err
	}
	_, reversed, err := donationCounters(d.kind)
	if err != nil {
		return err
	}
	if e.AmountFen <= 0 || e.AmountFen > d.amountFen {
		return fmt.Errorf("%w: reversal of %d fen of donation %s (%d fen)", ErrInconsistent, e.AmountFen, d.id, d.amountFen)
	}
	y, err := reversalYear(e.Reason, e.BusinessDate, events.DateOf(d.businessDate.Date()))
	if err != nil {
		return err
	}
	b.add(d.pairingID, y, reversed, e.AmountFen)
	return nil
}
