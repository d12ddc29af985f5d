package ledger

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aidledger/aidledger/events"
)

// TestCommitmentStateExtended: a state folded up to any version and then
// extended by the rest equals the whole stream folded at once, and the
// earlier state is left as it was (others may be deciding on it).
func TestCommitmentStateExtended(t *testing.T) {
	t.Parallel()
	evs := []events.Event{events.FundsCommitted{CommitmentID: "C", PairingID: "P", AmountFen: 1000}}
	for i := range 12 {
		id := fmt.Sprintf("D%d", i)
		evs = append(evs, events.FundsDisbursed{DisbursementID: id, CommitmentID: "C", AmountFen: 50})
		switch i % 4 {
		case 1:
			evs = append(evs, events.DisbursementReversed{ReversalID: "R" + id, DisbursementID: id, AmountFen: 20,
				Reason: events.ReasonFundsReturned})
		case 2:
			evs = append(evs, events.FundsReceiptConfirmed{DisbursementID: id})
		case 3:
			evs = append(evs, events.CommitmentAdjusted{CommitmentID: "C", DeltaFen: 10})
		}
	}
	whole := foldCommitment(evs, int64(len(evs)))
	for cut := range len(evs) + 1 {
		before := foldCommitment(evs[:cut], int64(cut))
		snapshot := foldCommitment(evs[:cut], int64(cut))
		if got := before.extended(evs[cut:], int64(len(evs))); !reflect.DeepEqual(got, whole) {
			t.Fatalf("folded to %d then extended: %+v, want %+v", cut, got, whole)
		}
		if !reflect.DeepEqual(before, snapshot) {
			t.Fatalf("extending the state at %d changed it", cut)
		}
	}
}
