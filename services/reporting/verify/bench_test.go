package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/reporting/verify"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// chainEvents is the length of the log BenchmarkVerifyChain checks.
const chainEvents = 1_000_000

// BenchmarkVerifyChain recomputes the hash chain over a 1,000,000-event log
// and, in the same run, reads the same rows raw (every column, no hashing)
// as the baseline. Run with -benchtime 1x.
func BenchmarkVerifyChain(b *testing.B) {
	ctx := context.Background()
	pool := testenv.MigratedPool(b)
	start := time.Now()
	loadChain(b, pool, chainEvents)
	b.Logf("loaded %d events in %s", chainEvents, time.Since(start))
	for range b.N {
		start = time.Now()
		rows, err := pool.Query(ctx, `SELECT position, event_id, stream_id, stream_version, type, schema_version, recorded_at,
			donor_code, partner_code, actor, idempotency_key, correlation_id, causation_id, payload::text, prev_hash, hash FROM events ORDER BY position`)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if rows.Err() != nil || n != chainEvents {
			b.Fatalf("raw read %d rows: %v", n, rows.Err())
		}
		raw := float64(n) / time.Since(start).Seconds()

		start = time.Now()
		rep, err := verify.Run(ctx, verify.Config{Pool: pool})
		if err != nil || !rep.OK || rep.Checked != chainEvents {
			b.Fatalf("verify: %+v %v", rep.ChainBreak, err)
		}
		rate := float64(rep.Checked) / time.Since(start).Seconds()
		b.ReportMetric(rate, "verify-events/s")
		b.ReportMetric(raw, "raw-events/s")
		b.ReportMetric(rate/raw, "ratio")
		fmt.Printf("verify chain: %.0f events/s; raw read of the same rows %.0f events/s; ratio %.2f\n", rate, raw, rate/raw)
	}
}

// loadChain writes n chained events straight into the log with COPY (the
// append path is measured elsewhere), and moves the head to the last.
func loadChain(b *testing.B, pool *pgxpool.Pool, n int) {
	ctx := context.Background()
	var prev events.Hash
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	rows := make([][]any, 0, 10000)
	flush := func() {
		_, err := pool.CopyFrom(ctx, pgx.Identifier{"events"}, []string{"position", "event_id", "stream_id", "stream_version", "type",
			"schema_version", "recorded_at", "donor_code", "partner_code", "actor", "idempotency_key", "correlation_id", "causation_id",
			"payload", "prev_hash", "hash"}, pgx.CopyFromRows(rows))
		if err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	for pos := int64(1); pos <= int64(n); pos++ {
		e := events.VisitConducted{VisitID: events.NewID(), PairingIDList: []string{"01JAAAAAAAAAAAAAAAAAAAAAAA"}, Direction: events.VisitOutbound,
			StartDate: events.DateOf(2025, 5, 1), DelegationSize: 6}
		payload, v, err := events.Encode(e)
		if err != nil {
			b.Fatal(err)
		}
		r := events.Record{Position: pos, ID: events.NewID(), StreamID: fmt.Sprintf("visit-%d", pos), StreamVersion: 1, Type: e.EventType(),
			SchemaVersion: v, RecordedAt: at, DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "bench (admin)"},
			Payload: payload, PrevHash: prev}
		r.Hash = events.ChainHash(prev, pos, r.Canonical())
		rows = append(rows, []any{r.Position, r.ID, r.StreamID, r.StreamVersion, r.Type, int32(r.SchemaVersion), r.RecordedAt, r.DonorCode,
			r.PartnerCode, r.Metadata.Actor, "", "", "", string(payload), append([]byte(nil), prev[:]...), r.Hash[:]})
		prev = r.Hash
		if len(rows) == cap(rows) {
			flush()
		}
	}
	flush()
	if _, err := pool.Exec(ctx, `UPDATE ledger_head SET position = $1, hash = $2`, int64(n), prev[:]); err != nil {
		b.Fatal(err)
	}
}
