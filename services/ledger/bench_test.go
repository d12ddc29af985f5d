package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// BenchmarkDisburseOnLongStream disburses on a fresh commitment and on one
// whose stream already holds 3,000 events (disbursements), one command at
// a time: the stream cache reads only what was appended since, so the
// long stream should cost about what the fresh one does.
//
//	go test -run '^$' -bench DisburseOnLongStream -benchtime 300x ./services/ledger/
func BenchmarkDisburseOnLongStream(b *testing.B) {
	for _, prefill := range []int{0, 3000} {
		b.Run(fmt.Sprintf("events=%d", prefill), func(b *testing.B) {
			ctx := context.Background()
			store := eventstore.New(testenv.MigratedPool(b))
			l, err := ledger.New(ledger.Config{Store: store,
				Now: func() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC) }})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			req := func() ledger.Request {
				n++
				return ledger.Request{Principal: admin, IdempotencyKey: fmt.Sprintf("bench-key-%07d", n)}
			}
			commitment(b, l, req(), req(), 1_000_000_0000_00)
			disburse := func() {
				if _, err := l.DisburseFunds(ctx, req(), ledger.DisburseFunds{CommitmentID: id(2), AmountFen: 1_0000_00,
					BusinessDate: "2025-03-01", PayeeName: "班玛县财政局", VoucherNo: fmt.Sprintf("V-%07d", n)}); err != nil {
					b.Fatal(err)
				}
			}
			for range prefill {
				disburse()
			}
			b.ResetTimer()
			for range b.N {
				disburse()
			}
		})
	}
}
