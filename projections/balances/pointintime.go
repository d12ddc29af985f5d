package balances

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/projections"
)

// PointInTime is a balances view of part of the log.
type PointInTime struct {
	// Position is the last event the view holds (1 ≤ Position ≤ the
	// stream's last sequence).
	Position int64
	// Keep, when not nil, selects the events it holds (e.g.
	// audittrail.AsOf for business dates up to a day): see
	// projections.RebuildConfig.Keep.
	Keep func(*projections.Event) bool
}

// ReadAt builds the balances of pit from the ledger stream at natsURL into
// a scratch schema "pit_balances_<6 random hex>" of pool
// (projections.BuildInto), calls read with a Querier on it inside one
// read-only snapshot, and drops the schema whatever happens (even when ctx
// is cancelled). It returns the position the view reached. The live read
// model is neither read nor touched; the build costs a replay of the
// stream up to pit.Position.
func ReadAt(ctx context.Context, pool *pgxpool.Pool, natsURL string, log *slog.Logger, pit PointInTime, read func(Querier) error) (int64, error) {
	var random [3]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	schema := "pit_balances_" + hex.EncodeToString(random[:])
	defer func() {
		if _, err := pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			log.Error("dropping a point-in-time schema", "schema", schema, "err", err)
		}
	}()
	built, err := projections.BuildInto(ctx, projections.RebuildConfig{Pool: pool, NATSURL: natsURL, Projection: New(),
		Logger: log, Keep: pit.Keep}, schema, pit.Position)
	if err != nil {
		return 0, fmt.Errorf("balances at position %d: %w", pit.Position, err)
	}
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return read(InSchema(tx, schema))
	})
	return built, err
}
