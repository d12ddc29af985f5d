package events_test

import (
	"testing"

	"github.com/aidledger/aidledger/events"
)

// wireRecord is a typical disbursement as a record with its hash.
func wireRecord(tb testing.TB) events.Record {
	e := events.FundsDisbursed{DisbursementID: events.NewID(), CommitmentID: events.NewID(), PairingID: events.NewID(), AmountFen: 10_000_000,
		BusinessDate: events.DateOf(2025, 6, 1), PayeeName: "乙县财政局", VoucherNo: "PZ-2025-0001"}
	payload, v, err := events.Encode(e)
	if err != nil {
		tb.Fatal(err)
	}
	r := events.Record{Position: 7, ID: events.NewID(), StreamID: "commitment-x", StreamVersion: 2, Type: e.EventType(), SchemaVersion: v,
		RecordedAt: fixedTime, DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "张会计 (recorder)"}, Payload: payload}
	r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
	return r
}

// BenchmarkFromWire is the verification every consumer does per message.
func BenchmarkFromWire(b *testing.B) {
	r := wireRecord(b)
	body, prev, hash := r.Canonical(), r.PrevHash.String(), r.Hash.String()
	for b.Loop() {
		if _, err := events.FromWire(r.Position, body, prev, hash); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePayload is the payload decoding every projection needs.
func BenchmarkDecodePayload(b *testing.B) {
	r := wireRecord(b)
	for b.Loop() {
		if _, err := r.Event(); err != nil {
			b.Fatal(err)
		}
	}
}
