package eventstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/platform/dbmigrate"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// These benchmarks compare Store.Append with the cheapest durable write the
// same server can do: a one-row autocommit INSERT into a plain table. Both
// sides run on the same server (testenv: DATABASE_URL or the private
// cluster), each in its own fresh database, with the server's own
// durability settings (fsync, synchronous_commit) and pools of the same
// size, so the ratio store/raw is what the ledger's guarantees cost.
//
//	go test -run '^$' -bench 'Append|RawInsert' -benchtime 3s -count 3 ./events/eventstore/
//
// Each op is one command with one event. Building the event (ids, JSON,
// hash) is inside the timed loop on both sides, as a real caller does it;
// creating the database, migrating, opening connections and prefilling
// (see prefill) are not.

// benchWriters are the numbers of concurrent writers of the /parallel-N
// sub-benchmarks; benchGoroutines the most of them.
var benchWriters = []int{8, 32}

const benchGoroutines = 32

// benchPool returns a pool on a fresh database, big enough that the
// parallel writers never wait for a connection, with every connection
// already open.
func benchPool(b *testing.B) *pgxpool.Pool {
	b.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(testenv.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 2 * benchGoroutines
	cfg.MinConns = 2 * benchGoroutines
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	conns := make([]*pgxpool.Conn, cfg.MaxConns)
	for i := range conns {
		if conns[i], err = pool.Acquire(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range conns {
		c.Release()
	}
	return pool
}

// prefillRows is how many rows each side writes before the timer starts.
const prefillRows = 3000

// prefill runs op prefillRows times from every connection, then ANALYZEs.
// The log is then not empty and its statistics are fresh: plpgsql caches
// generic plans per connection, and a plan made while the planner believes
// a table holds a handful of rows (right after an early autovacuum ANALYZE
// of a new database) seq-scans it, so each append grows slower with the log
// until the next ANALYZE. That is an artefact of a new database, not what a
// running ledger sees, and it made the numbers swing by 2× between runs.
func prefill(b *testing.B, pool *pgxpool.Pool, op func() error) {
	b.Helper()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 2 * benchGoroutines {
		wg.Go(func() {
			for next.Add(1) <= prefillRows {
				if err := op(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	if _, err := pool.Exec(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// parallel runs op from each number of benchWriters goroutines in
// RunParallel (which starts parallelism × GOMAXPROCS of them), as
// sub-benchmarks parallel-N.
func parallel(b *testing.B, op func() error) {
	for _, writers := range benchWriters {
		b.Run(fmt.Sprintf("parallel-%d", writers), func(b *testing.B) {
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((writers + procs - 1) / procs)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := op(); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportEventsPerSecond(b)
		})
	}
}

func reportEventsPerSecond(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "events/s")
	}
}

var benchSeq atomic.Int64 // voucher numbers, unique across runs

// disbursement returns a realistic disbursement event with a new id.
func disbursement() events.FundsDisbursed {
	n := benchSeq.Add(1)
	return events.FundsDisbursed{
		DisbursementID:  events.NewID(),
		CommitmentID:    "01JNZ8Q3W6YB2M4T7K9C0D1E2F",
		PairingID:       "01JNZ8P1A2B3C4D5E6F7G8H9J0",
		AmountFen:       1_250_000_00 + n,
		BusinessDate:    events.DateOf(2025, 3, 14),
		PayeeName:       "青海省果洛藏族自治州玛沁县乡村振兴局（对口支援资金专户）",
		PayeeCreditCode: "11632600MB1X23456Q",
		VoucherNo:       fmt.Sprintf("记-2025-03-%07d", n),
	}
}

// disbursementRequest is what the disburse command hands to Store.Append:
// a new stream, an idempotency key with fingerprint and result, the new
// entity and its voucher number.
func disbursementRequest() *eventstore.AppendRequest {
	e := disbursement()
	key := events.NewID()
	fp := sha256.Sum256([]byte(key + e.DisbursementID + e.VoucherNo))
	return &eventstore.AppendRequest{
		StreamID:        "disbursement-" + e.DisbursementID,
		ExpectedVersion: 0,
		Events:          []events.Event{e},
		DonorCode:       "310000",
		PartnerCode:     "632624",
		Metadata: events.Metadata{
			Actor:          "user:01JNZ7ZZ0FINANCE0OFFICER01",
			IdempotencyKey: key,
			CorrelationID:  key,
			CausationID:    key,
		},
		Fingerprint: fp[:],
		Result:      json.RawMessage(`{"disbursement_id":"` + e.DisbursementID + `"}`),
		NewEntities: []eventstore.Entity{{ID: e.DisbursementID, Kind: "disbursement"}},
		Claim:       []eventstore.NaturalKey{{Scope: "voucher_no:310000", Key: e.VoucherNo, EntityID: e.DisbursementID}},
	}
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	pool := benchPool(b)
	if err := dbmigrate.Apply(ctx, pool, dbmigrate.Set{Name: "eventstore", FS: eventstore.Migrations}); err != nil {
		b.Fatal(err)
	}
	s := eventstore.New(pool)
	prefill(b, pool, func() error {
		_, err := s.Append(ctx, disbursementRequest())
		return err
	})

	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Append(ctx, disbursementRequest()); err != nil {
				b.Fatal(err)
			}
		}
		reportEventsPerSecond(b)
	})
	parallel(b, func() error {
		_, err := s.Append(ctx, disbursementRequest())
		return err
	})
}

// rawInsert is the baseline's one statement: a row like an event's (ids,
// routing, metadata, json payload, 32-byte hash) into a table with nothing
// but a bigserial primary key, in its own autocommit transaction.
const rawInsert = `INSERT INTO raw_events (event_id, stream_id, type, recorded_at, donor_code,
	partner_code, actor, idempotency_key, payload, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

func insertRaw(ctx context.Context, pool *pgxpool.Pool) error {
	e := disbursement()
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	id := events.NewID()
	hash := sha256.Sum256(payload)
	_, err = pool.Exec(ctx, rawInsert, id, "disbursement-"+e.DisbursementID, e.EventType(),
		time.Now().UTC(), "310000", "632624", "user:01JNZ7ZZ0FINANCE0OFFICER01", id,
		string(payload), hash[:])
	return err
}

func BenchmarkRawInsert(b *testing.B) {
	ctx := context.Background()
	pool := benchPool(b)
	if _, err := pool.Exec(ctx, `CREATE TABLE raw_events (
		id              bigserial   PRIMARY KEY,
		event_id        text        NOT NULL,
		stream_id       text        NOT NULL,
		type            text        NOT NULL,
		recorded_at     timestamptz NOT NULL,
		donor_code      text        NOT NULL,
		partner_code    text        NOT NULL,
		actor           text        NOT NULL,
		idempotency_key text        NOT NULL,
		payload         json        NOT NULL,
		hash            bytea       NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	prefill(b, pool, func() error { return insertRaw(ctx, pool) })

	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if err := insertRaw(ctx, pool); err != nil {
				b.Fatal(err)
			}
		}
		reportEventsPerSecond(b)
	})
	parallel(b, func() error { return insertRaw(ctx, pool) })
}
