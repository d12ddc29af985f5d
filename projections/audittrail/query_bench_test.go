package audittrail

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events/eventtest"
)

// BenchmarkQueryByPairing reads the first and the latest page (50 rows) of
// the audit trail filtered by one pairing on models of 10,000, 100,000 and
// 1,000,000 synthetic events (built through BulkLoader, not timed): the
// time should not grow with the log, only with the pairing's own rows.
//
//	go test -run '^$' -bench QueryByPairing -benchtime 50x ./projections/audittrail/
func BenchmarkQueryByPairing(b *testing.B) {
	for _, total := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", total), func(b *testing.B) {
			ctx := context.Background()
			pool := newDB(b)
			conn, err := pool.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			g := eventtest.New(genConfig(42, total, nil))
			steps := []func(context.Context, pgx.Tx) error{New().BeginBulk}
			for n := 0; n < total; n += 5000 {
				batch := runnerEvents(g.Next(min(5000, total-n)))
				steps = append(steps, func(ctx context.Context, tx pgx.Tx) error { return New().Apply(ctx, tx, batch) })
			}
			steps = append(steps, New().EndBulk, func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `DO $$ BEGIN IF to_regclass('members') IS NOT NULL THEN ANALYZE members; END IF; END $$`)
				return err
			})
			for _, step := range steps {
				if err := inTx(ctx, conn, step); err != nil {
					b.Fatal(err)
				}
			}
			conn.Release()
			var pairing string
			if err := pool.QueryRow(ctx, `SELECT pairing_id FROM `+SchemaName+`.pairings ORDER BY pairing_id LIMIT 1`).Scan(&pairing); err != nil {
				b.Fatal(err)
			}
			for _, latest := range []bool{false, true} {
				b.Run(map[bool]string{false: "first", true: "latest"}[latest], func(b *testing.B) {
					rows := 0
					for b.Loop() {
						p, err := Query(ctx, pool, Filter{PairingID: pairing, Limit: 50, Latest: latest})
						if err != nil {
							b.Fatal(err)
						}
						rows = len(p.Entries)
					}
					b.ReportMetric(float64(rows), "rows")
				})
			}
		})
	}
}
