package balances

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// Querier runs read-only queries: a *pgx.Conn, a pgx.Tx or a *pgxpool.Pool.
// The queries name their tables with the schema (proj_balances.…), so the
// connection's search_path does not matter.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// dateOf is the events.Date of a SQL date (midnight UTC); NULL is the zero Date.
func dateOf(d pgtype.Date) events.Date {
	if !d.Valid {
		return events.Date{}
	}
	return dateOfTime(d.Time)
}

func dateOfTime(t time.Time) events.Date { return events.DateOf(t.Year(), t.Month(), t.Day()) }
