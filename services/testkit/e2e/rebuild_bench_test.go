package e2e_test

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// rebuildEvents is the size of the stream BenchmarkRebuild replays: 1,000,000
// events, or AIDLEDGER_REBUILD_EVENTS.
func rebuildEvents(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("AIDLEDGER_REBUILD_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("AIDLEDGER_REBUILD_EVENTS=%q: want a number of events ≥ 100", v)
		}
	}
	return n
}

// BenchmarkRebuild publishes a valid history in the wire format (sequence =
// position, hash chain) of the families every release has had (pairings,
// commitments, disbursements and their reversals, receipts, donations,
// purchases, sales, visits), then, for each read model in turn, reads it
// raw with an ordered consumer (no verification, no decoding, no
// database) and rebuilds the model from it, in the same run. Run with
// -benchtime 1x; it reports each model's events/s, the raw read's, and
// their ratio — the figure to compare between releases.
func BenchmarkRebuild(b *testing.B) {
	ctx := context.Background()
	pool, url, js, n := historyBench(b, false)

	// As `aidledger replay` does (rebuildGCPercent in services/aidledger).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	for _, p := range []projections.Projection{balances.New(), audittrail.New(), yearend.New()} {
		b.Run(p.Name(), func(b *testing.B) {
			for range b.N {
				raw := rawRead(ctx, b, js, n)
				res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, NATSURL: url, Projection: p})
				if err != nil {
					b.Fatal(err)
				}
				rate := float64(res.Events) / res.Duration.Seconds()
				b.ReportMetric(rate, "rebuild-events/s")
				b.ReportMetric(raw, "raw-events/s")
				b.ReportMetric(rate/raw, "ratio")
				fmt.Printf("rebuild %s: %d events in %s = %.0f events/s; raw ordered read %.0f events/s; ratio %.3f\n",
					p.Name(), res.Events, res.Duration.Round(time.Millisecond), rate, raw, rate/raw)
			}
		})
	}
}

// historyBench is a database and a NATS server whose ledger stream holds
// the n events of publishHistory (n from rebuildEvents), timely or not.
func historyBench(b *testing.B, timely bool) (pool *pgxpool.Pool, url string, js jetstream.JetStream, n int) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	_, url = testenv.NATS(b)
	nc, err := nats.Connect(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, _ = jetstream.New(nc)
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{}); err != nil {
		b.Fatal(err)
	}
	n = rebuildEvents(b)
	start := time.Now()
	publishHistory(b, js, n, timely)
	b.Logf("published %d events in %s", n, time.Since(start))
	return pool, url, js, n
}

// rawRead reads the n messages of the stream with an ordered consumer and
// returns the rate in messages/s.
func rawRead(ctx context.Context, b *testing.B, js jetstream.JetStream, n int) float64 {
	start := time.Now()
	cons, err := js.OrderedConsumer(ctx, relay.DefaultStreamName, jetstream.OrderedConsumerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	read := 0
	for read < n {
		batch, err := cons.FetchNoWait(5000)
		if err != nil {
			b.Fatal(err)
		}
		for range batch.Messages() {
			read++
		}
		if batch.Error() != nil {
			b.Fatal(batch.Error())
		}
	}
	return float64(read) / time.Since(start).Seconds()
}

// publishHistory publishes n consistent events: pairings, commitments,
// disbursements and their reversals, receipts, donations, purchases, sales
// and visits, as the relay would. They are recorded on 1 June 2025 (a
// history imported at once: every entry of 2024 is late), or, if timely,
// on the evening of the business day of the group they belong to.
func publishHistory(b *testing.B, js jetstream.JetStream, n int, timely bool) {
	var prev events.Hash
	pos := int64(0)
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var futures []jetstream.PubAckFuture
	emit := func(stream string, e events.Event) {
		payload, version, err := events.Encode(e)
		if err != nil {
			b.Fatal(err)
		}
		pos++
		r := events.Record{Position: pos, ID: events.NewID(), StreamID: stream, StreamVersion: 1, Type: e.EventType(),
			SchemaVersion: version, RecordedAt: at, DonorCode: "D1", PartnerCode: "632624",
			Metadata: events.Metadata{Actor: "bench"}, Payload: payload, PrevHash: prev}
		r.Hash = events.ChainHash(prev, pos, r.Canonical())
		prev = r.Hash
		f, err := js.PublishMsgAsync(relay.Message(&r))
		if err != nil {
			b.Fatal(err)
		}
		futures = append(futures, f)
		if len(futures) >= 4000 {
			<-js.PublishAsyncComplete()
			futures = futures[:0]
		}
	}
	day := func(i int) events.Date { return events.DateOf(2024+i%2, time.Month(1+i%12), 1+i%28) }
	pairings := make([]string, 20)
	for i := range pairings {
		pairings[i] = events.NewID()
		emit("pairing-"+pairings[i], events.PairingEstablished{PairingID: pairings[i],
			Donor:   events.Unit{Code: "D1", Name: "甲区", ShortName: "甲"},
			Partner: events.Unit{Code: fmt.Sprintf("6326%02d", i), Name: "乙县", ShortName: "乙"}, Programme: events.ProgrammeEastWest,
			AgreementDocNo: "协议", ValidFrom: events.DateOf(2020, 1, 1), ValidTo: events.DateOf(2030, 12, 31)})
	}
	for i := 0; int(pos) < n; i++ {
		if timely {
			at = time.Date(2024+i%2, time.Month(1+i%12), 1+i%28, 10, 0, 0, 0, time.UTC)
		}
		p := pairings[i%len(pairings)]
		c := events.NewID()
		emit("commitment-"+c, events.FundsCommitted{CommitmentID: c, PairingID: p, AmountFen: 100_000_000, BudgetYear: 2024 + i%2,
			SourceLevel: events.SourceDistrict, DocNo: "文号", BusinessDate: day(i)})
		for d := range 4 {
			id := events.NewID()
			emit("commitment-"+c, events.FundsDisbursed{DisbursementID: id, CommitmentID: c, PairingID: p, AmountFen: 10_000_000,
				BusinessDate: day(i + d), PayeeName: "乙县财政局", VoucherNo: fmt.Sprintf("PZ-%d-%d", i, d)})
			if d == 0 {
				emit("commitment-"+c, events.DisbursementReversed{ReversalID: events.NewID(), DisbursementID: id, CommitmentID: c, PairingID: p,
					AmountFen: 1_000_000, Reason: events.ReasonFundsReturned, BusinessDate: day(i + d), OriginalDate: day(i + d)})
				emit("commitment-"+c, events.FundsReceiptConfirmed{DisbursementID: id, CommitmentID: c, PairingID: p, ReceivedDate: day(i + d), ReceiptRef: "DZ"})
			}
		}
		emit("donation-"+c, events.DonationReceived{DonationID: events.NewID(), PairingID: p, DonorName: "企业", DonorType: events.DonorEnterprise,
			Kind: events.DonationCash, AmountFen: 5_000_000, ReceiptNo: fmt.Sprintf("SJ-%d", i), BusinessDate: day(i)})
		emit("purchase-"+c, events.ProductPurchased{PurchaseID: events.NewID(), PairingID: p, BuyerName: "食堂", SupplierName: "合作社",
			Product: "青稞", AmountFen: 2_000_000, Channel: events.ChannelPlatform832, OrderNo: fmt.Sprintf("O-%d", i), CompletedDate: day(i)})
		emit("sale-"+c, events.SalesFacilitated{SaleID: events.NewID(), PairingID: p, Channel: events.ChannelStore,
			PeriodFrom: day(i), PeriodTo: day(i), AmountFen: 3_000_000})
		emit("visit-"+c, events.VisitConducted{VisitID: events.NewID(), PairingIDList: []string{p}, Direction: events.VisitOutbound, StartDate: day(i)})
	}
	<-js.PublishAsyncComplete()
}
