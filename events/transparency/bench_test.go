package transparency_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// BenchmarkAppend measures what keeping and signing the transparency log
// costs appends: the same appends (one event per command, 8 concurrent
// writers) with and without the tree being extended and a checkpoint
// signed every second (or 1000 events) in the background, as serve runs
// it. The ratio with/without is the overhead; run them alternately:
//
//	go test -run '^$' -bench Append -benchtime 5s -count 3 ./events/transparency/
func BenchmarkAppend(b *testing.B) {
	for _, withTree := range []bool{false, true} {
		b.Run(fmt.Sprintf("tree=%v", withTree), func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := eventstore.New(testenv.MigratedPool(b))
			if withTree {
				key, _, err := transparency.GenerateKey(b.TempDir(), "bench")
				if err != nil {
					b.Fatal(err)
				}
				signer, _, err := transparency.LoadSigner(key)
				if err != nil {
					b.Fatal(err)
				}
				tree := transparency.New(s)
				go tree.Run(ctx, signer, time.Second, 1000, func(string, ...any) {}) //nolint:errcheck // ends with ctx
			}
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					e := events.VisitConducted{VisitID: fmt.Sprintf("V%d", i), PairingIDList: []string{"P1"}, Direction: events.VisitOutbound,
						StartDate: events.DateOf(2025, 3, 1)}
					if _, err := s.Append(ctx, &eventstore.AppendRequest{StreamID: fmt.Sprintf("visit-%d", i), Events: []events.Event{e},
						DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "bench"}}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
