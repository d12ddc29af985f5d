package importer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/intake/importer"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// BenchmarkImport10k imports a purchase template filled with 10,000 rows
// (read, converted, decided by the ledger and written in one batch) and,
// as the raw baseline in the same run, writes 10,000 purchase events
// prepared beforehand with one eventstore.Store.AppendBatch (no file, no
// ledger checks: the write alone). It reports both in rows/s and their
// ratio. Run it with:
//
//	go test -run '^$' -bench Import10k -benchtime 1x ./services/intake/importer/
func BenchmarkImport10k(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	var importWall, rawWall time.Duration
	for range b.N {
		b.StopTimer()
		env := demoenv.New(b)
		pairing := pairingOf(b, env, demoenv.Linan)
		file := purchases(b, pairing, n, nil)
		l := testenv.Ledger(b, env.Store)
		b.StartTimer()
		start := time.Now()
		rows, err := importer.Read(file)
		if err != nil {
			b.Fatal(err)
		}
		res, err := importer.Import(ctx, env.Store, l, recorder, "purchase", rows, importer.Options{})
		if err != nil || res.New != n {
			b.Fatalf("import: %+v %v", res, err)
		}
		importWall += time.Since(start)
		b.StopTimer()

		reqs := make([]*eventstore.AppendRequest, n)
		for i := range n {
			id := events.NewID()
			reqs[i] = &eventstore.AppendRequest{StreamID: "purchase-" + id,
				Events: []events.Event{events.ProductPurchased{PurchaseID: id, PairingID: pairing, BuyerName: "食堂", SupplierName: "合作社",
					Product: "牦牛肉干", AmountFen: int64(10_000 + i), Channel: events.ChannelPlatform832, OrderNo: fmt.Sprintf("raw-%06d", i),
					CompletedDate: events.DateOf(2025, 3, 1)}},
				DonorCode: demoenv.Linan, PartnerCode: "513331", Metadata: events.Metadata{Actor: "bench"},
				NewEntities: []eventstore.Entity{{ID: id, Kind: "purchase"}},
				Claim:       []eventstore.NaturalKey{{Scope: "order_no:platform_832", Key: fmt.Sprintf("raw-%06d", i), EntityID: id}}}
		}
		start = time.Now()
		if _, err := env.Store.AppendBatch(ctx, reqs); err != nil {
			b.Fatal(err)
		}
		rawWall += time.Since(start)
	}
	imp := float64(n*b.N) / importWall.Seconds()
	raw := float64(n*b.N) / rawWall.Seconds()
	b.ReportMetric(imp, "import-rows/s")
	b.ReportMetric(raw, "raw-batch-appends/s")
	b.ReportMetric(imp/raw, "ratio")
	b.ReportMetric(importWall.Seconds()/float64(b.N), "s/import")
}
