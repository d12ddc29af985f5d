package ledger_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestHotStreamTakesTurns: many disbursements at once on one commitment
// (one stream) all land, even with a single retry allowed: the commands
// of a process take turns on a stream instead of losing to each other.
func TestHotStreamTakesTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := eventstore.New(testenv.MigratedPool(t))
	l, err := ledger.New(ledger.Config{Store: store, MaxRetries: 1,
		Now: func() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	req := func(n int) ledger.Request {
		return ledger.Request{Principal: admin, IdempotencyKey: fmt.Sprintf("hot-key-%04d", n)}
	}
	commitment(t, l, req(1), req(2), 100_0000_00)
	const n = 32
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = l.DisburseFunds(ctx, req(100+i), ledger.DisburseFunds{DisbursementID: id(100 + i), CommitmentID: id(2),
				AmountFen: 1_0000_00, BusinessDate: "2025-03-01", PayeeName: "班玛县财政局", VoucherNo: fmt.Sprintf("V-%d", i)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("disbursement %d: %v", i, err)
		}
	}
	if _, v, err := store.ReadStream(ctx, "commitment-"+id(2)); err != nil || v != 1+n {
		t.Fatalf("the commitment's stream is at version %d (%v), want %d", v, err, 1+n)
	}
}

// commitment establishes pairing id(1) and commits amount to commitment
// id(2) under it, with the two requests given.
func commitment(tb testing.TB, l *ledger.Ledger, pairingReq, commitReq ledger.Request, amount int64) {
	tb.Helper()
	ctx := context.Background()
	if _, err := l.EstablishPairing(ctx, pairingReq, ledger.EstablishPairing{PairingID: id(1),
		Donor:   ledger.UnitInput{Code: "zhonglou", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner: ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"}, Programme: events.ProgrammeCounterpartSupport,
		AgreementDocNo: "钟政〔2021〕1号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := l.CommitFunds(ctx, commitReq, ledger.CommitFunds{CommitmentID: id(2), PairingID: id(1), AmountFen: amount,
		BudgetYear: 2025, SourceLevel: events.SourceDistrict, DocNo: "钟财〔2025〕1号", BusinessDate: "2025-01-10"}); err != nil {
		tb.Fatal(err)
	}
}
