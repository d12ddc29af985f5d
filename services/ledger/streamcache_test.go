package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestTwoLedgersSeeEachOthersAppends: two ledgers on one database (two
// processes, say), each keeping the streams it decided on: each decides
// on the other's appends too — the cached part of a stream is never all
// of it.
func TestTwoLedgersSeeEachOthersAppends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := eventstore.New(testenv.MigratedPool(t))
	a, b := testenv.Ledger(t, store), testenv.Ledger(t, store)
	n := 0
	req := func() ledger.Request {
		n++
		return ledger.Request{Principal: admin, IdempotencyKey: fmt.Sprintf("two-ledgers-%04d", n)}
	}
	pr, err := a.EstablishPairing(ctx, req(), ledger.EstablishPairing{Donor: ledger.UnitInput{Code: "zhonglou", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner: ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"}, Programme: events.ProgrammeCounterpartSupport,
		AgreementDocNo: "钟政〔2021〕1号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.CommitFunds(ctx, req(), ledger.CommitFunds{PairingID: pr.PairingID, AmountFen: 100, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "X", BusinessDate: "2025-01-10"})
	if err != nil {
		t.Fatal(err)
	}
	disburse := func(l *ledger.Ledger, amount int64) error {
		_, err := l.DisburseFunds(ctx, req(), ledger.DisburseFunds{CommitmentID: c.CommitmentID, AmountFen: amount,
			BusinessDate: "2025-02-01", PayeeName: "班玛县财政局", VoucherNo: fmt.Sprintf("V-%d", n)})
		return err
	}
	for i := range 10 { // alternate: each ledger's cache holds the stream, the other appends to it
		l := a
		if i%2 == 1 {
			l = b
		}
		if err := disburse(l, 10); err != nil {
			t.Fatalf("disbursement %d: %v", i+1, err)
		}
	}
	// 100 of 100 disbursed: both refuse one fen more.
	for name, l := range map[string]*ledger.Ledger{"a": a, "b": b} {
		var r *ledger.Rejection
		if err := disburse(l, 1); !errors.As(err, &r) || r.Code != ledger.CodeOverCommitment {
			t.Errorf("ledger %s: %v, want over_commitment", name, err)
		}
	}
}
